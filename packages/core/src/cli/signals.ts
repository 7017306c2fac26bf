import { constants } from 'node:os';

/** The shell convention for a child killed by a signal: 128 + its number (SIGKILL → 137). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
