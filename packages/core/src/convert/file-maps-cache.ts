import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { markCanonical } from '../stable-json';
import { CODE_DIR } from '../package-dir';
import { hashContent } from '../store/format';
import { isObject } from '../is-object';
import { readRegularFile } from '../regular-file';
import { TOOL_VERSION } from '../version';
import { countLines } from '../workspace-source';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import type { FileMaps } from './file-map-types';
import { builtOutputMap } from './inner-maps';
import type { InnerMap } from './script-mapping';

/** Babel and the map definitions load only when a file's maps must be built (not cached). */
const buildFileMaps = (path: string, code: string): FileMaps => (require('./file-maps') as typeof import('./file-maps')).buildFileMaps(path, code);

/**
 * Maps per file path and content, for every FileMapsCache of this process: the AST work is done
 * once however many scripts, processes or calls (conversion, never-loaded files, the warm-up while
 * the tests run) need a file. Results share these maps and never change them.
 */
const built = new Map<string, FileMaps>();

/** Forgets the maps built in this process (tests of the on-disk cache). */
export function forgetBuiltMaps(): void {
  built.clear();
}

/**
 * The source files of one run and their maps: each file is read (and hashed) once, however many
 * scripts, the warm-up while the tests run and the never-loaded files' zeros need it.
 */
export class FileMapsCache {
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly hashes = new Map<string, string>();
  private readonly builtMaps = new Map<string, InnerMap | undefined>();
  private readonly store: MapsStore | undefined;

  /** `cacheDir`: where maps are kept between runs (see MapsStore); none: this process only. */
  constructor(cacheDir?: string) {
    this.store = cacheDir === undefined ? undefined : new MapsStore(cacheDir);
  }

  /** Text of a source file, read once; undefined when it no longer exists. */
  text(path: string): Promise<string | undefined> {
    let text = this.texts.get(path);
    if (!text) {
      text = readFile(path).then(
        (bytes) => {
          this.hashes.set(path, hashContent(bytes));
          return bytes.toString('utf8');
        },
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined;
          throw error;
        },
      );
      this.texts.set(path, text);
    }
    return text;
  }

  /**
   * The source map of a file no test loaded, when its text (this cache's) says it is built output
   * (builtOutputMap), read once: while the tests run (prepareFileMaps) rather than after them.
   */
  builtOutput(workspaceRoot: string, path: string, text: string): InnerMap | undefined {
    if (!this.builtMaps.has(path)) this.builtMaps.set(path, builtOutputMap(workspaceRoot, path, text));
    return this.builtMaps.get(path);
  }

  /** The content hash (hashContent, as meta.json records it) of each file read, by path. */
  contentHashes(): ReadonlyMap<string, string> {
    return this.hashes;
  }

  maps(path: string, code: string): FileMaps {
    const cacheKey = `${path}\0${createHash('sha1').update(code).digest('hex')}`;
    let maps = built.get(cacheKey);
    if (!maps) {
      maps = this.store?.load(path, code);
      if (!maps) {
        maps = buildFileMaps(path, code);
        const { statementMap, fnMap, branchMap } = maps.coverage;
        for (const map of [statementMap, fnMap, branchMap]) markCanonical(map);
        this.store?.save(path, code, maps);
      }
      built.set(cacheKey, maps);
    }
    return maps;
  }
}

/** Version of the stored entries' layout; part of every key. */
const STORE_FORMAT = 2;

/**
 * Maps kept on disk between runs (`<cacheDir>/maps/<2 hex>/<sha256>.json`), keyed by the file's
 * content, its extension (which decides how it is parsed), monocov's version and the converter's
 * own code, so a changed file, another monocov or an edited converter never reads stale maps.
 * Parsing a file is most of a conversion; most files of a monorepo are unchanged between runs.
 * Entries are written to a temp file and renamed, so parallel tasks share the folder safely; an
 * unreadable or unwritable cache is ignored (the maps are then built as without it).
 */
class MapsStore {
  private readonly madeDirs = new Set<string>();

  constructor(private readonly dir: string) {}

  /**
   * The entry's maps, or undefined (then they are built, and the entry written again) when there is
   * none or it cannot be used: cut short, too large for the file, or not the shape save() writes.
   * The folder is untrusted: CI setups restore it from other jobs and branches.
   */
  load(path: string, code: string): FileMaps | undefined {
    try {
      // Not followed as a link, nor read when it is no regular file (a FIFO, /dev/zero) or larger than an entry can be.
      const read = readRegularFile(this.entryPath(path, code), { followLinks: false, maxBytes: maxEntryBytes(code) });
      if (!read.ok) return undefined;
      const text = read.bytes.toString('utf8');
      // The rest, statementMap, fnMap and branchMap, each on a line (save), and the last newline.
      const lines = text.split('\n');
      if (lines.length !== 5 || lines[4] !== '') return undefined; // cut short
      const stored = JSON.parse(lines[0]!) as { format: number; maps: FileMaps };
      if (stored.format !== STORE_FORMAT) return undefined;
      const { b, f, s } = stored.maps.coverage;
      const statementMap = mapFromText(lines[1]!) as FileCoverageData['statementMap'];
      const fnMap = mapFromText(lines[2]!) as FileCoverageData['fnMap'];
      const branchMap = mapFromText(lines[3]!) as FileCoverageData['branchMap'];
      // In writing order, as built (convert/istanbul-maps.ts).
      const maps = { ...stored.maps, coverage: { b, branchMap, f, fnMap, path, s, statementMap } };
      return usableMaps(maps, countLines(code)) ? maps : undefined;
    } catch {
      return undefined; // not cached yet, or an entry cut short: build it
    }
  }

  save(path: string, code: string, maps: FileMaps): void {
    const target = this.entryPath(path, code);
    const dir = join(target, '..');
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      if (!this.madeDirs.has(dir)) {
        // A folder restored as a link (maps/, maps/<2 hex>/) would take the entry wherever it leads.
        for (const folder of [join(dir, '..'), dir]) {
          mkdirSync(folder, { recursive: true });
          if (lstatSync(folder).isSymbolicLink()) return;
        }
        this.madeDirs.add(dir);
      }
      // The path is left out: the same content elsewhere (another clone, a copied file) has the same
      // maps. Each of istanbul's maps on a line of its own (JSON without indents holds no line break),
      // so that its text is written into the data as it is, in this run (marked here) as in later ones
      // (mapFromText). The rest is only read back, by JSON.parse: its keys' order matters to no one.
      const { statementMap, fnMap, branchMap, ...counters } = maps.coverage;
      const rest = JSON.stringify({ format: STORE_FORMAT, maps: { ...maps, coverage: { ...counters, path: '' } } });
      const istanbulMaps = [statementMap, fnMap, branchMap];
      const mapTexts = istanbulMaps.map((map) => JSON.stringify(map));
      writeFileSync(temp, `${rest}\n${mapTexts.join('\n')}\n`);
      renameSync(temp, target);
      istanbulMaps.forEach((map, i) => markCanonical(map, mapTexts[i]));
    } catch {
      rmSync(temp, { force: true });
    }
  }

  private entryPath(path: string, code: string): string {
    const key = createHash('sha256')
      .update(`${converterVersion()}\0${extname(path).toLowerCase()}\0`)
      .update(code)
      .digest('hex');
    return join(this.dir, 'maps', key.slice(0, 2), `${key}.json`);
  }
}

/**
 * The most an entry may hold for a file: its maps take 4 times its text at the median and 10 at most
 * (556 sources of this repository and its dependencies), so a larger entry was not written by save().
 */
function maxEntryBytes(code: string): number {
  return 64 * 1024 + 64 * code.length;
}

/**
 * Whether `maps` read from an entry have the shape buildFileMaps gives, so that the conversion uses
 * them as it uses maps it built (and never fails on them): istanbul's maps numbered 0, 1, 2… with
 * every count 0 (an entry's counts are where every count starts), one probe per statement, function
 * and branch arm, whole-number positions within the file's `lines`, and statement indexes that point back. Written as plain
 * loops: it runs on every cached file of every run, mostly in code V8 has not optimized yet.
 */
function usableMaps(maps: FileMaps, lines: number): boolean {
  const isSpan = (value: unknown): boolean => isObject(value) && isPosition(value.start, lines) && isPosition(value.end, lines);
  const { coverage, statementProbes, functionProbes, branchIds, branchProbes } = maps;
  if (!isObject(coverage) || !Array.isArray(statementProbes) || !Array.isArray(functionProbes) || !Array.isArray(branchIds) || !Array.isArray(branchProbes)) return false;
  const { statementMap, fnMap, branchMap, s, f, b } = coverage as unknown as Record<string, unknown>;
  if (!isObject(statementMap) || !isObject(fnMap) || !isObject(branchMap) || !isObject(s) || !isObject(f) || !isObject(b)) return false;
  if (Object.keys(coverage).length !== 7) return false; // path, the three maps and their counts
  const statements = statementProbes.length;
  if (!numberedFrom0(statementMap, statements) || !numberedFrom0(s, statements)) return false;
  for (let index = 0; index < statements; index++) {
    const probe = statementProbes[index] as unknown;
    if (!isSpan(statementMap[index]) || s[index] !== 0 || !isObject(probe) || !isSpan(probe.span) || !isIndexBelow(probe.follows, index, true)) return false;
  }
  const functions = functionProbes.length;
  if (!numberedFrom0(fnMap, functions) || !numberedFrom0(f, functions)) return false;
  for (let index = 0; index < functions; index++) {
    const fn = fnMap[index];
    if (!isObject(fn) || typeof fn.name !== 'string' || !isSpan(fn.decl) || !isSpan(fn.loc) || f[index] !== 0 || !isSpan(functionProbes[index])) return false;
  }
  const ids = Object.keys(branchMap);
  if (branchIds.length !== ids.length || branchProbes.length !== ids.length || Object.keys(b).length !== ids.length) return false;
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]!;
    const branch = branchMap[id];
    const arms = branchProbes[index] as unknown;
    const counts = b[id];
    if (branchIds[index] !== id || !/^(0|[1-9]\d*)$/.test(id) || !isObject(branch) || !isSpan(branch.loc) || !Array.isArray(branch.locations)) return false;
    const locations = branch.locations as unknown[];
    if (!Array.isArray(arms) || !Array.isArray(counts) || arms.length !== locations.length || counts.length !== locations.length || locations.length === 0) return false;
    for (let arm = 0; arm < locations.length; arm++) {
      const probe = arms[arm] as unknown;
      if (counts[arm] !== 0 || !(isSpan(locations[arm]) || isAbsentElse(locations[arm])) || !isObject(probe) || !isIndexBelow(probe.statement, statements, true)) return false;
      if (!('at' in probe ? isSpan(probe.at) : isSpan(probe.whole) && isSpan(probe.minus))) return false;
    }
  }
  return true;
}

/** Whether `map`'s keys are exactly "0" to `count - 1`. */
function numberedFrom0(map: Record<string, unknown>, count: number): boolean {
  let index = 0;
  for (const key in map) if (key !== String(index++)) return false;
  return index === count;
}

function isIndexBelow(value: unknown, limit: number, optional: boolean): boolean {
  return (optional && value === undefined) || (Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < limit);
}

/**
 * A position as buildFileMaps writes it: whole numbers, on one of the file's `lines` (the merge
 * refuses data naming a line beyond them, so an entry that did would break every merge after it).
 */
function isPosition(value: unknown, lines: number): boolean {
  if (!isObject(value) || !Number.isSafeInteger(value.line) || !Number.isSafeInteger(value.column)) return false;
  return (value.line as number) >= 1 && (value.line as number) <= lines && (value.column as number) >= 0;
}

/** istanbul's location of an `if`'s absent `else`: `{ start: {}, end: {} }`. */
function isAbsentElse(value: unknown): boolean {
  return isObject(value) && isObject(value.start) && isObject(value.end) && Object.keys(value.start).length === 0 && Object.keys(value.end).length === 0;
}

/** A map read from its line of an entry, marked so that the project's data is written with that text. */
function mapFromText(text: string): object {
  const map = JSON.parse(text) as object;
  markCanonical(map, text);
  return map;
}

/** This folder, dist/convert (src/convert under tsx): the CLI's bundle is built from it. */
const CONVERTER_DIR = join(CODE_DIR, 'convert');

let version: string | undefined;

/** monocov's version, the parser's, and a hash of this folder's code (the converter as built). */
function converterVersion(): string {
  if (version === undefined) {
    const hash = createHash('sha256').update(`${TOOL_VERSION}\0${STORE_FORMAT}\0`);
    try {
      hash.update((require('@babel/parser/package.json') as { version: string }).version);
    } catch {
      hash.update('parser?');
    }
    for (const name of readdirSync(CONVERTER_DIR).sort()) {
      if (/\.(?:js|ts)$/.test(name) && !name.endsWith('.d.ts')) hash.update(name).update(readFileSync(join(CONVERTER_DIR, name)));
    }
    version = hash.digest('hex');
  }
  return version;
}
