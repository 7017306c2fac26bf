import { FORMAT_VERSION, type ContextsData } from '../store/format';
import { compareStrings } from '../compare';

// contexts.json (store/format.ts ContextsData) as names per line, to collect and merge them.

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
  const names = [...new Set([...lines.values()].flatMap((byLine) => [...byLine.values()].flatMap((set) => [...set])))].sort(compareStrings);
  const index = new Map(names.map((name, i) => [name, i]));
  const stored: ContextsData['lines'] = {};
  for (const path of [...lines.keys()].sort(compareStrings)) {
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

/** The tests that ran `line` of `path`, sorted; [] when none did (or the line is not code). */
export function testsForLine(data: ContextsData, path: string, line: number): string[] {
  return (data.lines[path]?.[String(line)] ?? []).map((index) => data.contexts[index]!);
}
