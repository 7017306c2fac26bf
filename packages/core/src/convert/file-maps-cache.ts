import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildFileMaps, type FileMaps } from './file-maps';

/** Maps per file path and content: the AST work is done once however many scripts or processes load a file. */
export class FileMapsCache {
  private readonly byContent = new Map<string, FileMaps>();
  private readonly texts = new Map<string, Promise<string | undefined>>();

  /** Text of a source file, read once; undefined when it no longer exists. */
  text(path: string): Promise<string | undefined> {
    let text = this.texts.get(path);
    if (!text) {
      text = readFile(path, 'utf8').then(
        (content) => content,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined;
          throw error;
        },
      );
      this.texts.set(path, text);
    }
    return text;
  }

  maps(path: string, code: string): FileMaps {
    const cacheKey = `${path}\0${createHash('sha1').update(code).digest('hex')}`;
    let maps = this.byContent.get(cacheKey);
    if (!maps) {
      maps = buildFileMaps(path, code);
      this.byContent.set(cacheKey, maps);
    }
    return maps;
  }
}
