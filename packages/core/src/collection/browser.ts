import { randomBytes } from 'node:crypto';
import { AnyMap, decodedMappings, type TraceMap } from '@jridgewell/trace-mapping';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic';
import { dataUrlText, lineLengthsOf, mappingsStartingOnCode, sourceMappingReference } from '../convert/script-mapping';
import type { SourceMapCacheEntry, V8FunctionCoverage, V8RawFile, V8ScriptCoverage } from '../convert/v8-data';
import { isServedUrl } from '../convert/served-sources';

/**
 * One script's coverage as Chromium reports it: an entry of Playwright's
 * `page.coverage.stopJSCoverage()`, or of CDP's `Profiler.takePreciseCoverage` with the text
 * `Debugger.getScriptSource` gave for it.
 */
export interface BrowserScriptCoverage {
  url: string;
  scriptId: string;
  /** The script's text: its offsets are what V8's ranges count in, and it names its source map. */
  source?: string;
  functions: V8FunctionCoverage[];
}

export interface BrowserCoverageOptions {
  /** The raw folder of the run (NODE_V8_COVERAGE, which `monocov run` and the Nx coverage executor set). */
  rawDir: string;
  /** Fetches a source map the page's server serves (`//# sourceMappingURL=app.js.map`); undefined when it cannot. */
  fetchText: (url: string) => Promise<string | undefined>;
}

export interface BrowserCoverageWritten {
  /** The raw file written, or undefined when no script had a source map to measure through, nor was an app script without one. */
  path: string | undefined;
  /** One line per script whose source map was named but could not be had: its hits are missing. */
  warnings: string[];
}

let written = 0;

/**
 * Writes a browser's coverage as a raw file of the run, in the shape NODE_V8_COVERAGE writes:
 * each script keeps its URL and ranges, and its source map (inline, or fetched from the server
 * while it still runs) goes into `source-map-cache` with the script's line lengths, so the
 * conversion maps the hits to the original sources as it does for Node's scripts
 * (convert/served-sources.ts finds the workspace files behind the HTTP URLs). Only scripts
 * fetched over HTTP(S) with a source map are measured: without a map, nothing ties a URL to a file,
 * and an app script without one is kept without ranges for the conversion to name.
 * The file is named for this process (`coverage-<pid>-browser-…`): the conversion reads it once
 * this process has ended, with the process's own raw file.
 */
export async function writeBrowserCoverage(entries: readonly BrowserScriptCoverage[], options: BrowserCoverageOptions): Promise<BrowserCoverageWritten> {
  const result: V8ScriptCoverage[] = [];
  const cache: Record<string, SourceMapCacheEntry> = {};
  const warnings: string[] = [];
  const maps = new Map<string, Promise<unknown>>();
  for (const entry of entries) {
    if (!isServedUrl(entry.url) || typeof entry.source !== 'string') continue;
    const reference = sourceMappingReference(entry.source);
    if (reference === undefined) {
      // Kept without ranges, so that the run names it (a production build without its maps).
      if (isAppScriptFile(entry.url)) result.push({ scriptId: entry.scriptId, url: entry.url, functions: [] });
      continue;
    }
    let map: unknown;
    let mapUrl: string | null = null;
    try {
      if (reference.startsWith('data:')) {
        map = JSON.parse(dataUrlText(reference));
      } else {
        mapUrl = new URL(reference, entry.url).href;
        if (!isServedUrl(mapUrl)) throw new Error(`${mapUrl} is not an http(s) URL`);
        const url = mapUrl;
        if (!maps.has(url))
          maps.set(
            url,
            options.fetchText(url).then((text) => (text === undefined ? undefined : JSON.parse(text))),
          );
        map = await maps.get(url);
        if (map === undefined) throw new Error(`${url} could not be fetched`);
      }
    } catch (error) {
      warnings.push(`warning: the source map of ${entry.url} cannot be read (${(error as Error).message}): that script's hits are missing`);
      continue;
    }
    let data: unknown;
    try {
      data = onCode(map, mapUrl ?? entry.url, entry.source);
    } catch (error) {
      warnings.push(`warning: the source map of ${entry.url} is not a source map (${(error as Error).message}): that script's hits are missing`);
      continue;
    }
    cache[entry.url] = { lineLengths: lineLengthsOf(entry.source), data, url: mapUrl };
    result.push({ scriptId: entry.scriptId, url: entry.url, functions: entry.functions });
  }
  if (result.length === 0) return { path: undefined, warnings };
  const raw: V8RawFile = { result, 'source-map-cache': cache };
  const path = join(options.rawDir, `coverage-${process.pid}-browser-${Date.now()}-${++written}-${randomBytes(3).toString('hex')}.json`);
  writeFileAtomic(path, JSON.stringify(raw));
  return { path, warnings };
}

/**
 * A script file of the app (a bundle's chunk, `/assets/index-3f2a.js`), not an inline script of
 * the page, a file of `node_modules` or one of Vite's own (`/@vite/client`): without its map, its
 * hits count for no file, and the run says so.
 */
function isAppScriptFile(url: string): boolean {
  const { pathname } = new URL(url);
  return /\.[cm]?js$/.test(pathname) && !pathname.includes('/node_modules/') && !pathname.startsWith('/@');
}

/** The map with each mapping placed on code (mappingsStartingOnCode): only the script's text shows where code starts, and a browser's data has it. */
function onCode(map: unknown, mapUrl: string, code: string): object {
  const trace = new AnyMap(map as ConstructorParameters<typeof AnyMap>[0], mapUrl) as TraceMap;
  const mappings = mappingsStartingOnCode(decodedMappings(trace), code);
  return { version: 3, file: trace.file, sourceRoot: trace.sourceRoot, sources: trace.sources, sourcesContent: trace.sourcesContent, names: trace.names, mappings };
}
