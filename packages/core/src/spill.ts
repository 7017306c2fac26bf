import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a piece of text lies in a spill file. */
export class SpilledEntry {
  constructor(
    readonly at: number,
    readonly length: number,
  ) {}
}

/** Releases the file of a Spill no longer reachable: the merge that spilled is done with its coverage. */
const unreachable = new FinalizationRegistry<() => void>((release) => release());

/**
 * A temporary file in TMPDIR of text (entries' JSON) kept out of memory, written once and read
 * back by offset. It is removed as soon as it is open (where the system allows; else when the
 * process exits), so nothing is left behind; its descriptor, and with it the removed file's
 * space, is released once the Spill is collected, so a long-lived process that merges again and
 * again (the merge API) keeps none of them.
 */
export class Spill {
  private readonly fd: number;
  private readonly path: string;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingSize = 0;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'monocov-spill-'));
    this.path = join(dir, 'entries.json');
    const fd = openSync(this.path, 'w+');
    this.fd = fd;
    let removed = true;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      removed = false; // Windows: an open file cannot be removed, so it goes when it is closed
    }
    // Once, by whichever comes first: never a second close of a number the system may have reused.
    let open = true;
    const release = () => {
      if (!open) return;
      open = false;
      closeSync(fd);
      if (removed) return;
      process.removeListener('exit', release);
      rmSync(dir, { recursive: true, force: true });
    };
    if (!removed) process.once('exit', release);
    // `release` holds the descriptor, not the Spill: the Spill can be collected.
    unreachable.register(this, release);
  }

  write(json: string): SpilledEntry {
    const bytes = Buffer.from(json, 'utf8');
    const entry = new SpilledEntry(this.size + this.pendingSize, bytes.length);
    this.pending.push(bytes);
    this.pendingSize += bytes.length;
    if (this.pendingSize >= 1 << 20) this.flush();
    return entry;
  }

  read(entry: SpilledEntry): string {
    if (entry.at + entry.length > this.size) this.flush();
    const bytes = Buffer.allocUnsafe(entry.length);
    let done = 0;
    while (done < entry.length) {
      const read = readSync(this.fd, bytes, done, entry.length - done, entry.at + done);
      if (read === 0) throw new Error(`${this.path}: the spill file ended before byte ${entry.at + entry.length}`);
      done += read;
    }
    return bytes.toString('utf8');
  }

  private flush(): void {
    const bytes = Buffer.concat(this.pending);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.size + done);
    } catch (error) {
      // A write to an open file (ENOSPC) names no path: the message names the spill file, in TMPDIR.
      const system = error as NodeJS.ErrnoException;
      if (typeof system?.code === 'string' && system.path === undefined) system.path = this.path;
      throw error;
    }
    this.size += bytes.length;
    this.pending = [];
    this.pendingSize = 0;
  }
}
