// Starting the test command: its raw-coverage folder and environment, the process itself (signals
// passed on), and how it ended (exit code or signal), also when an adapter's own runner started it.
import type crossSpawn from 'cross-spawn';
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessRunning } from './fs-atomic';

/** How a test command ended: exactly one of the two is non-null. */
export interface TestOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Whether the tests passed: exit status 0 and no signal. */
export function testsPassed(outcome: TestOutcome): boolean {
  return outcome.exitCode === 0 && outcome.signal === null;
}

/**
 * A fresh folder for NODE_V8_COVERAGE, in the OS temp dir: raw V8 files are large, per-machine
 * and never portable, so they must not land in the data directory that Nx caches.
 */
export function createRawDir(): string {
  // The pid in the name says whose it is: a run killed before its cleanup leaves it to the next.
  const namespace = pidNamespace();
  return mkdtempSync(join(tmpdir(), `monocov-raw-${process.pid}-${namespace === undefined ? '' : `ns${namespace}-`}`));
}

/**
 * The PID namespace this process's pid belongs to (Linux: `4026531836` of `pid:[4026531836]`), undefined
 * where there is none to read. Containers that share one temp folder each count pids of their own.
 */
function pidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Raw folders of runs that were killed (their pid no longer runs); those of running ones are left
 * alone, and so are those made in another PID namespace (a container sharing the temp folder), whose
 * pids say nothing here. Called while the tests run: the temp folder can hold thousands of names. A
 * folder that cannot be removed now is left to a later run: test processes of a killed run may
 * still be writing into it (rmdir then finds it not empty), and it is no part of this run.
 */
export function removeAbandonedRawDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  const namespace = pidNamespace();
  for (const name of names) {
    const [, pidText, madeIn] = /^monocov-raw-(\d+)-(?:ns(\d+)-)?/.exec(name) ?? [];
    const pid = Number(pidText);
    // A name without a namespace was made where there is none to read, or by an earlier monocov.
    if (!Number.isInteger(pid) || (madeIn !== undefined && madeIn !== namespace)) continue;
    if (pid === process.pid || isProcessRunning(pid)) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // still being written into, or not ours to remove: a later run tries again
    }
  }
}

/**
 * Removes a run's raw folder once it has been read, best-effort: a process the tests left running
 * may still write into it (named in a warning), and a removal that fails on that (ENOTEMPTY) must
 * not fail a run whose tests passed. What stays is removed by a later run (removeAbandonedRawDirs).
 */
export async function removeRawDir(rawDir: string): Promise<void> {
  // Asked for here, not before the test command starts: it loads seven more of Node's modules (docs/performance.md).
  const { rm } = require('node:fs/promises') as typeof import('node:fs/promises');
  await rm(rawDir, { recursive: true, force: true }).catch(() => undefined);
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
 * Started through cross-spawn on Windows, as c8 does (through foreground-child): it finds
 * `npm.cmd`-style shims through PATHEXT and quotes arguments for cmd.exe. Elsewhere cross-spawn
 * is child_process.spawn, and loading it cost about 8 ms of CPU in every project's run.
 */
export function runCommand(options: RunCommandOptions): Promise<TestOutcome> {
  const spawn = process.platform === 'win32' ? (require('cross-spawn') as typeof crossSpawn) : spawnChild;
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

/**
 * For adapters that run the tests through code they do not control (Nx's runExecutor starts
 * run-commands or `npm run` in this process): watches the child processes this process starts,
 * through Node's `child_process` diagnostics channel, so a test command killed by a signal can be
 * named instead of reported as a bare failure. A direct child killed by a signal shows it; a
 * shell or npm in between exits with the shell convention, 128 + the signal's number.
 */
export interface ChildExitWatch {
  /** Stops watching and turns what was seen into how the tests ended. */
  finish(result: { passed: boolean; exitCode?: number }): TestOutcome;
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const CHANNEL = 'child_process';
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/** Starts recording how this process's child processes end, so tests killed by a signal are reported as such; `finish` stops it. */
export function watchChildExits(): ChildExitWatch {
  const exits: ChildExit[] = [];
  const onChild = (message: unknown) => {
    const child = (message as { process?: ChildProcess }).process;
    child?.once('exit', (code, signal) => exits.push({ code, signal }));
  };
  subscribe(CHANNEL, onChild);
  let stopped = false;
  return {
    finish({ passed, exitCode }) {
      if (!stopped) unsubscribe(CHANNEL, onChild);
      stopped = true;
      if (passed) return { exitCode: 0, signal: null };
      const signalled = exits.find((exit) => exit.signal !== null);
      if (signalled) return { exitCode: null, signal: signalled.signal };
      const code = exitCode !== undefined && exitCode !== 0 ? exitCode : exits.find((exit) => exit.code !== 0 && exit.code !== null)?.code;
      const signal = code === undefined || code === null ? undefined : signalOfStatus(code);
      if (signal !== undefined) return { exitCode: null, signal };
      return { exitCode: code ?? 1, signal: null };
    },
  };
}

/** The signal a shell's exit status 128 + n stands for (137 → SIGKILL, 143 → SIGTERM), if any. */
export function signalOfStatus(status: number): NodeJS.Signals | undefined {
  return status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
}
