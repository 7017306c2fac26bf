import { getHeapStatistics } from 'node:v8';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { compareStrings } from '../compare';
import { mergeFileCoverage } from '../merge';
import { fileTotals, keepTotals, type Totals } from '../report/metrics';
import { Spill, SpilledEntry } from '../spill';

/**
 * The entries a merge takes in, and the merged coverage made from them, in bounded memory.
 * Entries are held as parsed while the JSON they came from adds up to less than HELD_SHARE of the
 * heap's limit (every workspace of several hundred projects: nothing is read twice); past that,
 * each is written to a spill file and read back when its file is merged. The merged coverage
 * (`coverage()`) merges a file when it is read and keeps it only when its inputs were held; of
 * files merged from spilled entries only the last read is kept, as the reports read the files
 * in one walk (report/writers.ts), each file once. So a large workspace's data never sits in
 * memory whole, while every consumer still sees istanbul's CoverageMapData. Each file's totals
 * are kept (small): those of a file of one spilled entry are taken when it is added, the rest
 * when it is first read, so sums and tables do not read spilled files again.
 */
export class MergeInputs {
  private readonly parts = new Map<string, Part[]>();
  private readonly budget = getHeapStatistics().heap_size_limit * HELD_SHARE;
  private held = 0;
  private spill?: Spill;
  private readonly totals = new Map<string, Totals>();
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
    // A file's only entry, spilled: its totals now, while it is parsed (the entry is not used after).
    if (list.length === 1 && list[0] instanceof SpilledEntry) this.totals.set(path, fileTotals(mergeFileCoverage(path, [file], { owned: true })));
    else this.totals.delete(path);
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
      this.totals.delete(path);
    }
    this.pending = [];
  }

  /**
   * The merged coverage, keyed by path in sorted order: a file is merged (mergeFileCoverage) when
   * it is first read. No entry may be added after this.
   */
  coverage(): CoverageMapData {
    const merged = new Map<string, FileCoverageData>();
    let last: { path: string; file: FileCoverageData } | undefined;
    const read = (path: string): FileCoverageData => {
      const known = merged.get(path) ?? (last?.path === path ? last.file : undefined);
      if (known !== undefined) return known;
      const parts = this.parts.get(path)!;
      const files = parts.map((part) => (part instanceof SpilledEntry ? (JSON.parse(this.spill!.read(part)) as FileCoverageData) : part));
      // The inputs were parsed for this merge alone, so the result may share their objects.
      const file = mergeFileCoverage(path, files, { owned: true });
      if (parts.some((part) => part instanceof SpilledEntry)) {
        last = { path, file };
      } else {
        merged.set(path, file);
        this.parts.delete(path);
      }
      if (!this.totals.has(path)) this.totals.set(path, fileTotals(file));
      return file;
    };
    const coverage: CoverageMapData = {};
    for (const path of [...this.parts.keys()].sort(compareStrings)) {
      Object.defineProperty(coverage, path, { get: () => read(path), enumerable: true, configurable: true });
    }
    keepTotals(coverage, (path) => this.totals.get(path) ?? fileTotals(read(path)));
    return coverage;
  }
}

/**
 * The share of the heap's limit that entries may fill as parsed, weighed by their JSON: parsed
 * data costs about 3 times its JSON, so held entries take up to about 3/16 of the heap (259 MiB of
 * JSON, some 1,200 projects of 20 files, at Node's default limit of 4 GiB here), which leaves the
 * rest to the files' bookkeeping (totals, report trees), the file being merged and V8's headroom.
 * A spilled entry costs one JSON.stringify when added and one JSON.parse when the reports walk
 * the files: measured on a merge of 1,000 projects, spilling two thirds of the data took about 5 %
 * more CPU and half the peak memory (docs/scale.md), so a larger share would save little time.
 */
const HELD_SHARE = 1 / 16;

type Part = FileCoverageData | SpilledEntry;
