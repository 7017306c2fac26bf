import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { addHits } from '../convert/apply-hits';
import { FileMapsCache } from '../convert/file-maps-cache';
import { RangeTree } from '../convert/range-tree';
import { readRawFile } from '../convert/raw-files';
import { scriptPath } from '../convert/script-mapping';
import { ScriptResolver } from '../convert/script-resolver';
import { HOOKS_DIR } from '../package-dir';
import type { ContextsData } from '../store/format';
import { toPosix, workspaceRelative } from '../workspace-path';
import { addLine, toContextsData, type LinesByTest } from './data';

const HOOK_FILE = join(HOOKS_DIR, 'test-contexts.cjs');

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

const LOG_NAME = /^monocov-contexts-(\d+)-(\d+)\.jsonl$/;
/** Node's own name for a process's file: `coverage-<pid>-<ms>-<thread>.json`. */
const RAW_NAME = /^coverage-(\d+)-\d+-(\d+)\.json$/;

/**
 * Which tests ran which lines, from a raw folder the hook took part in. Each raw file holds the
 * hits between two takes of one process; the log names the test of each file the hook took.
 * Node's own last file of a process counts for the test that started the process, if one did.
 * Each file is converted on its own and every line with a hit is credited to its test; maps
 * are built once for all files.
 */
export async function collectContexts(options: { rawDir: string; include: (absPath: string) => boolean; workspaceRoot: string }): Promise<ContextsResult> {
  const names = (await readdir(options.rawDir)).sort();
  const contextOfFile = new Map<string, string[] | null>();
  const inheritedBy = new Map<string, string[]>(); // `<pid>-<thread>` → the test that started it
  let tests = 0;
  for (const name of names) {
    const match = LOG_NAME.exec(name);
    if (!match) continue;
    for (const line of (await readFile(join(options.rawDir, name), 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { file?: string; context?: string[] | null; inherited?: string[] };
      if (entry.inherited) inheritedBy.set(`${match[1]}-${match[2]}`, entry.inherited);
      else if (entry.file) contextOfFile.set(entry.file, entry.context ?? null);
      if (entry.context) tests++;
    }
  }

  const files = new FileMapsCache();
  const resolver = new ScriptResolver(files, options.include);
  const lines: LinesByTest = new Map();
  for (const name of names) {
    const node = RAW_NAME.exec(name);
    const context = contextOfFile.has(name) ? contextOfFile.get(name) : node ? inheritedBy.get(`${node[1]}-${node[2]}`) : undefined;
    if (!context) continue;
    const label = contextName(context, options.workspaceRoot);

    // convertV8Directory's loop, for one raw file, keeping only which statements ran.
    const raw = await readRawFile(join(options.rawDir, name));
    const sourceMapCache = raw['source-map-cache'];
    for (const script of raw.result) {
      const path = scriptPath(script.url);
      // Dependencies are no one's sources (and their source maps are costly to resolve per file).
      if (path === undefined || /[\\/]node_modules[\\/]/.test(path)) continue;
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
