// Shared by the hostile-input suite (issue 17, docs/security.md): the real bin in a child
// process, temp workspaces with data written as the store writes it, and the checks every case
// makes — one message, no stack trace, nothing read or written where it must not be.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';

export const BIN = join(__dirname, '..', '..', 'bin', 'monocov.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `monocov <args>` in `cwd`; `wrap` runs it under another program (unshare, setpriv). */
export function monocov(cwd: string, args: string[], options: { wrap?: string[]; env?: NodeJS.ProcessEnv; input?: SpawnSyncOptions['input'] } = {}): CliResult {
  const command = [...(options.wrap ?? []), process.execPath, BIN, ...args];
  const result = spawnSync(command[0]!, command.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, ...options.env }, input: options.input, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The outcome every hostile case asserts: this exit status, a message holding `message`, no stack trace. */
export function assertOutcome(result: CliResult, status: number, message: string | RegExp): void {
  assert.is(result.status, status, `exit status\n${result.stderr}`);
  assert.match(result.stderr, message);
  assert.not.match(result.stderr, /^\s+at /m, 'no stack trace');
  assert.not.match(result.stderr, /unexpected error/, 'not reported as a bug');
}

/** Every file under `dir` (links not followed), relative, with its bytes. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (current: string, prefix: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(path, `${prefix}${entry}/`);
      else out[`${prefix}${entry}`] = stat?.isFile() ? readFileSync(path, 'latin1') : '<not a file>';
    }
  };
  walk(dir, '');
  return out;
}

const temps: string[] = [];
/** Removes the given folders after the suite. */
export function cleanLater(...dirs: string[]): void {
  temps.push(...dirs);
}
export function cleanUp(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}
