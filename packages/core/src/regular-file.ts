import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Files monocov reads from places others may write (data files, the map cache, workspace sources)
 * are read only as regular files: a FIFO would block the read until a writer comes, a device such as
 * `/dev/zero` never ends, and a link may lead anywhere (docs/security.md). `followLinks` false refuses
 * a path whose last part is a symbolic link.
 */
export interface RegularFileOptions {
  followLinks: boolean;
}

/** Why a file is not read, one phrase; `openFailed` when the path could not be opened at all (most often: nothing there). */
export type Refusal = { ok: false; reason: string; openFailed?: true };

/**
 * `path` opened for reading (`fd`, which the caller closes) when it is a regular file, with its size;
 * else why not, one phrase. It is opened without blocking and checked with fstat before a byte is
 * read, so a FIFO or device is refused without waiting.
 */
export function openRegularFile(path: string, { followLinks }: RegularFileOptions): { ok: true; fd: number; size: number } | Refusal {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (followLinks ? 0 : (constants.O_NOFOLLOW ?? 0)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ELOOP' && !followLinks ? 'is a symbolic link, not followed' : `cannot be read (${code ?? String(error)})`, openFailed: true };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile()) return { ok: true, fd, size: stat.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  return { ok: false, reason: 'is not a regular file' };
}

/**
 * The bytes of a regular file (openRegularFile) of at most `maxBytes`; else why not. No more than the
 * size fstat gave is read: a file that grows meanwhile is cut there.
 */
export function readRegularFile(path: string, options: RegularFileOptions & { maxBytes?: number }): { ok: true; bytes: Buffer } | Refusal {
  const opened = openRegularFile(path, options);
  if (!opened.ok) return opened;
  try {
    const { maxBytes = Infinity } = options;
    if (opened.size > maxBytes) return { ok: false, reason: `is larger than ${maxBytes % 2 ** 20 === 0 ? `${maxBytes / 2 ** 20} MiB` : `${maxBytes} bytes`}` };
    return { ok: true, bytes: readOpenedFile(opened.fd, opened.size) };
  } finally {
    closeSync(opened.fd);
  }
}

/** Up to `size` bytes of an opened file from its start: fewer when it ends sooner (cut short meanwhile). */
function readOpenedFile(fd: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const read = readSync(fd, bytes, filled, size - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return bytes.subarray(0, filled);
}
