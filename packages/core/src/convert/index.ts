import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { DataError } from '../errors';
import { isProcessRunning } from '../fs-atomic';
import { markCanonical } from '../stable-json';
import { addHits } from './apply-hits';
import { FileMapsCache } from './file-maps-cache';
import { builtOutputSources, workspaceInnerMaps, type UnmappedReason } from './inner-maps';

export { FileMapsCache };
import { RangeTree } from './range-tree';
import { listRawFiles, readRawFile } from './raw-files';
import { scriptPath } from './script-mapping';
import { isServedUrl, ServedSources } from './served-sources';
import type { V8RawFile } from './v8-data';
import { ScriptResolver, type ScriptTarget } from './script-resolver';

export interface ConvertOptions {
  /** Folder that NODE_V8_COVERAGE wrote (coverage-*.json files, possibly from many processes). */
  rawDir: string;
  /** Absolute path of an original source file → whether to measure it. Decide per script URL before doing expensive work. */
  include: (absPath: string) => boolean;
  /**
   * Where the files behind sources a browser fetched over HTTP are looked for (ServedSources):
   * without it, scripts with `http:` URLs (monocov's browser collector) are skipped. Also where
   * built files a script's map names may have their own maps read, to chain through (inner-maps.ts).
   */
  workspaceRoot?: string;
  /** Folder that keeps parsed maps between runs (see FileMapsCache); without it, maps last as long as this process. */
  cacheDir?: string;
  /** The run's sources and their maps, shared with prepareFileMaps and emptyFileCoverage; default: its own, over `cacheDir`. */
  files?: FileMapsCache;
  /**
   * Told about a raw file that cannot be read (a process killed while writing it leaves it
   * truncated), which is then skipped so the other processes' hits still count. Without it,
   * such a file is an error.
   */
  onSkippedRawFile?: (problem: DataError) => void;
  /**
   * Told once about each original source Babel cannot parse, which is then left out of the
   * result while every other file keeps its hits (nyc does the same). Without it, such a source
   * is an error.
   */
  onUnparsableSource?: (problem: DataError) => void;
  /**
   * Told once about each file (by its URL) whose hits are lost because it does not exist: the file
   * a script's URL names (V8 removes line breaks and tabs from script URLs, and a test may delete a
   * file it loaded), or a source its map names without the text. Only files `include` selects count.
   */
  onScriptWithoutFile?: (url: string) => void;
  /**
   * Told about each source a browser fetched over HTTP whose URL path ends several workspace
   * files (absolute paths) that its map's text does not tell apart: its hits are left out, as
   * which file ran is unknown (ServedSources).
   */
  onAmbiguousSource?: (url: string, files: string[]) => void;
  /** Told about each script a browser fetched over HTTP that has no source map (collection/browser.ts keeps an app's): nothing ties it to a file. */
  onServedScriptWithoutSourceMap?: (url: string) => void;
}

/** A result of its own for a file: fresh counters; the maps are built per call and shared with nothing else. */
function freshCoverage(coverage: FileCoverageData): FileCoverageData {
  const fresh = {
    ...coverage,
    s: { ...coverage.s },
    f: { ...coverage.f },
    b: Object.fromEntries(Object.entries(coverage.b).map(([id, counts]) => [id, [...counts]])),
  };
  // Keyed 0 … n-1, holding numbers or lists of numbers: in the order they are written in, whatever
  // the hits added to them later, so writing the data does not walk a project's every counter.
  for (const counters of [fresh.s, fresh.f, fresh.b]) markCanonical(counters);
  return fresh;
}

/** Raw V8 coverage → istanbul coverage keyed by absolute path of the ORIGINAL source (after source maps). Hits from every process are summed. */
export async function convertV8Directory(options: ConvertOptions): Promise<CoverageMapData> {
  return new V8Conversion(options).finish();
}

/**
 * A conversion that can start before the tests end: each process writes its raw file when it
 * exits, so a suite of many processes (`node --test`, child processes) leaves most of its files
 * complete long before the last one. `monocov run` converts those while the tests still run and
 * only the rest after them. Each raw file is added once and hits are summed, so when a file is
 * added does not change the counts.
 */
export class V8Conversion {
  private readonly files: FileMapsCache;
  private readonly resolver: ScriptResolver;
  private readonly result: CoverageMapData = {};
  private readonly added = new Set<string>();
  /** What stopped an add half way: its hits are partly in the result, so the conversion is spoilt. */
  private failure: { error: unknown } | undefined;

  constructor(private readonly options: ConvertOptions) {
    this.files = options.files ?? new FileMapsCache(options.cacheDir);
    const unparsable = new Set<string>();
    const onUnparsableSource = options.onUnparsableSource;
    const withoutFile = new Set<string>();
    const onScriptWithoutFile = options.onScriptWithoutFile;
    this.resolver = new ScriptResolver(this.files, options.include, {
      onUnparsable:
        onUnparsableSource &&
        ((problem) => {
          if (unparsable.has(problem.path ?? problem.message)) return;
          unparsable.add(problem.path ?? problem.message);
          onUnparsableSource(problem);
        }),
      servedSource: options.workspaceRoot === undefined ? undefined : new ServedSources(options.workspaceRoot, options.onAmbiguousSource).path,
      innerMap: options.workspaceRoot === undefined ? undefined : workspaceInnerMaps(options.workspaceRoot),
      onMissingFile:
        onScriptWithoutFile &&
        ((url) => {
          if (withoutFile.has(url)) return;
          withoutFile.add(url);
          onScriptWithoutFile(url);
        }),
    });
  }

  /**
   * Adds the raw files of processes that have exited. A process still running may yet write or
   * rename its files (the test-contexts hook renames Node's file of its first take), so its files
   * wait; so does a file that does not parse (a JSON object cut short never parses). What waits is
   * added by the next call or by finish().
   */
  async addFilesOfEndedProcesses(): Promise<void> {
    await this.addNewFiles(
      () => undefined,
      (rawPath) => !writerIsRunning(rawPath),
    );
  }

  /** Adds every raw file not added yet, now that no process writes any more, and returns the coverage. */
  async finish(): Promise<CoverageMapData> {
    await this.filesBeingWritten();
    await this.addNewFiles((problem) => {
      if (!this.options.onSkippedRawFile) throw problem;
      this.options.onSkippedRawFile(problem);
      if (problem.path !== undefined) this.added.add(problem.path);
    });
    return this.result;
  }

  /**
   * Waits, up to a second, while a raw file is not yet JSON and the process that names it still
   * runs: Node writes a process's file in place as the process ends, so it may be half written now.
   */
  private async filesBeingWritten(): Promise<void> {
    for (let attempt = 0; attempt < WRITE_WAIT_ATTEMPTS; attempt++) {
      let writing = false;
      for (const rawPath of await listRawFiles(this.options.rawDir)) {
        if (this.added.has(rawPath) || !writerIsRunning(rawPath)) continue;
        try {
          JSON.parse(await readFile(rawPath, 'utf8'));
        } catch {
          writing = true;
          break;
        }
      }
      if (!writing) return;
      await new Promise((resolve) => setTimeout(resolve, WRITE_WAIT_MS));
    }
  }

  /** The raw files this conversion has read (and those it reported unreadable): any other in the folder came too late. */
  get readRawFiles(): ReadonlySet<string> {
    return this.added;
  }

  /** One raw file at a time: they can be large, and only included scripts outlive the loop. */
  private async addNewFiles(onUnreadable: (problem: DataError) => void, ready: (rawPath: string) => boolean = () => true): Promise<void> {
    if (this.failure) throw this.failure.error;
    for (const rawPath of await listRawFiles(this.options.rawDir)) {
      if (this.added.has(rawPath) || !ready(rawPath)) continue;
      let raw;
      try {
        raw = await readRawFile(rawPath);
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        onUnreadable(error);
        continue;
      }
      this.added.add(rawPath);
      let resolved: ResolvedScript[];
      try {
        resolved = await this.resolve(raw, rawPath);
      } catch (error) {
        // A file that parsed but cannot be mapped will not change by waiting: skipped now, whole.
        if (error instanceof DataError && error.path === rawPath && this.options.onSkippedRawFile) {
          this.options.onSkippedRawFile(error);
          continue;
        }
        this.failure = { error };
        throw error;
      }
      try {
        this.add(resolved);
      } catch (error) {
        this.failure = { error };
        throw error;
      }
    }
  }

  /**
   * Every script of one raw file resolved to its original files before any hit is added, so a
   * source map that cannot be used drops that process's file whole (a DataError naming it)
   * instead of leaving part of its hits in the sum.
   */
  private async resolve(raw: V8RawFile, rawPath: string): Promise<ResolvedScript[]> {
    const sourceMapCache = raw['source-map-cache'];
    const resolved: ResolvedScript[] = [];
    for (const script of raw.result) {
      const path = scriptPath(script.url);
      if (path === undefined && !isServedUrl(script.url)) continue;
      if (path === undefined && sourceMapCache?.[script.url] === undefined) {
        this.options.onServedScriptWithoutSourceMap?.(script.url);
        continue;
      }
      let targets: ScriptTarget[];
      try {
        targets = await this.resolver.resolve({
          url: script.url,
          path,
          cacheEntry: sourceMapCache?.[script.url],
          hasSourceMapCache: sourceMapCache !== undefined,
        });
      } catch (error) {
        if (error instanceof DataError && !this.options.onUnparsableSource) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new DataError(`${rawPath}: script ${JSON.stringify(script.url)} cannot be mapped to its sources (${reason})`, rawPath);
      }
      if (targets.length > 0) resolved.push({ targets, ranges: new RangeTree(script.functions) });
    }
    return resolved;
  }

  private add(resolved: ResolvedScript[]): void {
    for (const { targets, ranges } of resolved) {
      for (const target of targets) {
        const coverage = (this.result[target.path] ??= freshCoverage(target.maps.coverage)) as FileCoverageData;
        addHits(coverage, target.maps, target.offsets, ranges);
      }
    }
  }
}

interface ResolvedScript {
  targets: ScriptTarget[];
  ranges: RangeTree;
}

const WRITE_WAIT_ATTEMPTS = 10;
const WRITE_WAIT_MS = 100;

/** Whether the process that named this raw file (`coverage-<pid>-…`) is still running. */
function writerIsRunning(rawPath: string): boolean {
  const pid = Number(/^coverage-(\d+)-/.exec(basename(rawPath))?.[1]);
  return Number.isInteger(pid) && pid !== process.pid && isProcessRunning(pid);
}

/** Istanbul coverage of a file no test loaded: its true maps, every count 0. `content`: its text when it is not on disk (a source a map carries). */
export async function emptyFileCoverage(absPath: string, options: { cacheDir?: string; files?: FileMapsCache; content?: string } = {}): Promise<FileCoverageData> {
  const files = options.files ?? new FileMapsCache(options.cacheDir);
  const code = (await files.text(absPath)) ?? options.content;
  if (code === undefined) throw new DataError(`cannot measure ${absPath}: the file does not exist`, absPath);
  return freshCoverage(files.maps(absPath, code).coverage);
}

/** A file to count at 0: a source the scan found, or a source a built file's map names. */
export interface NeverLoadedSource {
  path: string;
  /** The text the map carries for a source that is not on disk (the loaded file's conversion uses it too). */
  content?: string;
}

/** A built file no source stands for: its map names none that lies in the workspace and exists (or whose text it carries). */
export interface BuiltFileWithoutSources {
  path: string;
  reason: UnmappedReason;
}

/**
 * What the files no test loaded stand for. A file is counted as itself unless it is built output
 * (builtOutputMap: JavaScript ending with a usable `sourceMappingURL`): then, as when a test loads
 * it, it counts through its map, never as itself: each source the map names that `include`
 * selects is counted (on disk, or with the text the map carries: builtOutputSources, the rule the
 * merge's completeness check applies too). A built file whose map names no
 * workspace source at all is listed in `withoutSources`, to be named in a warning: a test loading
 * it would count nothing either. Each path is listed once, in the order met.
 */
export async function neverLoadedSources(
  paths: readonly string[],
  options: { files: FileMapsCache; workspaceRoot: string; include: (absPath: string) => boolean },
): Promise<{ sources: NeverLoadedSource[]; withoutSources: BuiltFileWithoutSources[] }> {
  const { files, workspaceRoot, include } = options;
  const sources: NeverLoadedSource[] = [];
  const listed = new Set<string>();
  const add = (source: NeverLoadedSource) => {
    if (listed.has(source.path)) return;
    listed.add(source.path);
    sources.push(source);
  };
  const withoutSources: BuiltFileWithoutSources[] = [];
  for (const path of paths) {
    // Read, and the map of built output too, while the tests ran (prepareFileMaps).
    const text = await files.text(path);
    const map = text === undefined ? undefined : files.builtOutput(workspaceRoot, path, text);
    if (!map) {
      add({ path });
      continue;
    }
    const { counted, unmapped } = builtOutputSources(map, include);
    for (const source of counted) add(source);
    if (unmapped !== undefined) withoutSources.push({ path, reason: unmapped });
  }
  return { sources, withoutSources };
}

/**
 * Builds (or loads from the cache) the maps of source files ahead of conversion, one file per turn
 * of the event loop, until `stop()` says to: `monocov run` does this for the project's sources
 * while the tests run, on the core they leave idle. Built output (neverLoadedSources) has its map
 * read instead: its sources are in `paths` when they are the project's. A file that cannot be
 * parsed is left for the conversion to report.
 */
export async function prepareFileMaps(paths: readonly string[], options: { files: FileMapsCache; workspaceRoot: string; stop: () => boolean }): Promise<void> {
  const { files, workspaceRoot } = options;
  for (const path of paths) {
    await new Promise((resolve) => setImmediate(resolve));
    if (options.stop()) return;
    try {
      const code = await files.text(path);
      if (code !== undefined && !files.builtOutput(workspaceRoot, path, code)) files.maps(path, code);
    } catch {
      // reported by the conversion, which meets the same file
    }
  }
}
