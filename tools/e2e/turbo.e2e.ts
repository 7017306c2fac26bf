// Plain npm workspaces and Turborepo, no Nx: each package's tests run through
// `monocov run -- <test command>`, `monocov merge` at the root. Turbo has no token for a package's
// own folder, so each package declares its data folder as a cache output in its own turbo.json
// (`$TURBO_ROOT$/coverage/projects/<package dir>/**`), as docs/getting-started.md shows.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installedInside, installedWorkspace, log, readJson, removeDir, REPO_ROOT, run, runOk, snapshotFiles, writeFiles, type Shell } from './lib';
import { checkProjectData, checkWorkspaceReports, PROJECT_ROOTS, threeProjectSources } from './three-projects';
import { rerunFromTurboCache, turboCached } from './turbo-cache';

const TURBO = '2.11.11';
const RUNNERS = ['tsx@4.23.15', 'uvu@0.5.6'];
let shell: Shell;
let scratch: string | undefined;
let root: string;
let afterFirstRun: Record<string, string>;

const requireWorkspace = () => {
  if (!scratch) throw new Error('no workspace: the install step failed');
};

/** The three projects as npm workspace packages, each with a coverage script and its turbo.json. */
function turboWorkspaceFiles(npmVersion: string): Record<string, string> {
  const files = threeProjectSources();
  delete files['apps/cli-app/project.json'];
  files['apps/cli-app/package.json'] = JSON.stringify({ name: 'cli-app', private: true, scripts: { test: 'node --test' } });
  for (const projectRoot of PROJECT_ROOTS) {
    const manifestPath = `${projectRoot}/package.json`;
    const manifest = JSON.parse(files[manifestPath]);
    manifest.scripts.coverage = `monocov run -- ${manifest.scripts.test}`;
    files[manifestPath] = JSON.stringify(manifest, null, 2) + '\n';
    files[`${projectRoot}/turbo.json`] =
      JSON.stringify({ extends: ['//'], tasks: { coverage: { outputs: [`$TURBO_ROOT$/coverage/projects/${projectRoot}/**`] } } }, null, 2) + '\n';
  }
  return {
    ...files,
    'package.json':
      JSON.stringify(
        {
          name: 'turbo-workspace',
          private: true,
          packageManager: `npm@${npmVersion}`,
          workspaces: ['apps/*', 'libs/*'],
          scripts: { coverage: 'turbo run coverage && monocov merge' },
        },
        null,
        2,
      ) + '\n',
    'turbo.json':
      JSON.stringify(
        {
          $schema: 'https://turbo.build/schema.json',
          tasks: { coverage: { inputs: ['$TURBO_DEFAULT$', '$TURBO_ROOT$/.coveragerc.json'] } },
        },
        null,
        2,
      ) + '\n',
    '.coveragerc.json':
      JSON.stringify(
        {
          $schema: './node_modules/@monocov/core/coveragerc.schema.json',
          run: { include: ['src/**'], all: true },
          reporters: ['text', 'lcov', 'json', 'json-summary', 'cobertura', 'html'],
        },
        null,
        2,
      ) + '\n',
    '.gitignore': 'node_modules\n.turbo\n/coverage\n',
  };
}

const localPaths = () => [root, scratch!, REPO_ROOT, tmpdir() + '/'];

test.after(() => {
  if (scratch) removeDir(scratch);
});

test(`npm workspaces: npm installs turbo ${TURBO} and @monocov/core by name from the registry into a fresh repository`, async () => {
  const npmVersion = runOk({}, tmpdir(), 'npm', ['--version']).trim();
  ({ scratch, root, shell } = await installedWorkspace('turbo', {
    manager: 'npm',
    files: turboWorkspaceFiles(npmVersion),
    devDependencies: [`turbo@${TURBO}`, ...RUNNERS, '@monocov/core'],
  }));
  log(`workspace ${root}`);
  assert.ok(installedInside(root, '@monocov/core'));
  assert.match(runOk(shell, root, 'npx', ['--no-install', 'turbo', '--version']), TURBO);
});

test('npm workspaces without turbo: `npm run coverage --workspaces --if-present`, then `monocov merge`', () => {
  requireWorkspace();
  runOk(shell, root, 'npm', ['run', 'coverage', '--workspaces', '--if-present']);
  checkProjectData(root, localPaths());
  runOk(shell, root, 'npx', ['--no-install', 'monocov', 'merge']);
  checkWorkspaceReports(root, localPaths());
  rmSync(join(root, 'coverage'), { recursive: true });
});

test('turbo run coverage && monocov merge: per-project data and every merged report', () => {
  requireWorkspace();
  const output = runOk(shell, root, 'npm', ['run', 'coverage']);
  assert.match(output, /Tasks:\s+3 successful, 3 total/);
  assert.equal(turboCached(output), { cached: 0, total: 3 });
  checkProjectData(root, localPaths());
  checkWorkspaceReports(root, localPaths());
  afterFirstRun = snapshotFiles(join(root, 'coverage'));
});

test("a second turbo run is all cache hits: turbo restores each package's data and the merge gives identical bytes", () => {
  requireWorkspace();
  rerunFromTurboCache(shell, root, ['npm', 'run', 'coverage'], afterFirstRun);
});

test('changing .coveragerc.json invalidates every coverage task', () => {
  requireWorkspace();
  const rcPath = join(root, '.coveragerc.json');
  const rc = readJson(rcPath);
  writeFiles(root, { '.coveragerc.json': JSON.stringify({ ...rc, report: { precision: 1 } }, null, 2) + '\n' });
  const result = run(shell, root, 'npx', ['--no-install', 'turbo', 'run', 'coverage']);
  assert.is(result.status, 0, result.output);
  assert.equal(turboCached(result.output), { cached: 0, total: 3 });
});

test("rolling out (docs/getting-started.md): from `failUnder: 0`, monocov ratchet --projects raises the thresholds to today's numbers, which monocov check then meets", () => {
  requireWorkspace();
  const rc = readJson(join(root, '.coveragerc.json'));
  writeFiles(root, { '.coveragerc.json': JSON.stringify({ ...rc, report: { ...rc.report, failUnder: 0 } }, null, 2) + '\n' });
  runOk(shell, root, 'npx', ['--no-install', 'monocov', 'merge']);
  runOk(shell, root, 'npx', ['--no-install', 'monocov', 'ratchet', '--projects']);
  const report = readJson(join(root, '.coveragerc.json')).report;
  const floors = typeof report.failUnder === 'number' ? [report.failUnder] : Object.values<number>(report.failUnder);
  assert.ok(floors.length > 0 && floors.every((floor) => floor > 0), `report.failUnder raised: ${JSON.stringify(report.failUnder)}`);
  assert.equal(Object.keys(report.perProject ?? {}).length, PROJECT_ROOTS.length, 'one report.perProject entry per project');
  runOk(shell, root, 'npx', ['--no-install', 'monocov', 'check']);
});

test.run();
