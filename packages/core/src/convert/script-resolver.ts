import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { DataError } from '../errors';
import type { FileMapsCache } from './file-maps-cache';
import { probeOffsets, type ProbeOffsets } from './apply-hits';
import type { FileMaps } from './file-map-types';
import { cachedMapping, identityMapping, mappingFromScriptFile, type InnerMapOf, type ScriptMapping, type ServedSourcePath } from './script-mapping';
import type { SourceMapCacheEntry } from './v8-data';

/** An original file a script was made from, with where its probes sit in that script. */
export interface ScriptTarget {
  path: string;
  maps: FileMaps;
  offsets: ProbeOffsets;
}

export interface ScriptToResolve {
  url: string;
  /** The script's file, or undefined for a script a browser fetched over HTTP (measured through its map only). */
  path: string | undefined;
  /** Node's record of the script's source map; undefined when it had none. */
  cacheEntry: SourceMapCacheEntry | undefined;
  /** Whether the raw file has a source-map-cache at all (NODE_V8_COVERAGE writes one; other collectors may not). */
  hasSourceMapCache: boolean;
}

/**
 * Resolves each distinct script once (however many processes ran it): its source map, which of
 * its original files are included, their maps and probe offsets. Scripts with nothing included
 * resolve to an empty list before any file is parsed.
 */
export class ScriptResolver {
  private readonly resolved = new Map<string, Promise<ScriptTarget[]>>();

  private readonly onUnparsable: ((problem: DataError) => void) | undefined;
  private readonly servedSource: ServedSourcePath | undefined;
  private readonly onMissingFile: ((url: string) => void) | undefined;
  private readonly innerMap: InnerMapOf | undefined;

  constructor(
    private readonly files: FileMapsCache,
    private readonly include: (absPath: string) => boolean,
    options: {
      /** Told about an original source Babel cannot parse, which is then left out; without it, that is an error. */
      onUnparsable?: (problem: DataError) => void;
      /** Finds the workspace files behind sources served over HTTP; without it, such sources are skipped. */
      servedSource?: ServedSourcePath;
      /** Told, by its URL, about an included file a script ran that does not exist (the script's own, or a source of its map without text in the map): its hits are lost. */
      onMissingFile?: (url: string) => void;
      /** The own maps of built workspace files a script's map names, to chain through; without it, such files are sources themselves. */
      innerMap?: InnerMapOf;
    } = {},
  ) {
    this.onUnparsable = options.onUnparsable;
    this.servedSource = options.servedSource;
    this.onMissingFile = options.onMissingFile;
    this.innerMap = options.innerMap;
  }

  resolve(script: ScriptToResolve): Promise<ScriptTarget[]> {
    const cacheKey = `${script.url}\0${fingerprint(script.cacheEntry)}`;
    let targets = this.resolved.get(cacheKey);
    if (!targets) {
      targets = this.resolveUncached(script);
      this.resolved.set(cacheKey, targets);
    }
    return targets;
  }

  private async resolveUncached(script: ScriptToResolve): Promise<ScriptTarget[]> {
    if (script.path === undefined) {
      const served =
        script.cacheEntry && this.servedSource ? cachedMapping(script.url, script.cacheEntry, { servedSource: this.servedSource, innerMap: this.innerMap }) : undefined;
      return served ? this.targetsOf(served, this.include) : [];
    }
    if (script.cacheEntry) {
      // The script's file is the code V8 ran when it was built to disk (tsc, esbuild): read, once a
      // source of it is included, to place each mapping on code (mappingsStartingOnCode).
      let executedText: string | undefined;
      const cached = cachedMapping(script.url, script.cacheEntry, { scriptText: () => executedText, innerMap: this.innerMap });
      if (cached) {
        if (cached.sources.some((path) => path !== '' && this.include(path))) executedText = await this.files.text(script.path);
        return this.targetsOf(cached, this.include);
      }
    }
    let mapping: ScriptMapping | undefined;
    if (!script.hasSourceMapCache && !script.path.includes('/node_modules/')) {
      const code = await this.files.text(script.path);
      if (code !== undefined) mapping = mappingFromScriptFile(script.path, code, this.innerMap);
    }
    if (!mapping) {
      if (!this.include(script.path)) return [];
      const code = await this.files.text(script.path);
      if (code === undefined) {
        this.onMissingFile?.(script.url);
        return [];
      }
      return this.targetsOf(identityMapping(script.path, code), () => true);
    }
    return this.targetsOf(mapping, this.include);
  }

  private async targetsOf(mapping: ScriptMapping, include: (absPath: string) => boolean): Promise<ScriptTarget[]> {
    const targets: ScriptTarget[] = [];
    for (const [sourceIndex, path] of mapping.sources.entries()) {
      if (path === '' || !include(path)) continue;
      const code = (await this.files.text(path)) ?? mapping.sourceContent(sourceIndex);
      if (code === undefined) {
        this.onMissingFile?.(pathToFileURL(path).href);
        continue;
      }
      let maps: FileMaps;
      try {
        maps = this.files.maps(path, code);
      } catch (error) {
        if (!(error instanceof DataError) || !this.onUnparsable) throw error;
        this.onUnparsable(error);
        continue;
      }
      targets.push({ path, maps, offsets: probeOffsets(maps, mapping, sourceIndex) });
    }
    return targets;
  }
}

/** Distinguishes builds of one URL with different maps (a file rebuilt between processes). */
function fingerprint(entry: SourceMapCacheEntry | undefined): string {
  if (!entry) return 'no-map';
  const data = entry.data as { mappings?: unknown; sections?: unknown } | null;
  // Decoded mappings (arrays) come from monocov's browser collector.
  const mappings = typeof data?.mappings === 'string' ? data.mappings : JSON.stringify(data?.mappings ?? data?.sections ?? null);
  return createHash('sha1')
    .update(String(entry.lineLengths ?? []))
    .update('\0')
    .update(mappings)
    .digest('hex');
}
