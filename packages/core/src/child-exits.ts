import type { ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { constants } from 'node:os';
import type { TestOutcome } from './collect';

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
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

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
