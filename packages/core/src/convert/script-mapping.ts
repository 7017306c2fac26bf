import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as TraceMapping from '@jridgewell/trace-mapping';
import type { SourceMapSegment, TraceMap } from '@jridgewell/trace-mapping';
import type { Span } from './file-map-types';
import { OriginalPositionIndex } from './original-index';
import type { MapSource } from './served-sources';
import type { SourceMapCacheEntry } from './v8-data';

/** How positions of a script's original sources find their place in the code V8 executed. */
export interface ScriptMapping {
  /** Absolute paths of the original files the script was made from (the script itself when it has no map). */
  readonly sources: readonly string[];
  /** Offset in the executed code where an original span begins, or undefined when that code is not in the script. */
  generatedOffset(sourceIndex: number, span: Span): number | undefined;
  /** The original text the map carries (`sourcesContent`), for sources no longer on disk. */
  sourceContent(sourceIndex: number): string | undefined;
}

/** Absolute path of a `file:` URL without query or hash (tsx may add a query), else undefined. */
export function scriptPath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    return fileURLToPath(parsed);
  } catch {
    return undefined;
  }
}

/** Offset of the first character of each line; terminators as Node splits `lineLengths`. */
function lineStartsFromLengths(lengths: readonly number[]): Int32Array {
  const starts = new Int32Array(lengths.length);
  let offset = 0;
  lengths.forEach((length, i) => {
    starts[i] = offset;
    offset += length + 1;
  });
  return starts;
}

/** Line starts of source text as babel counts lines (\r\n, \r, \n, \u2028, \u2029). */
export function lineStartsOf(text: string): Int32Array {
  // A regex scans in native code; a charCodeAt loop is slow until the JIT warms up, which a short
  // conversion never gives it.
  const lineBreak = /\r\n?|[\n\u2028\u2029]/g;
  const starts = [0];
  for (let match = lineBreak.exec(text); match !== null; match = lineBreak.exec(text)) starts.push(lineBreak.lastIndex);
  return Int32Array.from(starts);
}

/** Only built JavaScript carries a map of its own worth chaining through. */
const CHAINABLE_SOURCE = /\.[cm]?js$/;

/**
 * The source map of a built workspace file (a package's `dist/esm/x.js`, written by tsc or a
 * bundler), through which a bundle's map that names that file is carried to the file's sources.
 */
export interface InnerMap {
  /** Absolute paths of the file's original sources; '' for one outside the workspace (its mappings are dropped). */
  readonly sources: readonly string[];
  readonly sourcesContent: readonly (string | undefined)[];
  /** The original [source index, line, column] (0-based lines) of a position in the built file, or undefined when the map does not map it. */
  trace(line: number, column: number): readonly [number, number, number] | undefined;
}

/** The inner map of a file by its absolute path, or undefined when it has none that may be used. */
export type InnerMapOf = (path: string) => InnerMap | undefined;

/** The script is its own source: original positions are executed positions. */
export function identityMapping(path: string, code: string): ScriptMapping {
  let starts: Int32Array | undefined;
  return {
    sources: [path],
    generatedOffset(_sourceIndex, span) {
      starts ??= lineStartsOf(code);
      const lineStart = starts[span.start.line - 1];
      return lineStart === undefined ? undefined : lineStart + span.start.column;
    },
    sourceContent: () => code,
  };
}

/**
 * The source at `index` as the map writes it when that is a Windows drive path (`C:\repo\src\x.ts`,
 * as some tools on Windows write them), which URL resolution would turn into a path relative to the
 * map. It names that file on Windows, and none elsewhere (where it is not an absolute path).
 */
export function drivePathSource(map: TraceMap, index: number): string | undefined {
  const written = map.sources[index] ?? '';
  return /^[A-Za-z]:[\\/]/.test(written) ? written : undefined;
}

function sourcePath(source: string): string | undefined {
  if (source.startsWith('file:')) return scriptPath(source);
  if (isAbsolute(source)) return resolve(source);
  return undefined;
}

/**
 * Mapping through a source map. The map is decoded on first use only: scripts whose sources are
 * all excluded never pay for it. With `innerMap`, a source that is a built workspace file with a
 * map of its own is replaced by that map's sources (one level; chainThrough).
 */
export function sourceMapMapping(options: {
  map: unknown;
  mapUrl: string;
  lineLengths: readonly number[];
  servedSource?: ServedSourcePath;
  /** The script's file text, when it may be the code V8 ran: used only if its line lengths are the map's. */
  scriptText?: () => string | undefined;
  /** The own map of a built workspace file the map names; only asked about JavaScript sources. */
  innerMap?: InnerMapOf;
}): ScriptMapping {
  // Loaded here, not with this module: plain JavaScript has no source maps, and loading it cost ~6 ms of CPU per run.
  const { AnyMap, decodedMappings } = require('@jridgewell/trace-mapping') as typeof TraceMapping;
  const map = new AnyMap(options.map as ConstructorParameters<typeof AnyMap>[0], options.mapUrl) as TraceMap;
  const sourceRoot = map.sourceRoot ? map.sourceRoot.replace(/\/?$/, '/') : '';
  const named = map.resolvedSources.map(
    (source, index) =>
      sourcePath(drivePathSource(map, index) ?? source) ??
      options.servedSource?.(source, map.sourcesContent?.[index] ?? undefined, { mapUrl: options.mapUrl, source: sourceRoot + (map.sources[index] ?? '') }) ??
      '',
  );
  const inner = options.innerMap ? named.map((path) => (path !== '' && CHAINABLE_SOURCE.test(path) ? options.innerMap!(path) : undefined)) : [];
  const chained = inner.some((entry) => entry !== undefined)
    ? chainThrough(named, (index) => map.sourcesContent?.[index] ?? undefined, inner)
    : { sources: named, contents: undefined, mappings: (segments: readonly (readonly SourceMapSegment[])[]) => segments };
  const sources = chained.sources;
  let index: OriginalPositionIndex | undefined;
  return {
    sources,
    generatedOffset(sourceIndex, span) {
      if (!index) {
        const code = options.scriptText?.();
        const executed = code !== undefined && String(lineLengthsOf(code)) === String(options.lineLengths);
        const decoded = chained.mappings(decodedMappings(map));
        const mappings = executed ? mappingsStartingOnCode(decoded, code) : decoded;
        index = new OriginalPositionIndex(mappings, lineStartsFromLengths(options.lineLengths), sources.length);
      }
      return index.firstOffsetWithin(sourceIndex, span);
    },
    sourceContent: (sourceIndex) => (chained.contents ? chained.contents[sourceIndex] : (map.sourcesContent?.[sourceIndex] ?? undefined)),
  };
}

/**
 * A map's sources and mappings carried one level further: each source with an inner map (a
 * package's built `dist/x.js`, whose `x.js.map` names `../src/x.ts`) gives way to that map's
 * sources, and each segment landing in it is traced through the inner map; a segment the inner
 * map does not map, or maps to a source outside the workspace, is dropped. Other sources keep
 * their place (and their index).
 */
function chainThrough(
  named: readonly string[],
  outerContent: (index: number) => string | undefined,
  inner: readonly (InnerMap | undefined)[],
): { sources: string[]; contents: (string | undefined)[]; mappings: (segments: readonly (readonly SourceMapSegment[])[]) => SourceMapSegment[][] } {
  const sources = [...named];
  const contents = named.map((_, index) => outerContent(index));
  const indexOf = new Map<string, number>();
  named.forEach((path, index) => {
    if (path !== '' && !inner[index] && !indexOf.has(path)) indexOf.set(path, index);
  });
  // For each chained source, the final index of each of its inner sources (-1: dropped).
  const innerIndex = inner.map((entry) =>
    entry?.sources.map((path, index) => {
      if (path === '') return -1;
      let at = indexOf.get(path);
      if (at === undefined) {
        at = sources.push(path) - 1;
        contents.push(entry.sourcesContent[index]);
        indexOf.set(path, at);
      }
      return at;
    }),
  );
  inner.forEach((entry, index) => {
    if (entry) sources[index] = ''; // its code is counted on its own sources now
  });
  const mappings = (segments: readonly (readonly SourceMapSegment[])[]): SourceMapSegment[][] =>
    segments.map((line) => {
      const out: SourceMapSegment[] = [];
      for (const segment of line) {
        if (segment.length === 1) {
          out.push(segment);
          continue;
        }
        const [column, source, originalLine, originalColumn] = segment;
        const entry = inner[source];
        if (!entry) {
          out.push([column, source, originalLine, originalColumn]);
          continue;
        }
        const traced = entry.trace(originalLine, originalColumn);
        const at = traced ? innerIndex[source]![traced[0]] : undefined;
        if (traced && at !== undefined && at >= 0) out.push([column, at, traced[1], traced[2]]);
      }
      return out;
    });
  return { sources, contents, mappings };
}

/**
 * The mappings with each one that starts on white space moved to the code after it. esbuild without
 * `minifyWhitespace` (Vite's dev transform, esbuild or tsup builds, esbuild-register) maps the space
 * before a statement to the statement (`if (x) return y;` maps the space before `return`), while
 * V8's block ranges start at the statement itself: left there, the probe of `return` would read the
 * count of the code before it. Only the executed code's text shows where the code starts.
 */
export function mappingsStartingOnCode(mappings: readonly (readonly SourceMapSegment[])[], code: string): SourceMapSegment[][] {
  const lines = code.split(/\n|\u2028|\u2029/);
  return mappings.map((segments, line) => {
    const text = lines[line] ?? '';
    return segments.map((segment, index): SourceMapSegment => {
      let column = segment[0];
      const limit = segments[index + 1]?.[0] ?? text.length;
      while (column < limit - 1 && /\s/.test(text[column] ?? '')) column++;
      return column === segment[0] ? segment : ([column, ...segment.slice(1)] as SourceMapSegment);
    });
  });
}

/** The workspace file an HTTP source URL stands for (ServedSources), given the map's text of it and the map that names it; undefined when none. */
export type ServedSourcePath = (url: string, content: string | undefined, from: MapSource) => string | undefined;

/**
 * A map recorded in the raw file's `source-map-cache` (by Node, or by monocov's browser collector).
 * `servedSource` finds the files behind sources a browser fetched over HTTP.
 */
export function cachedMapping(
  scriptUrl: string,
  entry: SourceMapCacheEntry,
  options: { servedSource?: ServedSourcePath; scriptText?: () => string | undefined; innerMap?: InnerMapOf } = {},
): ScriptMapping | undefined {
  if (!entry.data || !Array.isArray(entry.lineLengths)) return undefined;
  return sourceMapMapping({ map: entry.data, mapUrl: entry.url ?? scriptUrl, lineLengths: entry.lineLengths, ...options });
}

/** The `sourceMappingURL` a script ends with (a data: URL, or one relative to the script), if any. */
export function sourceMappingReference(code: string): string | undefined {
  const tail = code.slice(Math.max(0, code.lastIndexOf('sourceMappingURL=') - 4));
  const match = SOURCE_MAPPING_URL.exec(tail);
  return match?.[1] ?? match?.[2] ?? undefined;
}

/** The text of a `data:` URL, base64 or percent-encoded. */
export function dataUrlText(reference: string): string {
  const comma = reference.indexOf(',');
  const payload = reference.slice(comma + 1);
  return /;base64$/.test(reference.slice(0, comma)) ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
}

/** Each line's length, split as Node splits them for `lineLengths`. */
export function lineLengthsOf(code: string): number[] {
  return code.split(/\n|\u2028|\u2029/).map((line) => line.length);
}

const SOURCE_MAPPING_URL = /(?:\/\/[#@]\s*sourceMappingURL=([^\s'"]+)\s*$)|(?:\/\*[#@]\s*sourceMappingURL=([^\s*'"]+)\s*\*\/\s*$)/m;

/**
 * A map referenced by the script file itself, for raw data written without Node's
 * `source-map-cache` (collectors other than NODE_V8_COVERAGE).
 */
export function mappingFromScriptFile(path: string, code: string, innerMap?: InnerMapOf): ScriptMapping | undefined {
  const reference = sourceMappingReference(code);
  if (!reference) return undefined;
  const lineLengths = lineLengthsOf(code);
  const scriptUrl = pathToFileURL(path).href;
  try {
    if (reference.startsWith('data:')) {
      return sourceMapMapping({ map: JSON.parse(dataUrlText(reference)), mapUrl: scriptUrl, lineLengths, scriptText: () => code, innerMap });
    }
    const mapPath = reference.startsWith('file:') ? fileURLToPath(reference) : resolve(dirname(path), reference);
    if (!existsSync(mapPath)) return undefined;
    const map: unknown = JSON.parse(readFileSync(mapPath, 'utf8'));
    return sourceMapMapping({ map, mapUrl: pathToFileURL(mapPath).href, lineLengths, scriptText: () => code, innerMap });
  } catch {
    // An unreadable or malformed map: the script is treated as its own source, as Node does.
    return undefined;
  }
}
