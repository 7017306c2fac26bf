// What `npm pack` would publish: everything the packages need at run time, and no tests,
// fixtures, sources or build bookkeeping. Reads `npm pack --dry-run --json` of the built tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const REPO_ROOT = join(__dirname, '..', '..');

interface PackEntry {
  name: string;
  version: string;
  files: { path: string }[];
}

function dryRun(workspace: string): { manifest: Record<string, any>; paths: string[] } {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--workspace', workspace], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [entry] = JSON.parse(output) as PackEntry[];
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, workspace, 'package.json'), 'utf8'));
  return { manifest, paths: entry.files.map((file) => file.path).sort() };
}

// V8's code cache of the CLI, as a local run of the bin leaves it beside the bundle: compiled code for
// this machine's Node, never published.
const CODE_CACHE_FILE = join(REPO_ROOT, 'packages/core/dist/code-cache', `pack-test-${process.pid}.bin`);
mkdirSync(dirname(CODE_CACHE_FILE), { recursive: true });
writeFileSync(CODE_CACHE_FILE, '');
const core = (() => {
  try {
    return dryRun('packages/core');
  } finally {
    rmSync(CODE_CACHE_FILE);
  }
})();
const nx = dryRun('packages/nx');

const NOT_PUBLISHED = [
  { what: 'test folders', pattern: /(^|\/)(test|tests|__tests__)\// },
  { what: 'fixtures', pattern: /(^|\/)fixtures?\// },
  { what: 'test files', pattern: /\.(test|spec)\.[cm]?[jt]sx?$/ },
  { what: 'TypeScript sources', pattern: /^src\/.*\.ts$/ },
  { what: 'build info', pattern: /tsbuildinfo$/ },
  { what: 'tsconfig files', pattern: /(^|\/)tsconfig[^/]*\.json$/ },
];

for (const [name, pack] of [
  ['@monocov/core', core],
  ['@monocov/nx', nx],
] as const) {
  test(`${name}: no tests, fixtures, sources or build info in the tarball`, () => {
    for (const { what, pattern } of NOT_PUBLISHED) {
      assert.equal(
        pack.paths.filter((path) => pattern.test(path)),
        [],
        `${what} in the ${name} tarball`,
      );
    }
  });

  test(`${name}: main, types and every export target are in the tarball`, () => {
    const targets = [pack.manifest.main, pack.manifest.types, ...exportTargets(pack.manifest.exports)];
    for (const target of targets) assert.ok(pack.paths.includes(normalize(target)), `${target} is not in the ${name} tarball`);
  });

  test(`${name}: engines, files and a README for the registry page`, () => {
    assert.ok(pack.paths.includes('README.md'));
    assert.type(pack.manifest.engines?.node, 'string');
    assert.ok(Array.isArray(pack.manifest.files) && pack.manifest.files.length > 0);
    assert.is(pack.manifest.publishConfig?.access, 'public', 'scoped packages publish as restricted unless told otherwise');
  });
}

test('@monocov/core: the monocov bin, the runner hook and the rc file schema are in the tarball', () => {
  assert.equal(core.manifest.bin, { monocov: './bin/monocov.js' });
  assert.ok(core.paths.includes('bin/monocov.js'));
  assert.ok(core.paths.includes('bin/run-options-hash.js'), "the coverage targets' runtime input runs it");
  assert.ok(core.paths.includes('dist/cli/main.js'));
  assert.ok(core.paths.includes('dist/cli-loader.js') && core.paths.includes('dist/monocov-cli.js'), 'bin/monocov.js runs the bundle through the loader');
  assert.ok(core.paths.includes('dist/monocov-cli.js.map'), "an unexpected error's stack is mapped through it");
  assert.equal(
    core.paths.filter((path) => path.startsWith('dist/code-cache/')),
    [],
    'the code cache is left out',
  );
  assert.ok(core.paths.includes('hooks/runner-argv.cjs'), 'Node preloads it into Jest and Vitest commands');
  assert.ok(core.paths.includes('hooks/jest-coverage-reporter.cjs'), 'Jest requires it by path as its coverage reporter');
  assert.ok(core.paths.includes('coveragerc.schema.json'));
});

test('@monocov/nx: every executor and generator implementation and schema is in the tarball', () => {
  const executors = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/nx/executors.json'), 'utf8')).executors;
  const generators = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/nx/generators.json'), 'utf8')).generators;
  assert.ok(nx.paths.includes('executors.json') && nx.paths.includes('generators.json'));
  const referenced = [
    ...Object.values<any>(executors).flatMap((entry) => [entry.implementation, entry.schema]),
    ...Object.values<any>(generators).flatMap((entry) => [entry.factory, entry.schema]),
  ];
  assert.ok(referenced.length >= 6);
  for (const path of referenced) {
    const file = normalize(path);
    const candidates = /\.(js|json)$/.test(file) ? [file] : [`${file}.js`];
    assert.ok(
      candidates.some((candidate) => nx.paths.includes(candidate)),
      `${path} is not in the @monocov/nx tarball`,
    );
  }
});

test('@monocov/nx: depends on this @monocov/core version, and only on Nx as a peer', () => {
  assert.is(nx.manifest.dependencies['@monocov/core'], core.manifest.version);
  // No @nx/devkit at all: npm resolved a devkit dependency or peer to devkit 24, whose own peer
  // range excludes Nx 22 (ERESOLVE); the plugin uses the devkit functions nx itself ships.
  assert.is(nx.manifest.dependencies['@nx/devkit'], undefined);
  assert.equal(Object.keys(nx.manifest.peerDependencies), ['nx']);
});

test('@monocov/nx: the Nx peer range spans exactly the majors docs/compatibility.md lists as tested', () => {
  const range = /^>=(\d+)\.0\.0 <(\d+)\.0\.0$/.exec(nx.manifest.peerDependencies.nx);
  assert.ok(range, `unexpected peer range ${nx.manifest.peerDependencies.nx}`);
  const tested = tableColumn(readFileSync(join(REPO_ROOT, 'docs/compatibility.md'), 'utf8'), 'Nx');
  assert.ok(tested.length > 0, 'no Nx column in the table of docs/compatibility.md');
  const majors = [...new Set(tested.map((version) => Number(/^(\d+)\./.exec(version)?.[1])))].sort((a, b) => a - b);
  assert.not.ok(majors.some(Number.isNaN), `unreadable Nx versions: ${tested.join(', ')}`);
  for (let major = majors[0]; major <= majors[majors.length - 1]; major++) assert.ok(majors.includes(major), `Nx ${major} is in the peer range but not tested`);
  assert.is(Number(range![1]), majors[0]);
  assert.is(Number(range![2]), majors[majors.length - 1] + 1);
});

/** The cells of one column of the first Markdown table that has it, backticks removed. */
function tableColumn(markdown: string, header: string): string[] {
  const lines = markdown.split('\n');
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim().replace(/`/g, ''));
  const headerLine = lines.findIndex((line) => line.startsWith('|') && cells(line).includes(header));
  if (headerLine === -1) return [];
  const column = cells(lines[headerLine]).indexOf(header);
  const body = lines.slice(headerLine + 2);
  const end = body.findIndex((line) => !line.startsWith('|'));
  return body
    .slice(0, end === -1 ? body.length : end)
    .map((line) => cells(line)[column] ?? '')
    .filter((cell) => cell !== '');
}

function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

function normalize(path: string): string {
  return path.replace(/^\.\//, '');
}

test.run();
