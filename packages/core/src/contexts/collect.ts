import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { addHits } from '../convert/apply-hits';
import { FileMapsCache } from '../convert/file-maps-cache';
import { RangeTree } from '../convert/range-tree';
import { readRawFile } from '../convert/raw-files';
import { scriptPath } from '../convert/script-mapping';
import { ScriptResolver } from '../convert/script-resolver';
import { toPosix, workspaceRelative } from '../store';
import { addLine, toContextsData, type ContextsData, type LinesByTest } from './data';

/** Plain CommonJS shipped beside dist/ (two levels up from src/contexts and dist/contexts alike), so Node can preload it. */
const HOOK_FILE = join(__dirname, '..', '..', 'hooks', 'test-contexts.cjs');

/**
 * The variables that turn test contexts on in a covered command: the hook, preloaded into every
 * Node process it starts (see hooks/test-contexts.cjs). It writes its logs into NODE_V8_COVERAGE.
 */
export function contextVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const preload = `--require ${JSON.stringify(HOOK_FILE)}`;
  const existing = env.NODE_OPTIONS?.trim();
  return { NODE_OPTIONS: existing ? `${preload} ${existing}` : preload };
}

export interface ContextsResult {
  data: ContextsData;
  /** Test boundaries the hook logged; 0 means the tests ran under no runner it knows. */
  tests: number;
}

interface ProcessLog {
  takes: Array<{ before: number; after: number; context: string[] | null }>;
  /** The test that started the process: its files all count for that test. */
  inherited: string[] | null;
}

const LOG_NAME = /^monocov-contexts-(\d+)-(\d+)\.jsonl$/;
const RAW_NAME = /^coverage-(\d+)-(\d+)-(\d+)\.json$/;

/**
 * Which tests ran which lines, from a raw folder the hook took part in. Each raw file holds the
 * hits between two takes of one process (or a process a test started); the file is matched to
 * its take by process, thread and the millisecond in its name, converted on its own, and every
 * line with a hit is credited to the take's test. Maps are built once for all files.
 */
export async function collectContexts(options: { rawDir: string; include: (absPath: string) => boolean; workspaceRoot: string }): Promise<ContextsResult> {
  const names = (await readdir(options.rawDir)).sort();
  const logs = new Map<string, ProcessLog>();
  let tests = 0;
  for (const name of names) {
    const match = LOG_NAME.exec(name);
    if (!match) continue;
    const log: ProcessLog = { takes: [], inherited: null };
    for (const line of (await readFile(join(options.rawDir, name), 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { before?: number; after?: number; context?: string[] | null; inherited?: string[] };
      if (entry.inherited) log.inherited = entry.inherited;
      else log.takes.push({ before: entry.before!, after: entry.after!, context: entry.context ?? null });
    }
    tests += log.takes.filter((take) => take.context !== null).length;
    logs.set(`${match[1]}-${match[2]}`, log);
  }

  const files = new FileMapsCache();
  const resolver = new ScriptResolver(files, options.include);
  const lines: LinesByTest = new Map();
  for (const name of names) {
    const match = RAW_NAME.exec(name);
    const log = match && logs.get(`${match[1]}-${match[3]}`);
    if (!log) continue;
    const time = Number(match![2]);
    const take = log.takes.find((candidate) => candidate.before <= time && time <= candidate.after);
    const context = take ? take.context : log.inherited;
    if (!context) continue;
    const label = contextName(context, options.workspaceRoot);

    // convertV8Directory's loop, for one raw file, keeping only which statements ran.
    const raw = await readRawFile(join(options.rawDir, name));
    const sourceMapCache = raw['source-map-cache'];
    for (const script of raw.result) {
      const path = scriptPath(script.url);
      if (path === undefined) continue;
      const targets = await resolver.resolve({ url: script.url, path, cacheEntry: sourceMapCache?.[script.url], hasSourceMapCache: sourceMapCache !== undefined });
      if (targets.length === 0) continue;
      const ranges = new RangeTree(script.functions);
      for (const target of targets) {
        const rel = workspaceRelative(options.workspaceRoot, target.path);
        if (rel === undefined) continue;
        const coverage = structuredClone(target.maps.coverage);
        addHits(coverage, target.maps, target.offsets, ranges);
        for (const [id, hits] of Object.entries(coverage.s)) {
          if (hits > 0) addLine(lines, rel, coverage.statementMap[id]!.start.line, label);
        }
      }
    }
  }
  return { data: toContextsData(lines), tests };
}

/** `libs/a/test/math.test.ts > suite > test`: the test file relative to the workspace, then the titles. */
function contextName(context: string[], workspaceRoot: string): string {
  const [file = '', ...titles] = context;
  const shown = isAbsolute(file) ? (workspaceRelative(workspaceRoot, file) ?? toPosix(relative(workspaceRoot, file))) : file;
  return [shown, ...titles.filter((title) => title !== '')].join(' > ');
}
