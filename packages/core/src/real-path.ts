import { realpathSync } from 'node:fs';

/** The real path, or the path itself when it cannot be resolved (missing, or no permission). */
export function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
