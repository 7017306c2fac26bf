import spawn from 'cross-spawn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a test command ended: exactly one of the two is non-null. */
export interface TestOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export function testsPassed(outcome: TestOutcome): boolean {
  return outcome.exitCode === 0 && outcome.signal === null;
}

/**
 * A fresh folder for NODE_V8_COVERAGE, in the OS temp dir: raw V8 files are large, per-machine
 * and never portable, so they must not land in the data directory that Nx caches.
 */
export function createRawDir(): string {
  return mkdtempSync(join(tmpdir(), 'monocov-raw-'));
}

export function removeRawDir(rawDir: string): void {
  rmSync(rawDir, { recursive: true, force: true });
}

/** The environment a covered test command runs in; every child process and worker inherits it. */
export function coverageEnv(rawDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, NODE_V8_COVERAGE: rawDir };
}

export interface RunCommandOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs a command with inherited stdio and resolves with how it ended. Signals sent to us are
 * passed on, so Ctrl-C stops the tests and lets them write their coverage before we convert it.
 * Started through cross-spawn, as c8 does (through foreground-child): on Windows it finds
 * `npm.cmd`-style shims through PATHEXT and quotes arguments for cmd.exe; elsewhere it is spawn.
 */
export function runCommand(options: RunCommandOptions): Promise<TestOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const cleanUp = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    child.on('error', (error) => {
      cleanUp();
      reject(error);
    });
    child.on('exit', (exitCode, signal) => {
      cleanUp();
      resolve({ exitCode, signal });
    });
  });
}
