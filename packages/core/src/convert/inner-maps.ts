import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as TraceMapping from '@jridgewell/trace-mapping';
import type { TraceMap } from '@jridgewell/trace-mapping';
import { toPosix } from '../workspace-path';
import { locateWorkspaceSource, NOT_FOUND, readWorkspaceSource, unreadableSourceReason } from '../workspace-source';
import { dataUrlText, drivePathSource, sourceMappingReference, type InnerMap, type InnerMapOf } from './script-mapping';

/**
 * Reads the maps of built files inside the workspace, once each. The built file, its map file and
 * the sources the map names must all lie inside the workspace (symbolic links resolved, as for
 * report sources: docs/security.md); a map file or source elsewhere is not read, and a malformed
 * map leaves the file unchained.
 */
export function workspaceInnerMaps(workspaceRoot: string): InnerMapOf {
  const found = new Map<string, InnerMap | undefined>();
  return (path) => {
    if (!found.has(path)) found.set(path, readInnerMap(workspaceRoot, path));
    return found.get(path);
  };
}

function readInnerMap(workspaceRoot: string, path: string): InnerMap | undefined {
  // Dependencies' code is not the workspace's (omitted by default), and a bundle names many of their files.
  if (/[\\/]node_modules[\\/]/.test(path)) return undefined;
  const built = readWorkspaceSource(workspaceRoot, toPosix(relative(workspaceRoot, path)));
  return built.ok ? mapOfBuiltText(workspaceRoot, path, built.text) : undefined;
}

/** Only JavaScript is built output: a map at the end of TypeScript (a generated file) is no reason to measure another file. */
const BUILT_EXTENSION = /\.(?:[cm]?js|jsx)$/;

/**
 * The source map of a workspace file no test loaded, when the file is built output: JavaScript
 * ending with a `sourceMappingURL` whose map may be read (a `data:` URL or a file inside the
 * workspace) and parses. `text` is the file's, read by the caller (the scan's files are regular
 * files inside the workspace). Undefined: the file is a source itself, as Node runs it when its
 * map cannot be read.
 */
export function builtOutputMap(workspaceRoot: string, path: string, text: string): InnerMap | undefined {
  return BUILT_EXTENSION.test(path) ? mapOfBuiltText(workspaceRoot, path, text) : undefined;
}

/** Why no workspace source stands for a built file: its map's sources all lie outside the workspace, some do not exist, or it names none. */
export type UnmappedReason = 'outside the workspace' | 'not found' | 'none named';

/**
 * The workspace sources built output stands for, by its map (builtOutputMap's): the one rule of the
 * run (neverLoadedSources) and of the merge's completeness check, so neither counts what the other
 * does not. `counted`: each source the map names inside the workspace that `include` selects, on
 * disk, or with the text the map carries (`content`) when it is not, in the map's order. A source
 * `include` leaves out (run.omit, another project's) is not counted but still stands for the file.
 * `unmapped`: why no source stands for the file, when none does (it then counts for nothing).
 */
export function builtOutputSources(map: InnerMap, include: (absPath: string) => boolean): { counted: Array<{ path: string; content?: string }>; unmapped?: UnmappedReason } {
  const counted: Array<{ path: string; content?: string }> = [];
  let named = false;
  for (const [index, source] of map.sources.entries()) {
    if (source === '') continue; // outside the workspace (mapOfBuiltText): never looked at
    const content = map.sourcesContent[index];
    const onDisk = existsSync(source);
    if (!onDisk && content === undefined) continue;
    named = true;
    if (include(source)) counted.push(onDisk ? { path: source } : { path: source, content });
  }
  if (named) return { counted };
  return { counted, unmapped: map.sources.length === 0 ? 'none named' : map.sources.some((source) => source !== '') ? 'not found' : 'outside the workspace' };
}

/** The map `text` (a built file's) ends with, read under the workspace's guards; undefined when there is none that may be used. */
function mapOfBuiltText(workspaceRoot: string, path: string, text: string): InnerMap | undefined {
  const reference = sourceMappingReference(text);
  if (!reference) return undefined;
  try {
    let mapText: string;
    let mapUrl: string;
    if (reference.startsWith('data:')) {
      mapText = dataUrlText(reference);
      mapUrl = pathToFileURL(path).href;
    } else {
      if (/^[a-z][\w+.-]*:/i.test(reference) && !reference.startsWith('file:')) return undefined;
      const mapPath = reference.startsWith('file:') ? fileURLToPath(reference) : resolve(dirname(path), decodeURIComponent(reference));
      const read = readWorkspaceSource(workspaceRoot, toPosix(relative(workspaceRoot, mapPath)));
      if (!read.ok) return undefined;
      mapText = read.text;
      mapUrl = pathToFileURL(mapPath).href;
    }
    // Loaded here: most scripts name no built file with a map of its own.
    const { AnyMap, traceSegment } = require('@jridgewell/trace-mapping') as typeof TraceMapping;
    const map = new AnyMap(JSON.parse(mapText) as ConstructorParameters<typeof AnyMap>[0], mapUrl) as TraceMap;
    const sources = map.resolvedSources.map((source, index) => insideWorkspace(workspaceRoot, drivePathSource(map, index) ?? source));
    return {
      sources,
      sourcesContent: sources.map((_, index) => map.sourcesContent?.[index] ?? undefined),
      trace(line, column) {
        const segment = traceSegment(map, line, column);
        return segment && segment.length >= 4 ? [segment[1]!, segment[2]!, segment[3]!] : undefined;
      },
    };
  } catch {
    // A malformed map (bad JSON, bad mappings): the file stays its own source, as without chaining.
    return undefined;
  }
}

/** The absolute path a resolved inner source names when it lies inside the workspace (a missing file too: its text may be in the map), else ''. */
function insideWorkspace(workspaceRoot: string, source: string): string {
  let path: string;
  try {
    path = source.startsWith('file:') ? fileURLToPath(source) : source;
  } catch {
    return '';
  }
  if (!isAbsolute(path)) return ''; // a drive path (drivePathSource) where paths have no drive
  path = resolve(path);
  const rel = toPosix(relative(workspaceRoot, path));
  if (unreadableSourceReason(rel)) return '';
  const located = locateWorkspaceSource(workspaceRoot, rel);
  return located.ok || located.reason === NOT_FOUND ? path : '';
}
