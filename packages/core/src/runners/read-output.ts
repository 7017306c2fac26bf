import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { mergeCoverageMaps } from '../merge';
import { COVERAGE_FILE } from '../store/format';
import { readCoverageFile } from '../store/read';
import { TEST_RUNNERS, type TestRunner } from './detect';
import { REFUSAL_FILE, watchModeMessage } from './hook';
import { realOrSelf } from '../real-path';
import { isObject } from '../is-object';

/** istanbul JSON made by a runner or another tool, keyed by absolute path, and what made it. */
export interface IstanbulInput {
  coverage: CoverageMapData;
  /** `jest/babel`, `vitest/v8`, … one per distinct maker, sorted. */
  collectors: string[];
  /** Entries the checks at the door refused, in the order read: each file left out of `coverage` whole. */
  unusable: UnusableEntry[];
}

/** A file's entry in a runner's output that monocov cannot use, and why. */
export interface UnusableEntry {
  /** The file it is about, absolute, as `coverage` keys it. */
  path: string;
  /** What checkFileCoverage says of it. */
  reason: string;
}

/**
 * Reads what Jest and Vitest wrote into the raw folder: one `<runner>-<start time>…/coverage-final.json`
 * per runner process (see runner-argv.cjs) or per Nx runner executor. Empty when none was written.
 * Runs of one provider are summed; a file that runs of two providers measured (two sets of maps
 * for the same code, so a sum would count its statements twice at different columns) keeps the
 * data of one: the first of `prefer` (the provider the project's config names), else that of the
 * run that started first. Each such choice is one warning.
 */
export function readRunnerOutput(rawDir: string, roots: PathRoots, prefer: string[] = []): IstanbulInput & { warnings: string[] } {
  const runs: Array<{ collector: string; coverage: CoverageMapData }> = [];
  const unusable: UnusableEntry[] = [];
  let lineBased = false;
  for (const entry of readdirSync(rawDir).sort()) {
    // by runner, then in the order the runs started
    const runner = TEST_RUNNERS.find((name) => entry.startsWith(name));
    const file = join(rawDir, entry, COVERAGE_FILE);
    if (runner === undefined || !existsSync(file)) continue;
    const coverage = readOutputFile(file, roots, unusable, runner === 'vitest' ? spanEmptyReports : undefined);
    const provider = providerOf(runner, coverage);
    lineBased ||= runner === 'vitest' && remappedByLine(coverage);
    runs.push({ collector: provider ? `${runner}/${provider}` : runner, coverage: normalizeKeys(coverage, roots) });
  }
  // A file one run's output holds unusable data for is left out of every run: the hits of the others alone would pass for all of them.
  for (const { path } of unusable) for (const run of runs) delete run.coverage[path];
  const order = [...new Set([...prefer, ...runs.map((run) => run.collector)])];
  const chosen = new Map<string, string>(); // file → the collector whose data it keeps
  const left = new Map<string, number>(); // collector left out → files
  for (const run of runs) {
    for (const path of Object.keys(run.coverage)) {
      const kept = chosen.get(path);
      if (kept === undefined || order.indexOf(run.collector) < order.indexOf(kept)) chosen.set(path, run.collector);
    }
  }
  const maps = runs.map((run) => {
    const own: CoverageMapData = {};
    for (const [path, file] of Object.entries(run.coverage)) {
      if (chosen.get(path) === run.collector) own[path] = file;
      else left.set(run.collector, (left.get(run.collector) ?? 0) + 1);
    }
    return own;
  });
  const collectors = [...new Set(chosen.values())].sort();
  const warnings = [...left].map(
    ([collector, files]) =>
      `warning: runs of this target used two coverage providers; the ${collector} data of ${files} file(s) also measured by ${collectors.filter((name) => name !== collector).join(', ')} was left out, never summed with it: set the same provider in every config the target runs`,
  );
  if (lineBased) warnings.push(LINE_BASED_WARNING);
  return {
    coverage: maps.length === 0 ? {} : mergeCoverageMaps(maps),
    collectors: collectors.length > 0 ? collectors : [...new Set(runs.map((run) => run.collector))].sort(),
    unusable,
    warnings,
  };
}

/**
 * The output file of a run of this monocov run, its unusable entries added to `unusable` and left
 * out (a test run's output is not refused whole for one file), after `normalize` puts its maker's
 * known quirk right.
 */
function readOutputFile(file: string, roots: PathRoots, unusable: UnusableEntry[], normalize?: (entry: unknown) => void): CoverageMapData {
  return readCoverageFile(file, { normalize, onUnusable: (key, reason) => unusable.push({ path: keyPaths(roots)(key), reason }) });
}

/** The made-up function Vitest's v8 provider (before Vitest 4) gives a file no test loaded, spanning the whole file. */
const EMPTY_REPORT = '(empty-report)';

/**
 * Vitest's v8 provider before Vitest 4 (Vitest 3.2's only without AST-aware remapping) converts an
 * untested file as one made-up V8 function, "(empty-report)", from offset 0 to the source's length,
 * through v8-to-istanbul and the file's Vite transform, and the columns it gets are not the
 * source's: where the transformed code is longer than the source (a module without exports whose
 * imports became `await __vite_ssr_import__(…)` lines), the end lands on an earlier line at a
 * negative column (-88 for an 8-line module with two imports; v8-to-istanbul issue 209); where the
 * first lines of the transform have no mapping (a module with exports), the start is put past the
 * end of line 1 (column 96 of a 51-character line with Vitest 3.1.4). The function and its one
 * branch span the file: each of their ranges starts at column 0 and ends at null, istanbul's "to
 * the end of the line" (the Infinity istanbul-lib-source-maps writes), on the lines Vitest gave.
 * The counts are untouched, as Vitest's own reports give them. The entry is not yet checked:
 * anything not of this shape is left for the check to name.
 */
function spanEmptyReports(entry: unknown): void {
  // v8-to-istanbul marks such a file `all: true`, and only such a file: the others are left at one look.
  if (!isObject(entry) || entry.all !== true || !isObject(entry.fnMap)) return;
  const functions = Object.values(entry.fnMap).filter(isObject);
  if (!functions.some((fn) => fn.name === EMPTY_REPORT)) return;
  const branches = isObject(entry.branchMap) ? Object.values(entry.branchMap).filter(isObject) : [];
  const ranges = [...functions.flatMap((fn) => [fn.loc, fn.decl]), ...branches.flatMap((branch) => [branch.loc, ...(Array.isArray(branch.locations) ? branch.locations : [])])];
  for (const range of ranges) {
    if (!isObject(range) || !isObject(range.start) || !isObject(range.end)) continue;
    if (typeof range.start.column === 'number') range.start.column = 0;
    if (typeof range.end.column === 'number') range.end.column = null;
  }
}

/** The reason the runner hook refused a runner's command (watch mode), if it refused one: written where that run's output would be. */
export function readRunnerRefusal(rawDir: string): string | undefined {
  for (const entry of readdirSync(rawDir).sort()) {
    const file = join(rawDir, entry, REFUSAL_FILE);
    if (!existsSync(file)) continue;
    const { runner, watchMode } = JSON.parse(readFileSync(file, 'utf8')) as { runner: TestRunner; watchMode: string };
    return watchModeMessage(runner, watchMode);
  }
  return undefined;
}

/**
 * Reads istanbul JSON another runner wrote (`collector: "istanbul-json"`): the file at `path`, or
 * every coverage-final.json under it. Files older than `since` are left from an earlier run and
 * ignored, as stale numbers must never pass for new ones; `collectors` is empty when none is new.
 */
export function readIstanbulJson(path: string, since: number, roots: PathRoots): IstanbulInput {
  const files = (isDirectory(path) ? findCoverageFiles(path) : existsSync(path) ? [path] : []).filter((file) => statSync(file).mtimeMs >= since);
  const unusable: UnusableEntry[] = [];
  const maps = files.map((file) => normalizeKeys(readOutputFile(file, roots, unusable), roots));
  for (const { path: left } of unusable) for (const map of maps) delete map[left];
  return { coverage: mergeCoverageMaps(maps), collectors: files.length > 0 ? ['istanbul-json'] : [], unusable };
}

/**
 * Which coverage provider made a runner's data, from the marks each leaves: v8-to-istanbul
 * (Jest's `v8` provider, Vitest's before Vitest 4 by default) writes `all` on every file, ast-v8-to-istanbul
 * (Vitest 4's `v8`, Vitest 3.2's with AST-aware remapping) writes `meta`; istanbul's instrumenter (Jest's `babel`, Vitest's `istanbul`)
 * writes neither.
 */
function providerOf(runner: TestRunner, coverage: CoverageMapData): string | undefined {
  const files = Object.values(coverage) as Array<FileCoverageData & Record<string, unknown>>;
  if (files.length === 0) return undefined;
  if (remappedByLine(coverage) || (runner === 'vitest' && files.every((file) => 'meta' in file))) return 'v8';
  return runner === 'jest' ? 'babel' : 'istanbul';
}

/** v8-to-istanbul's mark, `all`, on every file: V8's counts remapped line by line. */
function remappedByLine(coverage: CoverageMapData): boolean {
  const files = Object.values(coverage);
  return files.length > 0 && files.every((file) => 'all' in file);
}

/** Vitest's v8 provider before Vitest 4 without AST-aware remapping: the counts are not istanbul's (docs/runners.md#counts-by-vitest-version). */
const LINE_BASED_WARNING = `warning: Vitest's v8 provider remapped this project's coverage with v8-to-istanbul (Vitest before 3.2, or coverage.experimentalAstAwareRemapping off), which counts every line as a statement and V8's functions and branches, not istanbul's: use Vitest 3.2 or later with that option on (monocov turns it on unless your config or command sets it) or coverage.provider "istanbul"`;

/** Where relative keys are looked up, and the workspace folder whose real path runners may report. */
export interface PathRoots {
  workspaceRoot: string;
  projectRoot: string;
}

/**
 * Absolute keys under the workspace as monocov names it (a runner reports real paths, which
 * differ when the workspace is reached through a symlink), each entry cut to istanbul's fields:
 * runner extras (`meta`, `hash`, `_coverageSchema`, `all: false`) would break byte equality.
 * Relative keys are taken from the project folder, else the workspace root (the usual cwds).
 */
function normalizeKeys(coverage: CoverageMapData, roots: PathRoots): CoverageMapData {
  const pathOf = keyPaths(roots);
  const normalized: CoverageMapData = {};
  for (const [key, file] of Object.entries(coverage)) {
    const path = pathOf(key);
    normalized[path] = istanbulFields(file, path);
  }
  return normalized;
}

/** For keys of a runner's output: the absolute path under the workspace as monocov names it (normalizeKeys). */
function keyPaths({ workspaceRoot, projectRoot }: PathRoots): (key: string) => string {
  const root = resolve(workspaceRoot);
  const realRoot = realOrSelf(root);
  const projectDir = resolve(root, projectRoot);
  return (key) => {
    let path: string;
    if (isAbsolute(key)) path = resolve(key);
    else path = [projectDir, root].map((dir) => resolve(dir, key)).find((candidate) => existsSync(candidate)) ?? resolve(projectDir, key);
    if (realRoot !== root && (path === realRoot || path.startsWith(realRoot + sep))) path = root + path.slice(realRoot.length);
    return path;
  };
}

function istanbulFields(file: FileCoverageData, path: string): FileCoverageData {
  const { statementMap, s, fnMap, f, branchMap, b } = file;
  const extra = file as FileCoverageData & { all?: unknown; bT?: unknown };
  return {
    path,
    statementMap,
    s,
    fnMap,
    f,
    branchMap,
    b,
    ...(extra.bT !== undefined && { bT: extra.bT }),
    // `all: true` marks a placeholder for a file no test loaded (nyc's rule); merges let real data win.
    ...(extra.all === true && { all: true }),
  } as FileCoverageData;
}

function findCoverageFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findCoverageFiles(path));
    else if (entry.isFile() && entry.name === COVERAGE_FILE) found.push(path);
  }
  return found.sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
