import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { compareStrings } from '../compare';
import { mergeFileCoverage } from '../merge';
import { fileTotals, keepTotals, type Totals } from '../report/metrics';

/**
 * The entries a merge takes in, and the merged coverage made from them, in bounded memory.
 * Entries are held as parsed while the JSON they came from adds up to less than a sixteenth of the
 * heap's limit (every workspace of a few hundred projects: nothing is read twice); past that,
 * each is written to a spill file and read back when its file is merged. The merged coverage
 * (`coverage()`) merges a file when it is read and keeps it only when its inputs were held, so
 * a large workspace's data never sits in memory whole, while every consumer still sees
 * istanbul's CoverageMapData. Each file's totals are kept (small) once computed, so sums and
 * tables do not read spilled files again.
 */
export class MergeInputs {
  private readonly parts = new Map<string, Part[]>();
  private readonly budget = getHeapStatistics().heap_size_limit / 16;
  private held = 0;
  private spill?: Spill;
  /** Entries added since the last `commit`, to take back when their input turns out bad. */
  private pending: Array<{ path: string; size: number }> = [];

  add(path: string, file: FileCoverageData, size: number): void {
    let list = this.parts.get(path);
    if (list === undefined) this.parts.set(path, (list = []));
    if (this.held + size <= this.budget) {
      this.held += size;
      list.push(file);
      this.pending.push({ path, size });
    } else {
      this.spill ??= new Spill();
      list.push(this.spill.write(JSON.stringify(file)));
      this.pending.push({ path, size: 0 });
    }
  }

  /** The entries added since the last commit are kept. */
  commit(): void {
    this.pending = [];
  }

  /** The entries added since the last commit are taken back: their input is skipped whole. */
  discard(): void {
    for (const { path, size } of this.pending.reverse()) {
      const list = this.parts.get(path)!;
      list.pop();
      if (list.length === 0) this.parts.delete(path);
      this.held -= size;
    }
    this.pending = [];
  }

  /**
   * The merged coverage, keyed by path in sorted order: a file is merged (mergeFileCoverage) when
   * it is first read. No entry may be added after this.
   */
  coverage(): CoverageMapData {
    const merged = new Map<string, FileCoverageData>();
    const recent = new RecentFiles();
    const totals = new Map<string, Totals>();
    const read = (path: string): FileCoverageData => {
      const known = merged.get(path) ?? recent.get(path);
      if (known !== undefined) return known;
      const parts = this.parts.get(path)!;
      const files = parts.map((part) => (part instanceof SpilledEntry ? (JSON.parse(this.spill!.read(part)) as FileCoverageData) : part));
      // The inputs were parsed for this merge alone, so the result may share their objects.
      const file = mergeFileCoverage(path, files, { owned: true });
      if (parts.some((part) => part instanceof SpilledEntry)) {
        recent.set(path, file);
      } else {
        merged.set(path, file);
        this.parts.delete(path);
      }
      if (!totals.has(path)) totals.set(path, fileTotals(file));
      return file;
    };
    const coverage: CoverageMapData = {};
    for (const path of [...this.parts.keys()].sort(compareStrings)) {
      Object.defineProperty(coverage, path, { get: () => read(path), enumerable: true, configurable: true });
    }
    keepTotals(coverage, (path) => totals.get(path) ?? fileTotals(read(path)));
    return coverage;
  }
}

type Part = FileCoverageData | SpilledEntry;

/** Where an entry's JSON lies in the spill file. */
class SpilledEntry {
  constructor(
    readonly at: number,
    readonly length: number,
  ) {}
}

/**
 * A temporary file of entries' JSON, written once and read back by offset. It is removed as soon
 * as it is open (where the system allows; else when the process exits), so nothing is left behind.
 */
class Spill {
  private readonly fd: number;
  private readonly path: string;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingSize = 0;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'monocov-spill-'));
    this.path = join(dir, 'entries.json');
    this.fd = openSync(this.path, 'w+');
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      process.once('exit', () => {
        closeSync(this.fd);
        rmSync(dir, { recursive: true, force: true });
      });
    }
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

/** The files merged last from spilled entries: a report reads one file many times in a row. */
class RecentFiles {
  private readonly files = new Map<string, FileCoverageData>();

  get(path: string): FileCoverageData | undefined {
    return this.files.get(path);
  }

  set(path: string, file: FileCoverageData): void {
    this.files.set(path, file);
    if (this.files.size > 8) this.files.delete(this.files.keys().next().value!);
  }
}
