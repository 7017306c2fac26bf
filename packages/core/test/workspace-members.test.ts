import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// Nx's own reading of package-manager workspaces, the reference the reader must agree with.
import { buildPackageJsonPatterns, buildPackageJsonWorkspacesMatcher } from 'nx/src/plugins/package-json/create-nodes';
import { ConfigError } from '../src/errors';
import { readWorkspaceMembers } from '../src/workspace-members';
import { writeFiles } from './fixtures/merge/helpers';

// Workspace members as npm, yarn, bun, pnpm and lerna declare them (issue 15): one reader in
// @monocov/core, for `monocov merge` and `monocov init`, agreeing with the Nx plugin's.

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const pkg = (name: string) => JSON.stringify({ name });

/** The package folders of every fixture, the same tree under each manager's declaration. */
const TREE = {
  'packages/a/package.json': pkg('a'),
  'packages/b/package.json': pkg('b'),
  'packages/b/test/fixture/package.json': pkg('b-fixture'),
  'packages/nested/deep/package.json': pkg('deep'),
  'apps/web/package.json': pkg('web'),
  'apps/docs/package.json': pkg('docs'),
  'examples/demo/package.json': pkg('demo'),
  'tools/scripts/package.json': pkg('scripts'),
  'packages/a/node_modules/dep/package.json': pkg('dep'),
  '.hidden/x/package.json': pkg('hidden'),
};

const FIXTURES: Array<{ name: string; files: Record<string, string>; members: string[] }> = [
  {
    name: 'npm workspaces (array)',
    files: { 'package.json': JSON.stringify({ workspaces: ['packages/*', 'apps/*'] }) },
    members: ['apps/docs', 'apps/web', 'packages/a', 'packages/b'],
  },
  {
    name: 'yarn workspaces ({ packages })',
    files: { 'package.json': JSON.stringify({ workspaces: { packages: ['packages/*'], nohoist: ['**/x'] } }) },
    members: ['packages/a', 'packages/b'],
  },
  {
    name: 'bun workspaces (./ and trailing slash)',
    files: { 'package.json': JSON.stringify({ workspaces: ['./apps/*', 'tools/scripts/'] }) },
    members: ['apps/docs', 'apps/web', 'tools/scripts'],
  },
  {
    name: 'pnpm-workspace.yaml with ** and negations',
    files: { 'package.json': pkg('root'), 'pnpm-workspace.yaml': "packages:\n  - 'packages/**'\n  - apps/*\n  - '!**/test/**'\n  - '!apps/docs'\ncatalog:\n  vitest: ^4.0.0\n" },
    members: ['apps/web', 'packages/a', 'packages/b', 'packages/nested/deep'],
  },
  {
    name: 'pnpm-workspace.yaml with exclusions only',
    files: { 'package.json': pkg('root'), 'pnpm-workspace.yaml': "packages:\n  - '!examples/**'\n" },
    members: ['apps/docs', 'apps/web', 'packages/a', 'packages/b', 'packages/b/test/fixture', 'packages/nested/deep', 'tools/scripts'],
  },
  { name: 'package.json globs naming package.json files', files: { 'package.json': JSON.stringify({ workspaces: ['examples/*/package.json'] }) }, members: ['examples/demo'] },
  { name: 'lerna.json without packages', files: { 'package.json': pkg('root'), 'lerna.json': JSON.stringify({ version: '1.0.0' }) }, members: ['packages/a', 'packages/b'] },
  { name: 'not a workspace', files: { 'package.json': pkg('root') }, members: [] },
];

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'monocov-members-'));
  roots.push(root);
  writeFiles(root, { ...TREE, ...files });
  return root;
}

for (const { name, files, members } of FIXTURES) {
  test(`${name}: the member folders`, () => {
    assert.equal(readWorkspaceMembers(fixture(files)).folders, members);
  });

  test(`${name}: the same members as Nx's getGlobPatternsFromPackageManagerWorkspaces`, () => {
    const root = fixture(files);
    const patterns = buildPackageJsonPatterns(root, (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')));
    const isMember = buildPackageJsonWorkspacesMatcher(patterns);
    // Nx asks about every package.json its file walk finds (outside node_modules and hidden folders).
    const candidates = Object.keys(TREE).filter((path) => !path.includes('node_modules') && !path.startsWith('.'));
    const nxMembers = candidates
      .filter((path) => isMember(path))
      .map((path) => path.slice(0, -'/package.json'.length))
      .sort();
    assert.equal(readWorkspaceMembers(root).folders, nxMembers);
  });
}

test('the sources and globs are reported as declared', () => {
  const members = readWorkspaceMembers(fixture(FIXTURES[3]!.files));
  assert.equal(members.sources, ['pnpm-workspace.yaml']);
  assert.equal(members.patterns, ['packages/**', 'apps/*', '!**/test/**', '!apps/docs']);
});

const BAD: Array<[string, Record<string, string>, string]> = [
  [
    'workspaces not a list',
    { 'package.json': JSON.stringify({ workspaces: 'packages/*' }) },
    'package.json: `workspaces` must be an array of globs, or { "packages": [globs] }, got "packages/*"',
  ],
  [
    'a glob that is not a string',
    { 'package.json': JSON.stringify({ workspaces: ['packages/*', 3] }) },
    'package.json: `workspaces` must be an array of globs, or { "packages": [globs] }, got ["packages/*",3]',
  ],
  ['pnpm-workspace.yaml that is not YAML', { 'package.json': pkg('root'), 'pnpm-workspace.yaml': 'packages:\n  - "unterminated\n' }, 'pnpm-workspace.yaml: not valid YAML'],
  [
    'pnpm packages not a list',
    { 'package.json': pkg('root'), 'pnpm-workspace.yaml': 'packages: apps/*\n' },
    'pnpm-workspace.yaml: `packages` must be a list of globs, got "apps/*"',
  ],
  ['package.json that is not JSON', { 'package.json': '{ "workspaces": [' }, 'package.json: not valid JSON'],
];

for (const [name, files, message] of BAD) {
  test(`bad input: ${name} is a ConfigError naming the file and key`, () => {
    try {
      readWorkspaceMembers(fixture(files));
      assert.unreachable('no error');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.match((error as Error).message, message);
    }
  });
}

test.run();
