import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/**
 * Writes `contents` to `path` so that readers see either the old file or the whole new one:
 * the bytes go to a uniquely named temp file beside the target, then rename() swaps it in.
 * Unique names keep concurrent writers (parallel tasks, two merges) from sharing a temp file.
 * A writer killed between the two steps (SIGKILL, Ctrl-C) leaves only its hidden temp file,
 * never a partial target; the next write of the same target removes such leftovers.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  removeAbandonedTemps(dir, basename(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Temp files of `name` whose writer (the pid in their name) is no longer running. */
function removeAbandonedTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)\.[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessRunning(pid)) continue;
    rmSync(join(dir, entry), { force: true });
  }
}

/** Whether a process with this PID exists: cleanup must never take a live writer's temp file. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}
