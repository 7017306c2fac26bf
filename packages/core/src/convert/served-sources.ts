import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { compareStrings } from '../compare';
import { toPosix } from '../workspace-path';

/** Only these can be sources a browser ran: what a bundler or dev server compiles to JavaScript. */
const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** A bundle's maps are indexed too: where a map lies tells which of two same-text sources it names. */
const MAP_EXTENSION = /\.map$/;

/** Folders that never hold the workspace's own sources: dependencies, VCS, Nx's cache. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.nx']);

/** Vite serves files outside its root as `/@fs/<absolute path>`. */
const VITE_FS_PREFIX = '/@fs/';

/**
 * The workspace files that sources served over HTTP stand for. A browser reports a script by its
 * URL, and the sources of its map resolve against that URL (`http://localhost:4200/src/app.tsx`
 * from a dev server whose root is `apps/web`; `http://localhost:4200/apps/web/src/app.tsx` from a
 * bundle whose map climbs out of `dist/`; Vite's `/@fs/<absolute path>`): where the server's
 * folder lies is not in the data. A URL's path is matched against the ends of the workspace's
 * source paths and, when the map carries the source text, only a file with exactly that text
 * matches. When the text does not tell two files apart (an app copied into several example
 * folders), the map's own relative path decides, from the map file's place in the workspace
 * (`dist/assets/index.js.map` naming `../../src/posts.ts`), as a built bundle's map lies beside
 * it; otherwise a path two files end with matches none, and is told to `onAmbiguous` with the
 * files, so that its hits are not lost without a word. The URL
 * never names a file by itself: only a regular file found by walking the workspace (links not
 * followed) can be the answer, so data from a browser cannot make monocov read a file outside
 * the workspace (docs/security.md).
 */
export class ServedSources {
  /** Workspace-relative POSIX paths of the workspace's sources, by file name. */
  private byName: Map<string, string[]> | undefined;
  private readonly found = new Map<string, string | undefined>();

  constructor(
    private readonly workspaceRoot: string,
    /** Told about a URL whose path ends several workspace files that the map's text does not tell apart (absolute paths, sorted). */
    private readonly onAmbiguous?: (url: string, files: string[]) => void,
  ) {}

  /**
   * Absolute path of the workspace file a served source URL stands for, or undefined. `from` is
   * the map that names it: its URL, and the source as the map writes it (relative to the map).
   */
  readonly path = (url: string, content: string | undefined, from?: MapSource): string | undefined => {
    const key = `${url}\0${content ?? ''}\0${from?.mapUrl ?? ''}\0${from?.source ?? ''}`;
    if (!this.found.has(key)) this.found.set(key, this.find(url, content, from));
    return this.found.get(key);
  };

  private find(url: string, content: string | undefined, from: MapSource | undefined): string | undefined {
    let pathname: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
      pathname = decodeURIComponent(parsed.pathname);
    } catch {
      return undefined;
    }
    // An absolute path names one file exactly; any other path is the end of one.
    const absolute = pathname.startsWith(VITE_FS_PREFIX) ? toPosix(relative(this.workspaceRoot, resolve(pathname.slice(VITE_FS_PREFIX.length - 1)))) : undefined;
    const name = pathname.slice(pathname.lastIndexOf('/') + 1);
    const candidates = (this.index().get(name) ?? []).filter((rel) => (absolute === undefined ? `/${rel}`.endsWith(pathname) : rel === absolute));
    const matching = content === undefined ? candidates : candidates.filter((rel) => readText(join(this.workspaceRoot, rel)) === content);
    if (matching.length === 1) return join(this.workspaceRoot, matching[0]!);
    const named = matching.length > 1 && from ? this.namedByMapFile(from) : undefined;
    if (named !== undefined && matching.includes(named)) return join(this.workspaceRoot, named);
    if (matching.length > 1) this.onAmbiguous?.(url, matching.map((rel) => join(this.workspaceRoot, rel)).sort(compareStrings));
    return undefined;
  }

  /** The workspace path a map's relative source names from the map's file, when exactly one workspace file ends with the map's URL path. */
  private namedByMapFile({ mapUrl, source }: MapSource): string | undefined {
    if (/^[a-z][\w+.-]*:/i.test(source) || source.startsWith('/')) return undefined;
    let mapPath: string;
    try {
      mapPath = decodeURIComponent(new URL(mapUrl).pathname);
    } catch {
      return undefined;
    }
    const mapName = mapPath.slice(mapPath.lastIndexOf('/') + 1);
    const maps = (this.index().get(mapName) ?? []).filter((rel) => `/${rel}`.endsWith(mapPath));
    if (maps.length !== 1) return undefined;
    return posix.normalize(posix.join(posix.dirname(maps[0]!), source));
  }

  private index(): Map<string, string[]> {
    if (this.byName) return this.byName;
    const byName = new Map<string, string[]>();
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // vanished or unreadable folder: it holds nothing a source URL can stand for
      }
      for (const entry of entries) {
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
        } else if (entry.isFile() && (SOURCE_EXTENSION.test(entry.name) || MAP_EXTENSION.test(entry.name))) {
          const rel = toPosix(relative(this.workspaceRoot, join(dir, entry.name)));
          byName.set(entry.name, [...(byName.get(entry.name) ?? []), rel]);
        }
      }
    };
    walk(this.workspaceRoot);
    this.byName = byName;
    return byName;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether a script URL is one a browser fetched over HTTP. */
export function isServedUrl(url: string): boolean {
  return url.startsWith('http://') || url.startsWith('https://');
}

/** The map that names a served source: its URL, and the source as written in it (with the map's `sourceRoot`). */
export interface MapSource {
  mapUrl: string;
  source: string;
}
