// The test runner (tools/run-tests.mjs), run on a temp tree of its own: a file that hangs is killed with everything
// it started and counted as failed, with its output, while the other files still run; the heavy files make a suite
// of their own.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repo = join(__dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'monocov-run-tests-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const PASSING = `import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\ntest('passes', () => assert.ok(true));\ntest.run();\n`;
// Starts a child that would outlive it, writes its pid, prints a line, then never ends.
const HANGING = `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
test('hangs', async () => {
  const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore' });
  writeFileSync('sleeper.pid', String(sleeper.pid));
  console.log('a line printed before the hang');
  await new Promise(() => setInterval(() => {}, 1000));
});
test.run();
`;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function runner(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [join(root, 'tools', 'run-tests.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

/** Gone or a zombie waiting for its parent's wait(): no longer running either way. */
function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  return !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
}

/** Whether `pid` still runs once a SIGKILL sent to it has had time to land (delivery is not instant on a busy machine). */
async function survivesKill(pid: number): Promise<boolean> {
  for (let look = 0; look < 50 && isRunning(pid); look++) await new Promise((resolve) => setTimeout(resolve, 100));
  return isRunning(pid);
}

let heavyFiles: string[] = [];

test.before(async () => {
  mkdirSync(join(root, 'tools'));
  cpSync(join(repo, 'tools', 'run-tests.mjs'), join(root, 'tools', 'run-tests.mjs'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  ({ HEAVY_FILES: heavyFiles } = (await import('../run-tests.mjs')) as { HEAVY_FILES: string[] });
  for (const file of heavyFiles) write(file, PASSING);
  write('packages/a/test/hang.test.ts', HANGING);
  write('packages/a/test/ok.test.ts', PASSING);
});

test('a file that hangs is killed with its children, reported with its output, and the run goes on', async () => {
  // Long enough for a passing file to start through tsx on a busy machine.
  const { status, stdout } = runner('--timeout', '15');
  assert.is(status, 1, stdout);
  assert.match(stdout, 'FAIL packages/a/test/hang.test.ts (timed out after 15s, killed)');
  assert.match(stdout, '     | a line printed before the hang');
  assert.match(stdout, /^ok {3}packages\/a\/test\/ok\.test\.ts \(1 passed, 0 failed/m);
  assert.ok(stdout.trimEnd().endsWith('\nfailed: packages/a/test/hang.test.ts\n1 passed, 1 failed'), stdout);
  for (const file of heavyFiles) assert.not.match(stdout, file);
  const sleeper = Number(readFileSync(join(root, 'sleeper.pid'), 'utf8'));
  assert.not.ok(await survivesKill(sleeper), `the hung file's child ${sleeper} still runs`);
});

test('the heavy suite runs the heavy files only', () => {
  const heavy = runner('--heavy');
  assert.is(heavy.status, 0, heavy.stdout);
  for (const file of heavyFiles) assert.match(heavy.stdout, `ok   ${file}`);
  assert.not.match(heavy.stdout, 'packages/a/test');
  assert.ok(heavy.stdout.trimEnd().endsWith(`\n${heavyFiles.length} passed, 0 failed`), heavy.stdout);
});

test('a heavy file that no longer exists fails the run, naming the list to update', () => {
  rmSync(join(root, heavyFiles[0]));
  const { status, stdout } = runner('--heavy');
  assert.is(status, 1, stdout);
  assert.match(stdout, `FAIL ${heavyFiles[0]} (listed in HEAVY_FILES of tools/run-tests.mjs but not found: update the list)`);
  write(heavyFiles[0], PASSING);
});

test('an interrupted run kills the files it started', async () => {
  write('packages/b/test/hang.test.ts', HANGING.replace('sleeper.pid', 'sleeper-b.pid'));
  const child = spawn(process.execPath, [join(root, 'tools', 'run-tests.mjs'), 'packages/b/'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  // The pid file is written once the hanging file runs.
  await new Promise<void>((resolve) => {
    const look = setInterval(() => {
      if (existsSync(join(root, 'sleeper-b.pid'))) {
        clearInterval(look);
        resolve();
      }
    }, 100);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGINT');
  await exited;
  const sleeper = Number(readFileSync(join(root, 'sleeper-b.pid'), 'utf8'));
  assert.not.ok(await survivesKill(sleeper), `the interrupted file's child ${sleeper} still runs`);
});

test.run();
