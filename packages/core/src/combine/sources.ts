import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashContent } from '../store/format';

/**
 * Whether a workspace file still has the content hash recorded with its data: as it is, or with
 * LF or CRLF line endings (a checkout's line endings are not an edit). The file is hashed as it
 * is first; the two line-ending variants are hashed only when that does not match. Cached.
 * `admitted` gives the bytes of a file the merge admits, already read for its line check (admit.ts).
 */
export function currentSources(workspaceRoot: string, admitted?: (path: string) => Buffer | undefined): (path: string, recorded: string) => 'same' | 'changed' | 'deleted' {
  const cache = new Map<string, { hashes: Set<string>; variants: boolean } | null>();
  const read = (path: string): Buffer | undefined => {
    const bytes = admitted?.(path);
    if (bytes !== undefined) return bytes;
    try {
      return readFileSync(join(workspaceRoot, path));
    } catch {
      return undefined; // deleted (or unreadable): no hash matches
    }
  };
  return (path, recorded) => {
    let entry = cache.get(path);
    if (entry === undefined) {
      const bytes = read(path);
      entry = bytes === undefined ? null : { hashes: new Set([hashContent(bytes)]), variants: false };
      cache.set(path, entry);
    }
    if (entry === null) return 'deleted';
    if (!entry.hashes.has(recorded) && !entry.variants) {
      entry.variants = true;
      const bytes = read(path);
      if (bytes !== undefined) {
        const lf = bytes.toString('latin1').replace(/\r\n/g, '\n');
        entry.hashes.add(hashContent(Buffer.from(lf, 'latin1')));
        entry.hashes.add(hashContent(Buffer.from(lf.replace(/\n/g, '\r\n'), 'latin1')));
      }
    }
    return entry.hashes.has(recorded) ? 'same' : 'changed';
  };
}
