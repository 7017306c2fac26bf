import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../src/errors';
import { configHash, defaultConfig, findWorkspaceRoot, loadConfig, type PartialCoverageConfig } from '../src/config';

const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tree(files: Record<string, string> = {}): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-config-')));
  temps.push(root);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

/** The ConfigError message for an rc file with this text (fails the test when it loads). */
function errorFor(rcText: string, overrides?: PartialCoverageConfig, overridesSource?: string): string {
  const root = tree({ '.coveragerc.json': rcText });
  try {
    loadConfig({ workspaceRoot: root, overrides, overridesSource });
  } catch (error) {
    assert.instance(error, ConfigError);
    const message = (error as Error).message;
    assert.not.match(message, /\n\s*at /, 'no stack lines in the message');
    return message;
  }
  assert.unreachable(`expected a ConfigError for ${rcText}`);
  return '';
}

test('defaults when there is no rc file', () => {
  const root = tree();
  const loaded = loadConfig({ workspaceRoot: root });
  assert.is(loaded.file, undefined);
  assert.equal(loaded.config, {
    run: { include: ['**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}'], omit: [], all: true, dataDir: 'coverage', source: 'project', collector: 'auto', contexts: 'none' },
    paths: {},
    report: { perProject: {}, skipCovered: false, skipEmpty: false, showMissing: true, precision: 2, sort: 'name', projectTable: false },
    reporters: ['text', 'lcov', 'json', 'json-summary', 'cobertura', 'html'],
  });
  assert.match(loaded.hash, /^[0-9a-f]{64}$/);
  assert.is(loaded.hash, configHash(defaultConfig()));
});

test('reads the rc file over the defaults; $schema is accepted even when it points nowhere', () => {
  const root = tree({
    '.coveragerc.json': JSON.stringify({
      $schema: './node_modules/@monocov/core/coveragerc.schema.json',
      run: { include: ['src/**'], dataDir: 'out/cov' },
      paths: { source: ['packages/', '/ci/agent-*/work/packages/'] },
      report: { failUnder: { lines: 80 }, perProject: { 'packages/core': 90 } },
      reporters: ['text-summary'],
    }),
  });
  const loaded = loadConfig({ workspaceRoot: root });
  assert.is(loaded.file, join(root, '.coveragerc.json'));
  assert.equal(loaded.config.run.include, ['src/**']);
  assert.is(loaded.config.run.dataDir, 'out/cov');
  assert.is(loaded.config.run.all, true, 'unset keys keep their defaults');
  assert.equal(loaded.config.report.failUnder, { lines: 80 });
  assert.equal(loaded.config.report.perProject, { 'packages/core': 90 });
  assert.equal(loaded.config.reporters, ['text-summary']);
  assert.equal(loaded.config.paths, { source: ['packages/', '/ci/agent-*/work/packages/'] });
  assert.not.ok('$schema' in loaded.config);
});

test('the example in the design contract loads', () => {
  const root = tree({
    '.coveragerc.json': `{
  "$schema": "./node_modules/@monocov/core/coveragerc.schema.json",
  "run":    { "include": ["src/**"], "omit": ["**/*.test.ts", "**/generated/**"], "all": true, "dataDir": "coverage" },
  "paths":  { "source": ["packages/", "/ci/agent-*/work/packages/"] },
  "report": { "failUnder": 80, "perProject": { "packages/core": { "lines": 90 } }, "skipCovered": false, "showMissing": true, "precision": 2 },
  "reporters": ["text", "lcov", "json", "json-summary", "cobertura", "html"]
}`,
  });
  assert.is(loadConfig({ workspaceRoot: root }).config.report.failUnder, 80);
});

test('a BOM before the JSON is not an error', () => {
  const root = tree({ '.coveragerc.json': '\uFEFF{"run":{"all":false}}' });
  assert.is(loadConfig({ workspaceRoot: root }).config.run.all, false);
});

test('the hash ignores key order, $schema and merge-only options (thresholds, reporters), and follows every run value', () => {
  const a = loadConfig({ workspaceRoot: tree({ '.coveragerc.json': '{"run":{"all":false,"dataDir":"cov"}}' }) });
  const b = loadConfig({ workspaceRoot: tree({ '.coveragerc.json': '{"$schema":"x.json","run":{"dataDir":"cov","all":false}}' }) });
  const c = loadConfig({ workspaceRoot: tree({ '.coveragerc.json': '{"run":{"all":true,"dataDir":"cov"}}' }) });
  const d = loadConfig({ workspaceRoot: tree({ '.coveragerc.json': '{"run":{"all":false,"dataDir":"cov"},"report":{"failUnder":90},"reporters":["lcov"]}' }) });
  assert.is(a.hash, b.hash);
  assert.is.not(a.hash, c.hash);
  assert.is(a.hash, d.hash);
});

test('overrides: validated, deep-merged over the file, arrays replaced', () => {
  const root = tree({
    '.coveragerc.json': JSON.stringify({
      run: { include: ['src/**', 'lib/**'], omit: ['src/legacy/**'] },
      report: { failUnder: { lines: 80 }, perProject: { a: 50 }, precision: 1 },
    }),
  });
  const loaded = loadConfig({
    workspaceRoot: root,
    overrides: { run: { include: ['app/**'], all: false, source: undefined }, report: { failUnder: { branches: 70 }, perProject: { b: 60 } } },
  });
  assert.equal(loaded.config.run.include, ['app/**'], 'arrays replace');
  assert.equal(loaded.config.run.omit, ['src/legacy/**'], 'untouched keys stay');
  assert.is(loaded.config.run.all, false);
  assert.is(loaded.config.run.source, 'project', 'undefined overrides are unset options');
  assert.equal(loaded.config.report.failUnder, { lines: 80, branches: 70 }, 'objects merge');
  assert.equal(loaded.config.report.perProject, { a: 50, b: 60 });
  assert.is(loaded.config.report.precision, 1);
});

test('overrides do not mutate their input or the file layer', () => {
  const overrides = { run: { include: ['x/**'] } };
  const loaded = loadConfig({ workspaceRoot: tree(), overrides });
  loaded.config.run.include.push('y/**');
  assert.equal(overrides, { run: { include: ['x/**'] } });
});

// Locks the wording users see: each row is an rc file and the exact message it gives.
const FILE_ERRORS: Array<[string, string, string]> = [
  [
    'malformed JSON: trailing comma',
    '{\n  "run": {\n    "all": true,\n  }\n}',
    '`.coveragerc.json`: invalid JSON at line 3, column 16: trailing comma before `}`; JSON allows none',
  ],
  [
    'malformed JSON: missing comma',
    '{\n  "run": {"all": true}\n  "report": {}\n}',
    '`.coveragerc.json`: invalid JSON at line 3, column 3: expected `,` or `}` after a property value, found `"`',
  ],
  ['malformed JSON: comment', '{\n  // coverage settings\n  "run": {}\n}', '`.coveragerc.json`: invalid JSON at line 2, column 3: comments are not allowed in JSON'],
  ['malformed JSON: bad literal', '{"run": {"all": tru}}', '`.coveragerc.json`: invalid JSON at line 1, column 17: expected a value, found `tru`'],
  ['malformed JSON: single quotes', "{'run': {}}", '`.coveragerc.json`: invalid JSON at line 1, column 2: property names must be in double quotes'],
  ['malformed JSON: truncated', '{"run": {"include": ["src/**"', '`.coveragerc.json`: invalid JSON at line 1, column 30: unexpected end of file; a `]` is missing'],
  ['malformed JSON: unterminated string', '{"run": {"dataDir": "cov}}', '`.coveragerc.json`: invalid JSON at line 1, column 21: unterminated string'],
  ['empty file', '', '`.coveragerc.json`: invalid JSON at line 1, column 1: the file is empty; write {} for the defaults'],
  ['not an object', '["run"]', '`.coveragerc.json` must be a JSON object, got ["run"]'],
  ['unknown key in a section: typo', '{"run": {"includ": ["src/**"]}}', '`.coveragerc.json`: `run.includ` is not a known key; did you mean `run.include`?'],
  ['unknown key: wrong section', '{"run": {"failUnder": 80}}', '`.coveragerc.json`: `run.failUnder` is not a known key; did you mean `report.failUnder`?'],
  ['unknown key: section left out', '{"failUnder": 80}', '`.coveragerc.json`: `failUnder` is not a known key; did you mean `report.failUnder`?'],
  ['unknown key: snake_case', '{"report": {"fail_under": 80}}', '`.coveragerc.json`: `report.fail_under` is not a known key; did you mean `report.failUnder`?'],
  ['unknown key: transposed letters', '{"report": {"skipCoverd": true}}', '`.coveragerc.json`: `report.skipCoverd` is not a known key; did you mean `report.skipCovered`?'],
  ['unknown key: c8 name', '{"run": {"exclude": ["a/**"]}}', '`.coveragerc.json`: `run.exclude` is not a known key; did you mean `run.omit`?'],
  ['unknown key: top-level reporter', '{"reporter": ["lcov"]}', '`.coveragerc.json`: `reporter` is not a known key; did you mean `reporters`?'],
  [
    'unknown key: nothing close',
    '{"run": {"zzzzzz": 1}}',
    '`.coveragerc.json`: `run.zzzzzz` is not a known key (known keys in `run`: `include`, `omit`, `all`, `dataDir`, `source`, `collector`, `istanbulJsonPath`, `contexts`)',
  ],
  ['unknown top-level key: nothing close', '{"qwerty": 1}', '`.coveragerc.json`: `qwerty` is not a known key (known keys: `$schema`, `run`, `paths`, `report`, `reporters`)'],
  ['dotted key', '{"report.failUnder": 80}', '`.coveragerc.json`: `report.failUnder` is not a key; write it nested: { "report": { "failUnder": … } }'],
  ['unknown metric', '{"report": {"failUnder": {"line": 80}}}', '`.coveragerc.json`: `report.failUnder.line` is not a known key; did you mean `report.failUnder.lines`?'],
  ['failUnder: a word', '{"report": {"failUnder": "eighty"}}', '`.coveragerc.json`: `report.failUnder` must be a number from 0 to 100 or an object of metrics, got "eighty"'],
  ['failUnder: out of range', '{"report": {"failUnder": 120}}', '`.coveragerc.json`: `report.failUnder` must be a number from 0 to 100, got 120'],
  ['failUnder: metric out of range', '{"report": {"failUnder": {"lines": -1}}}', '`.coveragerc.json`: `report.failUnder.lines` must be a number from 0 to 100, got -1'],
  [
    'perProject: bad threshold',
    '{"report": {"perProject": {"packages/core": {"lines": "90"}}}}',
    '`.coveragerc.json`: `report.perProject["packages/core"].lines` must be a number from 0 to 100, got "90"',
  ],
  ['perFile: boolean', '{"report": {"perFile": true}}', '`.coveragerc.json`: `report.perFile` must be a number from 0 to 100 or an object of metrics, got true'],
  ['precision: fraction', '{"report": {"precision": 1.5}}', '`.coveragerc.json`: `report.precision` must be an integer from 0 to 10, got 1.5'],
  ['precision: too large', '{"report": {"precision": 11}}', '`.coveragerc.json`: `report.precision` must be an integer from 0 to 10, got 11'],
  [
    'sort: near miss',
    '{"report": {"sort": "line"}}',
    '`.coveragerc.json`: `report.sort` must be one of "name", "statements", "branches", "functions", "lines", got "line"; did you mean "lines"?',
  ],
  [
    'collector: near miss',
    '{"run": {"collector": "vitests"}}',
    '`.coveragerc.json`: `run.collector` must be one of "auto", "v8", "jest", "vitest", "istanbul-json", got "vitests"; did you mean "vitest"?',
  ],
  [
    'istanbulJsonPath: absolute',
    '{"run": {"istanbulJsonPath": "/ci/out/coverage-final.json"}}',
    '`.coveragerc.json`: `run.istanbulJsonPath` must be relative to the project root, got "/ci/out/coverage-final.json"',
  ],
  ['boolean as string', '{"run": {"all": "yes"}}', '`.coveragerc.json`: `run.all` must be true or false, got "yes"'],
  ['section not an object', '{"run": ["src/**"]}', '`.coveragerc.json`: `run` must be an object (the `run` section), got ["src/**"]'],
  ['include: a string', '{"run": {"include": "src/**"}}', '`.coveragerc.json`: `run.include` must be an array of glob strings, got "src/**"'],
  ['include: empty', '{"run": {"include": []}}', '`.coveragerc.json`: `run.include` must be an array of glob strings, got []'],
  ['include: not a string', '{"run": {"include": ["src/**", 3]}}', '`.coveragerc.json`: `run.include[1]` must be a non-empty glob string, got 3'],
  [
    'include: negated glob',
    '{"run": {"include": ["!src/**"]}}',
    '`.coveragerc.json`: `run.include[0]` must not start with `!`; list the files to leave out in `run.omit`, got "!src/**"',
  ],
  ['omit: escaping glob', '{"run": {"omit": ["../shared/**"]}}', '`.coveragerc.json`: `run.omit[0]` must be relative to the project root, without `..`, got "../shared/**"'],
  ['dataDir: absolute', '{"run": {"dataDir": "/tmp/cov"}}', '`.coveragerc.json`: `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "/tmp/cov"'],
  ['dataDir: escaping', '{"run": {"dataDir": "../cov"}}', '`.coveragerc.json`: `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "../cov"'],
  [
    'dataDir: climbing back in',
    '{"run": {"dataDir": "a/../../cov"}}',
    '`.coveragerc.json`: `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "a/../../cov"',
  ],
  [
    'dataDir: Windows drive',
    '{"run": {"dataDir": "C:\\\\cov"}}',
    '`.coveragerc.json`: `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "C:\\\\cov"',
  ],
  ['dataDir: the workspace itself', '{"run": {"dataDir": "./"}}', '`.coveragerc.json`: `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "./"'],
  ['dataDir: empty', '{"run": {"dataDir": ""}}', '`.coveragerc.json`: `run.dataDir` must be a non-empty string, got ""'],
  ['source: unknown', '{"run": {"source": "all"}}', '`.coveragerc.json`: `run.source` must be one of "project", "workspace", got "all"'],
  ['paths: one entry', '{"paths": {"source": ["packages/"]}}', '`.coveragerc.json`: `paths.source` must be an array of at least two path prefixes, got ["packages/"]'],
  [
    'paths: absolute canonical',
    '{"paths": {"source": ["/ci/work/", "packages/"]}}',
    '`.coveragerc.json`: `paths.source[0]` must be a workspace-relative prefix (the canonical one comes first), got "/ci/work/"',
  ],
  ['paths: not lists', '{"paths": ["packages/"]}', '`.coveragerc.json`: `paths` must be an object of path-prefix lists, got ["packages/"]'],
  [
    'reporters: unknown name',
    '{"reporters": ["lcov", "lcovonly"]}',
    '`.coveragerc.json`: `reporters[1]` must be one of "text", "text-summary", "lcov", "json", "json-summary", "cobertura", "html", "markdown", got "lcovonly"; did you mean "lcov"?',
  ],
  ['reporters: repeated', '{"reporters": ["lcov", "html", "lcov"]}', '`.coveragerc.json`: `reporters[2]` repeats "lcov"; list each value once'],
  ['$schema: not a string', '{"$schema": 1}', '`.coveragerc.json`: `$schema` must be a string, got 1'],
  ['long values are shortened', `{"run": {"all": "${'x'.repeat(100)}"}}`, `\`.coveragerc.json\`: \`run.all\` must be true or false, got "${'x'.repeat(56)}…`],
];

for (const [name, rcText, expected] of FILE_ERRORS) {
  test(`error wording: ${name}`, () => {
    assert.is(errorFor(rcText), expected);
  });
}

test('every problem is reported at once, one line each, in file order', () => {
  const message = errorFor(JSON.stringify({ run: { all: 1, dataDir: '/abs' }, report: { failUnder: 'x', skipCoverd: true }, nope: 1 }));
  assert.equal(message.split('\n'), [
    '`.coveragerc.json`: `run.all` must be true or false, got 1',
    '`.coveragerc.json`: `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "/abs"',
    '`.coveragerc.json`: `report.failUnder` must be a number from 0 to 100 or an object of metrics, got "x"',
    '`.coveragerc.json`: `report.skipCoverd` is not a known key; did you mean `report.skipCovered`?',
    '`.coveragerc.json`: `nope` is not a known key (known keys: `$schema`, `run`, `paths`, `report`, `reporters`)',
  ]);
});

test('overrides are validated the same way and named by their source', () => {
  const overrides = { run: { include: 'src/**', dataDir: '../x', inclde: [] }, report: { failUnder: 101 } } as unknown as PartialCoverageConfig;
  assert.equal(errorFor('{"run": {"all": 0}}', overrides, 'executor option').split('\n'), [
    '`.coveragerc.json`: `run.all` must be true or false, got 0',
    'executor option `run.include` must be an array of glob strings, got "src/**"',
    'executor option `run.dataDir` must be a folder inside the workspace (relative, without `..`), got "../x"',
    'executor option `run.inclde` is not a known key; did you mean `run.include`?',
    'executor option `report.failUnder` must be a number from 0 to 100, got 101',
  ]);
  assert.is(
    errorFor('{}', { reporters: ['pdf'] } as unknown as PartialCoverageConfig),
    'option `reporters[0]` must be one of "text", "text-summary", "lcov", "json", "json-summary", "cobertura", "html", "markdown", got "pdf"',
  );
});

test('an rc file that is a folder is a ConfigError, not a crash', () => {
  const root = tree();
  mkdirSync(join(root, '.coveragerc.json'));
  assert.throws(
    () => loadConfig({ workspaceRoot: root }),
    (error: unknown) => error instanceof ConfigError && /`\.coveragerc\.json`: cannot be read \(EISDIR\)/.test((error as Error).message),
  );
});

// findWorkspaceRoot: each row is a tree, the folder to start from and the expected root.
const ROOTS: Array<[string, Record<string, string>, string, string]> = [
  ['nx.json at the top', { 'nx.json': '{}', 'packages/a/package.json': '{}', 'packages/a/src/x.ts': '' }, 'packages/a/src', '.'],
  ['package.json with workspaces', { 'package.json': '{"workspaces":["packages/*"]}', 'packages/a/package.json': '{}' }, 'packages/a', '.'],
  ['yarn-style workspaces object', { 'package.json': '{"workspaces":{"packages":["p/*"]}}', 'p/a/package.json': '{}' }, 'p/a', '.'],
  ['pnpm-workspace.yaml', { 'pnpm-workspace.yaml': 'packages: [p/*]', 'package.json': '{}', 'p/a/package.json': '{}' }, 'p/a', '.'],
  ['rc file in a package is passed over for the monorepo root', { 'nx.json': '{}', 'packages/a/.coveragerc.json': '{}', 'packages/a/package.json': '{}' }, 'packages/a', '.'],
  ['nearest monorepo root wins (nested fixture)', { 'nx.json': '{}', 'fixtures/ws/nx.json': '{}', 'fixtures/ws/libs/a/project.json': '{}' }, 'fixtures/ws/libs/a', 'fixtures/ws'],
  ['single-package repository with an rc file', { '.coveragerc.json': '{}', 'package.json': '{"name":"x"}', 'src/package.json': '{}' }, 'src', '.'],
  ['nothing but a package.json', { 'package.json': '{"name":"x"}', 'src/lib/x.ts': '' }, 'src/lib', '.'],
  ['unreadable package.json is no marker', { 'package.json': '{oops', 'a/.coveragerc.json': '{}', 'a/b/x.ts': '' }, 'a/b', 'a'],
];

for (const [name, files, start, expected] of ROOTS) {
  test(`findWorkspaceRoot: ${name}`, () => {
    const root = tree(files);
    assert.is(findWorkspaceRoot(join(root, start)), join(root, expected));
  });
}

test('findWorkspaceRoot: no marker anywhere gives the start folder', () => {
  // The temp dir may sit under a folder with markers; only assert when it does not.
  const root = tree({ 'a/b/x.ts': '' });
  const found = findWorkspaceRoot(join(root, 'a/b'));
  if (!found.startsWith(root + '/') && found !== root && found.length < root.length) return;
  assert.is(found, join(root, 'a/b'));
});

test.run();
