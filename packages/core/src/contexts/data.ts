import { DataError } from '../errors';
import { FORMAT_VERSION, readJsonFile } from '../store';

/**
 * contexts.json, beside a coverage-final.json (docs/data-format.md): which tests ran each line,
 * coverage.py's dynamic contexts. Test names are listed once; lines point at them by index.
 */
export interface ContextsData {
  formatVersion: number;
  /** Test names, sorted: `<test file, workspace-relative> > <suite> > <test>`. */
  contexts: string[];
  /** Workspace-relative source path → line number → indexes into `contexts`, ascending. */
  lines: Record<string, Record<string, number[]>>;
}

/** Which tests ran which lines, as collected: source path → line → test names. */
export type LinesByTest = Map<string, Map<number, Set<string>>>;

export function addLine(lines: LinesByTest, path: string, line: number, context: string): void {
  let byLine = lines.get(path);
  if (!byLine) lines.set(path, (byLine = new Map()));
  let names = byLine.get(line);
  if (!names) byLine.set(line, (names = new Set()));
  names.add(context);
}

/** The stored form: names sorted and listed once, keys in order, so the same runs give the same bytes. */
export function toContextsData(lines: LinesByTest): ContextsData {
  const names = [...new Set([...lines.values()].flatMap((byLine) => [...byLine.values()].flatMap((set) => [...set])))].sort(compare);
  const index = new Map(names.map((name, i) => [name, i]));
  const stored: ContextsData['lines'] = {};
  for (const path of [...lines.keys()].sort(compare)) {
    const byLine = lines.get(path)!;
    stored[path] = Object.fromEntries(
      [...byLine.keys()].sort((a, b) => a - b).map((line) => [String(line), [...byLine.get(line)!].map((name) => index.get(name)!).sort((a, b) => a - b)]),
    );
  }
  return { formatVersion: FORMAT_VERSION, contexts: names, lines: stored };
}

/** Back to names per line, for merging: `mapPath` renames (or, returning undefined, drops) a source path. */
export function fromContextsData(data: ContextsData, into: LinesByTest, mapPath: (path: string) => string | undefined = (path) => path): LinesByTest {
  for (const [path, byLine] of Object.entries(data.lines)) {
    const mapped = mapPath(path);
    if (mapped === undefined) continue;
    for (const [line, indexes] of Object.entries(byLine)) {
      for (const index of indexes) addLine(into, mapped, Number(line), data.contexts[index]!);
    }
  }
  return into;
}

/** Reads and checks a contexts.json; a malformed one is a DataError naming it. */
export function readContextsFile(path: string): ContextsData {
  const data = readJsonFile(path);
  const bad = (what: string) => new DataError(`${path}: ${what}; the data beside it was skipped`, path);
  if (!isObject(data)) throw bad('is not a contexts.json object');
  if (data.formatVersion !== FORMAT_VERSION) throw bad(`data format version ${String(data.formatVersion)} is not the version this monocov reads (${FORMAT_VERSION})`);
  const { contexts, lines } = data;
  if (!Array.isArray(contexts) || !contexts.every((name) => typeof name === 'string')) throw bad('"contexts" is not a list of test names');
  if (!isObject(lines)) throw bad('"lines" is not an object');
  for (const [file, byLine] of Object.entries(lines)) {
    if (!isObject(byLine)) throw bad(`lines of "${file}" are not an object`);
    for (const [line, indexes] of Object.entries(byLine)) {
      const valid = /^[1-9]\d*$/.test(line) && Array.isArray(indexes) && indexes.every((i) => Number.isInteger(i) && i >= 0 && i < contexts.length);
      if (!valid) throw bad(`line "${line}" of "${file}" does not list test indexes`);
    }
  }
  return data as unknown as ContextsData;
}

/** The tests that ran `line` of `path`, sorted; [] when none did (or the line is not code). */
export function testsForLine(data: ContextsData, path: string, line: number): string[] {
  return (data.lines[path]?.[String(line)] ?? []).map((index) => data.contexts[index]!);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
