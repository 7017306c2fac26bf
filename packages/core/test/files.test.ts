import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config';
import type { CoverageConfig } from '../src/config/types';
import { BUILTIN_OMIT, createSourceFilter, listSourceFiles, scanSourceFiles } from '../src/files';

const temps: string[] = [];
test.after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-files-')));
  temps.push(root);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return root;
}

function runConfig(overrides: Partial<CoverageConfig['run']> = {}): CoverageConfig['run'] {
  return { ...defaultConfig().run, ...overrides };
}

// Project mode, default include: paths relative to the project root and whether they are sources.
const PROJECT_CASES: Array<[string, boolean]> = [
  ['src/a.ts', true],
  ['index.mjs', true],
  ['src/deep/x/y.cts', true],
  ['src/view.tsx', true],
  ['src/legacy.cjs', true],
  ['src/latest.ts', true], // "test" inside a name is not a test file
  ['src/contest/x.ts', true],
  ['src/testing.ts', true],
  ['src/bench.ts', true], // only *.bench.* is a benchmark
  ['src/distance.ts', true],
  ['src/output/x.ts', true],
  ['src/config.ts', true], // only *.config.* is a config file
  ['src/generator.ts', true],
  // test and output folders count only at the project root, as in nyc (a real plugin's executors)
  ['src/executors/test/executor.ts', true],
  ['src/executors/build/executor.ts', true],
  ['src/tests/a.ts', true],
  ['src/dist/x.ts', true],
  ['lib/out/x.js', true],
  ['src/coverage/x.ts', true],
  ['src/styles.css', false],
  ['package.json', false],
  ['src/.eslintrc.js', false], // include globs skip dot files
  ['.storybook/main.ts', false],
  // every built-in omit
  ['src/a.test.ts', false],
  ['src/a.spec.tsx', false],
  ['src/a.test-d.ts', false], // Vitest's type tests and benchmarks
  ['src/types.spec-d.tsx', false],
  ['__benchmarks__/ref.bench.ts', false],
  ['src/parse.benchmark.mjs', false],
  ['src/Button.cy.tsx', false], // Cypress specs
  ['test/a.ts', false],
  ['tests/a.ts', false],
  ['src/__tests__/a.ts', false],
  ['__mocks__/fs.js', false],
  ['__testfixtures__/zod-enum/input.ts', false], // jscodeshift's fixtures: test data
  ['src/test-setup.ts', false], // runners' setup files
  ['src/setupTests.js', false],
  ['jest.setup.js', false],
  ['vitest.setup.ts', false],
  ['src/types.d.ts', false],
  ['src/types.d.mts', false],
  ['src/types.d.cts', false],
  ['src/generated/api.ts', false],
  ['src/api.generated.ts', false],
  ['src/schema.gen.ts', false],
  ['node_modules/dep/index.js', false],
  ['dist/index.js', false],
  ['build/index.js', false],
  ['out/index.js', false],
  ['coverage/lcov-report/prettify.js', false],
  ['vite.config.ts', false],
  ['src/jest.config.cjs', false],
];

const ws = tree({ 'nx.json': '{}', 'packages/a/package.json': '{}', 'packages/b/package.json': '{}' });

for (const [path, expected] of PROJECT_CASES) {
  test(`project mode: ${path} → ${expected ? 'source' : 'left out'}`, () => {
    const accepts = createSourceFilter({ workspaceRoot: ws, projectRoot: 'packages/a', run: runConfig() });
    assert.is(accepts(join(ws, 'packages/a', path)), expected);
  });
}

test('a broad include still measures only JavaScript and TypeScript', () => {
  const accepts = createSourceFilter({ workspaceRoot: ws, projectRoot: 'packages/a', run: runConfig({ include: ['src/**'] }) });
  assert.is(accepts(join(ws, 'packages/a/src/index.ts')), true);
  assert.is(accepts(join(ws, 'packages/a/src/executors/schema.json')), false);
  assert.is(accepts(join(ws, 'packages/a/src/styles.css')), false);
  assert.is(accepts(join(ws, 'packages/a/src/README.md')), false);
});

test('every built-in omit glob is exercised by a case above', () => {
  const omitted = PROJECT_CASES.filter(([, expected]) => !expected).map(([path]) => path);
  for (const glob of BUILTIN_OMIT) {
    const matches = picomatch(glob, { dot: true });
    assert.ok(
      omitted.some((path) => matches(path)),
      `no case for ${glob}`,
    );
  }
});

test('project mode: files outside the project, in node_modules, the data dir or other schemes are left out', () => {
  const accepts = createSourceFilter({ workspaceRoot: ws, projectRoot: 'packages/a', run: runConfig() });
  assert.is(accepts(join(ws, 'packages/b/src/x.ts')), false);
  assert.is(accepts(join(ws, 'packages/ab/src/x.ts')), false, 'a sibling sharing a name prefix is another project');
  assert.is(accepts(join(ws, 'node_modules/dep/index.js')), false);
  assert.is(accepts(join(dirname(ws), 'elsewhere/x.ts')), false);
  assert.is(accepts('node:internal/modules/cjs/loader'), false);
  assert.is(accepts('data:text/javascript,1'), false);
  assert.is(accepts(pathToFileURL(join(ws, 'packages/a/src/x.ts')).href), true, 'V8 reports file:// URLs');
});

test('project mode: the root project, and a data dir inside it', () => {
  const accepts = createSourceFilter({ workspaceRoot: ws, projectRoot: '.', run: runConfig({ dataDir: 'reports/cov' }) });
  assert.is(accepts(join(ws, 'tools/script.ts')), true);
  assert.is(accepts(join(ws, 'reports/cov/html/x.js')), false);
  assert.is(accepts(join(ws, 'reports/other.js')), true);
});

test('project mode: include and omit globs are project-relative', () => {
  const accepts = createSourceFilter({
    workspaceRoot: ws,
    projectRoot: join(ws, 'packages/a'), // absolute project roots work too
    run: runConfig({ include: ['src/**'], omit: ['src/legacy/**', '**/*.stories.tsx'] }),
  });
  assert.is(accepts(join(ws, 'packages/a/src/x.ts')), true);
  assert.is(accepts(join(ws, 'packages/a/lib/x.ts')), false);
  assert.is(accepts(join(ws, 'packages/a/src/legacy/x.ts')), false);
  assert.is(accepts(join(ws, 'packages/a/src/button.stories.tsx')), false);
  assert.is(accepts(join(ws, 'packages/a/src/x.test.ts')), false, 'user omits add to the built-in ones');
});

// resend/react-email: packages/render/e2e/{nextjs,vite} (its e2e tests' sample apps) and create-email's
// template/ hold their own package.json; their files were measured at 0 as the package's sources.
test('project mode: a folder inside the project with its own project.json or named package.json is another package, left out', () => {
  const root = tree({
    'package.json': '{"workspaces":["packages/*"]}',
    'packages/render/package.json': '{}',
    'packages/render/src/render.ts': '',
    'packages/render/e2e/helpers.ts': '',
    'packages/render/e2e/nextjs/package.json': '{"name":"nextjs-sample"}',
    'packages/render/e2e/nextjs/app/page.tsx': '',
    'packages/render/examples/basic/project.json': '{}',
    'packages/render/examples/basic/src/deep/x.ts': '',
    // A package.json without a name marks its folder's module type only (a dual package's src/esm/): still the project's.
    'packages/render/src/esm/package.json': '{"type":"module"}',
    'packages/render/src/esm/index.ts': '',
  });
  const options = { workspaceRoot: root, projectRoot: 'packages/render', run: runConfig() };
  assert.equal(listSourceFiles(options), [
    join(root, 'packages/render/e2e/helpers.ts'),
    join(root, 'packages/render/src/esm/index.ts'),
    join(root, 'packages/render/src/render.ts'),
  ]);
  assert.is(createSourceFilter(options)(join(root, 'packages/render/src/esm/index.ts')), true, 'a module-type marker is no package');
  const accepts = createSourceFilter(options);
  assert.is(accepts(join(root, 'packages/render/e2e/nextjs/app/page.tsx')), false, 'loaded by a test, still another package');
  assert.is(accepts(join(root, 'packages/render/examples/basic/src/deep/x.ts')), false);
  assert.is(accepts(join(root, 'packages/render/src/render.ts')), true);
  // The workspace root's project holds every package.
  assert.is(createSourceFilter({ ...options, projectRoot: '.' })(join(root, 'packages/render/src/render.ts')), true);
});

// apollographql/apollo-server: its root Jest run (`projects`) loads packages/server/dist/cjs/*.js through the
// package's `exports`; measured as the root project, they counted as sources beside packages/server/src/.
test("project mode: the root project leaves out each package's build output and test folders, as the package's own run does", () => {
  const root = tree({
    'package.json': '{"name":"monorepo","workspaces":["packages/*"]}',
    'scripts/release.mjs': '',
    'packages/server/package.json': '{"name":"@ws/server"}',
    'packages/server/src/index.ts': '',
    'packages/server/src/build/x.ts': '',
    'packages/server/dist/cjs/index.js': '',
    'packages/server/test/helpers.ts': '',
    'packages/server/src/esm/package.json': '{"type":"module"}',
    'packages/server/src/esm/dist/x.js': '',
    'dist/bundle.js': '',
  });
  const options = { workspaceRoot: root, projectRoot: '.', run: runConfig() };
  assert.equal(listSourceFiles(options), [
    join(root, 'packages/server/src/build/x.ts'),
    join(root, 'packages/server/src/esm/dist/x.js'),
    join(root, 'packages/server/src/index.ts'),
    join(root, 'scripts/release.mjs'),
  ]);
  const accepts = createSourceFilter(options);
  assert.is(accepts(join(root, 'packages/server/dist/cjs/index.js')), false);
  assert.is(accepts(join(root, 'packages/server/test/helpers.ts')), false);
  assert.equal(accepts.omittedByBuiltinRules(), [{ path: 'packages/server/dist/cjs/index.js', rule: 'dist/**' }], 'a test file is left out without a word');
  // A package's own run reads the same rules from its root.
  assert.is(createSourceFilter({ ...options, projectRoot: 'packages/server' })(join(root, 'packages/server/dist/cjs/index.js')), false);
});

test("workspace mode: globs are relative to each file's nearest package folder", () => {
  const root = tree({
    'package.json': '{"workspaces":["packages/*"]}',
    'packages/a/package.json': '{}',
    'packages/b/package.json': '{}',
    'libs/c/project.json': '{}',
    'packages/d/package.json': '{"name":"d"}',
    'packages/d/src/esm/package.json': '{"type":"module"}',
  });
  const accepts = createSourceFilter({ workspaceRoot: root, projectRoot: 'packages/a', run: runConfig({ source: 'workspace', include: ['src/**'] }) });
  assert.is(accepts(join(root, 'packages/d/src/esm/x.js')), true, "a module-type marker in a named package is no package: the file is in d's src/");
  assert.is(accepts(join(root, 'packages/a/src/x.ts')), true);
  assert.is(accepts(join(root, 'packages/b/src/x.ts')), true, 'other packages count');
  assert.is(accepts(join(root, 'packages/b/src/deep/y.ts')), true);
  assert.is(accepts(join(root, 'libs/c/src/x.ts')), true, 'project.json marks a package folder');
  assert.is(accepts(join(root, 'packages/b/lib/x.ts')), false);
  assert.is(accepts(join(root, 'packages/b/src/x.test.ts')), false);
  assert.is(accepts(join(root, 'packages/b/dist/src/x.js')), false);
  assert.is(accepts(join(root, 'packages/b/node_modules/dep/src/x.js')), false, 'never node_modules');
  assert.is(accepts(join(root, 'node_modules/dep/src/x.js')), false);
  assert.is(accepts(join(root, 'src/root-level.ts')), true, 'outside any package: relative to the workspace root');
  assert.is(accepts(join(dirname(root), 'other/src/x.ts')), false, 'never outside the workspace');
  assert.is(accepts(join(root, 'coverage/src/x.js')), false, 'never the data dir');
});

test('listSourceFiles: a real tree, sorted absolute paths, without tests, build output, dot folders or symlinks', () => {
  const root = tree({
    'nx.json': '{}',
    'packages/a/package.json': '{}',
    'packages/a/src/b.ts': '',
    'packages/a/src/a.ts': '',
    'packages/a/src/util/index.mts': '',
    'packages/a/src/executors/build/executor.ts': '',
    'packages/a/src/executors/test/executor.ts': '',
    'packages/a/src/a.test.ts': '',
    'packages/a/src/__tests__/x.ts': '',
    'packages/a/src/types.d.ts': '',
    'packages/a/test/helper.ts': '',
    'packages/a/dist/a.js': '',
    'packages/a/node_modules/dep/index.js': '',
    'packages/a/.cache/x.js': '',
    'packages/a/vitest.config.ts': '',
    'packages/a/README.md': '',
    'packages/b/src/other.ts': '',
    'shared/linked.ts': '',
  });
  symlinkSync(join(root, 'shared'), join(root, 'packages/a/src/shared-dir'), 'dir');
  symlinkSync(join(root, 'shared/linked.ts'), join(root, 'packages/a/src/linked.ts'), 'file');
  const files = listSourceFiles({ workspaceRoot: root, projectRoot: 'packages/a', run: runConfig() });
  assert.equal(
    files,
    ['src/a.ts', 'src/b.ts', 'src/executors/build/executor.ts', 'src/executors/test/executor.ts', 'src/util/index.mts'].map((path) => join(root, 'packages/a', path)),
  );
});

test('listSourceFiles: include/omit, a data dir inside the project, and dot folders named by a glob', () => {
  const root = tree({
    'nx.json': '{}',
    'app/src/main.ts': '',
    'app/lib/x.ts': '',
    'app/reports/x.js': '',
    'app/.storybook/preview.ts': '',
  });
  const run = runConfig({ include: ['src/**', 'reports/**', '.storybook/**'], dataDir: 'app/reports' });
  assert.equal(listSourceFiles({ workspaceRoot: root, projectRoot: 'app', run }), [join(root, 'app/.storybook/preview.ts'), join(root, 'app/src/main.ts')]);
});

test('scanSourceFiles: include globs that select nothing are reported', () => {
  const root = tree({ 'nx.json': '{}', 'app/src/main.ts': '', 'app/src/main.test.ts': '', 'app/spec/x.spec.ts': '' });
  const scan = scanSourceFiles({
    workspaceRoot: root,
    projectRoot: 'app',
    run: runConfig({ include: ['src/**', 'scr/**', 'spec/**'] }),
  });
  assert.equal(scan.files, [join(root, 'app/src/main.ts')]);
  assert.equal(scan.unmatchedIncludes, ['scr/**', 'spec/**'], 'a glob whose matches are all omitted counts too');
});

test('scanSourceFiles: a missing project root gives no files and every glob unmatched', () => {
  const root = tree({ 'nx.json': '{}' });
  const scan = scanSourceFiles({ workspaceRoot: root, projectRoot: 'nope', run: runConfig() });
  assert.equal({ ...scan, listings: undefined }, { files: [], unmatchedIncludes: [runConfig().include[0]!], unrepresentable: [], listings: undefined });
});

// Guards: the scan made while the tests run standing for the one after them (collection/project-coverage.ts)
// only while no folder it walked changed: tests that write or delete sources get a fresh scan.
test('scanSourceFiles: an earlier scan is reused while its folders hold the same names, and made again when they do not', () => {
  const root = tree({ 'nx.json': '{}', 'app/src/a.ts': '', 'app/src/deep/b.ts': '', 'app/README.md': '' });
  const options = { workspaceRoot: root, projectRoot: 'app', run: runConfig() };
  const earlier = scanSourceFiles(options);
  assert.ok(scanSourceFiles(options, earlier) === earlier);
  writeFileSync(join(root, 'app/src/deep/b.ts'), 'changed contents do not matter');
  assert.ok(scanSourceFiles(options, earlier) === earlier);

  writeFileSync(join(root, 'app/src/deep/c.ts'), '');
  const added = scanSourceFiles(options, earlier);
  assert.equal(
    added.files,
    ['app/src/a.ts', 'app/src/deep/b.ts', 'app/src/deep/c.ts'].map((path) => join(root, path)),
  );

  rmSync(join(root, 'app/src/deep'), { recursive: true });
  const removed = scanSourceFiles(options, added);
  assert.equal(removed.files, [join(root, 'app/src/a.ts')]);
  mkdirSync(join(root, 'app/src/empty'));
  assert.ok(scanSourceFiles(options, removed) !== removed, 'a new folder is a change too');
});

test.run();
