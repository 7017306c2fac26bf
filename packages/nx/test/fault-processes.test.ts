import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFixtureWorkspace, readJson, REPO_ROOT, removeWorkspace, runNx, STREAM_TASK_OUTPUT } from './helpers/fixture-workspace';

// Issue 7 through real nx runs, one fixture workspace for the file: test targets killed by
// SIGKILL and SIGTERM fail their coverage task naming the signal (items 3), an include glob that
// matches nothing is warned about (item 1), a merge outputDir outside the workspace is refused
// (item 1), and Ctrl-C on `nx run-many -t coverage` leaves no half-written file (item 3).

const project = (name: string, test: object, coverage: object = {}) =>
  JSON.stringify({ name, targets: { test, coverage: { executor: '@monocov/nx:coverage', ...coverage } } }, null, 2);
const runCommands = (root: string, command: string) => ({ executor: 'nx:run-commands', options: { command, cwd: root } });
const LIB = `exports.work = function work(n) {\n  return n > 1 ? 'many' : 'one';\n};\n`;

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'faults', private: true, workspaces: ['scripts/*'] }, null, 2),
  'nx.json': JSON.stringify({ targetDefaults: { coverage: { cache: false } } }, null, 2),
  '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] }, reporters: ['json'] }, null, 2),
  // Runs lib code, then kills itself with the signal named on its command line.
  'signal.js': `require(require('node:path').resolve('src/lib.js')).work(2);\nprocess.kill(process.pid, process.argv[2]);\nsetInterval(() => {}, 1000);\n`,
  // Runs lib code, says it is under way (marker file), then waits until the run is interrupted.
  'wait.js': `require(require('node:path').resolve('src/lib.js')).work(1);\nrequire('node:fs').writeFileSync(process.argv[2], 'started');\nsetInterval(() => {}, 1000);\n`,

  // A run-commands test target killed by SIGKILL (the shell in between exits 137).
  'apps/killed/project.json': project('killed', runCommands('apps/killed', 'node ../../signal.js SIGKILL')),
  'apps/killed/src/lib.js': LIB,
  // A package.json script (nx:run-script, through npm) killed by SIGTERM.
  'scripts/termed/package.json': JSON.stringify(
    { name: 'termed', private: true, scripts: { test: 'node ../../signal.js SIGTERM' }, nx: { targets: { coverage: { executor: '@monocov/nx:coverage' } } } },
    null,
    2,
  ),
  'scripts/termed/src/lib.js': LIB,
  // An include glob with a typo.
  'apps/typo/project.json': project('typo', runCommands('apps/typo', 'node -e "require(\'./src/lib\').work(1)"'), { options: { include: ['src/**', 'scr/**'] } }),
  'apps/typo/src/lib.js': LIB,
  // A merge whose report folder is configured outside the workspace.
  'apps/reports/project.json': JSON.stringify({ name: 'reports', targets: { merge: { executor: '@monocov/nx:merge', options: { outputDir: '../outside-reports' } } } }),
};
// For Ctrl-C: four projects whose tests finish, two whose tests wait to be interrupted.
for (const name of ['fast1', 'fast2', 'fast3', 'fast4']) {
  files[`ctrlc/${name}/project.json`] = project(name, runCommands(`ctrlc/${name}`, 'node -e "require(\'./src/lib\').work(3)"'));
  files[`ctrlc/${name}/src/lib.js`] = LIB;
}
for (const name of ['slow1', 'slow2']) {
  files[`ctrlc/${name}/project.json`] = project(name, runCommands(`ctrlc/${name}`, `node ../../wait.js ${name}.started`));
  files[`ctrlc/${name}/src/lib.js`] = LIB;
}

const root = createFixtureWorkspace(files);
test.after(() => removeWorkspace(root));
const meta = (projectRoot: string) => readJson(join(root, 'coverage/projects', projectRoot, 'meta.json'));

let signalRun: { status: number | null; output: string };
test.before(() => {
  signalRun = runNx(root, ['run-many', '-t', 'coverage', '--projects=killed,termed,typo', '--parallel=3', STREAM_TASK_OUTPUT]);
});

// Guards: the coverage executor learning how the test target's processes ended: the status
// run-commands reports (137 here) or, for executors that report only success (nx:run-script),
// the child-process watch (core test-command.ts watchChildExits). Without both, the task only says "failed".
test('a test target killed by SIGKILL (run-commands) fails its task naming SIGKILL; data still written, recorded as killed', () => {
  assert.is.not(signalRun.status, 0);
  assert.match(
    signalRun.output,
    /monocov: killed:test was killed by SIGKILL: killed: statements [\d.]+%.* in 1 file; data written to coverage\/projects\/apps\/killed, recorded as killed \(it holds only what the processes that ended wrote\)/,
  );
  assert.equal(meta('apps/killed').tests, { status: 'failed', exitCode: null, signal: 'SIGKILL' });
});

test('a package.json test script killed by SIGTERM (through npm) fails its task naming SIGTERM', () => {
  assert.match(signalRun.output, /monocov: termed:test was killed by SIGTERM: termed: .*; data written to coverage\/projects\/scripts\/termed, recorded as killed/);
  assert.equal(meta('scripts/termed').tests, { status: 'failed', exitCode: null, signal: 'SIGTERM' });
});

// Guards: collectProjectCoverage returning unmatchedIncludes and the executor printing them.
test('the executor warns about an include glob that matches nothing, and the task still passes', () => {
  assert.match(signalRun.output, 'monocov: warning: run.include glob "scr/**" matches no source file in apps/typo; check it for a typo');
  assert.not.match(signalRun.output, 'glob "src/**" matches no source file');
  assert.equal(meta('apps/typo').tests, { status: 'passed', exitCode: 0, signal: null });
});

// Guards: checkReportFolder in the merge executor.
test('a merge outputDir outside the workspace is refused with a config message; nothing written there', () => {
  const result = runNx(root, ['run', 'reports:merge']);
  assert.is.not(result.status, 0);
  assert.match(result.output, 'monocov merge: executor option `outputDir` must be a folder inside the workspace, got "../outside-reports"');
  assert.not.ok(existsSync(join(root, '..', 'outside-reports')));
});

/** Every file under `dir`, relative. */
function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found.sort();
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// Guards: atomic writes (store/write.ts through writeFileAtomic: temp + rename; meta.json written last) as a
// whole run sees them. Whether the interrupt lands inside a write is up to timing; the
// deterministic guard of the same protection is packages/core/test/fault-processes.test.ts.
test('Ctrl-C (SIGINT to the process group) on run-many -t coverage leaves only complete files in coverage/', async () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NX_')));
  const nx = spawn(process.execPath, [join(REPO_ROOT, 'node_modules/nx/bin/nx.js'), 'run-many', '-t', 'coverage', '--projects=fast*,slow*', '--parallel=6'], {
    cwd: root,
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as a terminal gives it: Ctrl-C signals the whole group
  });
  let output = '';
  nx.stdout!.on('data', (chunk) => (output += chunk));
  nx.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => nx.on('exit', () => resolve()));
  let ended = false;
  void exited.then(() => (ended = true));

  // Mid-way: the slow tests are running and at least one fast project's data is on disk.
  const started = ['slow1', 'slow2'].map((name) => join(root, 'ctrlc', name, `${name}.started`));
  while (!ended && !(started.every((file) => existsSync(file)) && listFiles(join(root, 'coverage/projects/ctrlc')).some((file) => file.endsWith('meta.json')))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.not.ok(ended, `nx ended before it could be interrupted:\n${output}`);
  process.kill(-nx.pid!, 'SIGINT');
  await exited;
  // Task processes may outlive nx for a moment: wait until the whole group is gone.
  while (groupAlive(nx.pid!)) await new Promise((resolve) => setTimeout(resolve, 50));

  const dataDir = join(root, 'coverage/projects/ctrlc');
  const written = listFiles(dataDir);
  assert.ok(written.length > 0, 'some data was written before the interrupt');
  for (const file of written) {
    const name = file.split('/').pop()!;
    if (name.startsWith('.') && name.endsWith('.tmp')) continue; // an interrupted write's temp file: never read, removed by the next write
    assert.ok(name === 'coverage-final.json' || name === 'meta.json', `unexpected file ${file}`);
    const text = readFileSync(join(dataDir, file), 'utf8');
    assert.not.throws(() => JSON.parse(text), `${file} is complete JSON`);
    if (name === 'meta.json') assert.ok(written.includes(file.replace('meta.json', 'coverage-final.json')), `${file} has its data beside it`);
  }
  // An interrupted project's data, when its task got to write it, records that the tests did not pass.
  for (const name of ['slow1', 'slow2']) {
    if (written.includes(`${name}/meta.json`)) assert.is(meta(`ctrlc/${name}`).tests.status, 'failed');
  }
});

test.run();
