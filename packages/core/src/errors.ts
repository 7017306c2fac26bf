/**
 * The engine's one error family. Each error carries a stable `code` that the CLI maps to an
 * exit status and a docs pointer; anything that is not a MonocovError is a bug and keeps its
 * stack trace when printed.
 */
export type MonocovErrorCode = 'CONFIG' | 'DATA' | 'NO_DATA' | 'ENVIRONMENT';

/**
 * The mark of a MonocovError made by any copy of @monocov/core: a workspace may hold two (an
 * @monocov/nx resolving another copy than the root's), and `instanceof` knows only its own
 * copy's class. `Symbol.for` gives every copy the same symbol.
 */
const MONOCOV_ERROR = Symbol.for('monocov.error');

/** Base class of every error monocov reports to the user; `code` says which kind. */
export class MonocovError extends Error {
  constructor(
    readonly code: MonocovErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
// On the prototype, so the mark is inherited, not printed with each error.
Object.defineProperty(MonocovError.prototype, MONOCOV_ERROR, { value: true });

/** `.coveragerc.json` or an option is malformed, unknown or out of range. */
export class ConfigError extends MonocovError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

/** A data file cannot be read: truncated, not coverage data, or another format version. */
export class DataError extends MonocovError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super('DATA', message);
  }
}

/** Nothing to report: no data files where data was expected. */
export class NoDataError extends MonocovError {
  constructor(message: string) {
    super('NO_DATA', message);
  }
}

/** The file system refused a read or write: read-only, full, no permission, a file where a folder belongs. */
export class EnvironmentError extends MonocovError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super('ENVIRONMENT', message);
  }
}

/** Whether `error` is a MonocovError, made by this or any other copy of @monocov/core. */
export function isMonocovError(error: unknown): error is MonocovError {
  return typeof error === 'object' && error !== null && (error as { [MONOCOV_ERROR]?: unknown })[MONOCOV_ERROR] === true;
}

/** What each file-system refusal means and what to do about it. */
const SYSTEM_FAILURES: Record<string, { what: string; fix: string }> = {
  EROFS: { what: 'the file system is read-only', fix: 'point dataDir (or --output-dir) at a writable folder' },
  ENOSPC: { what: 'the disk is full', fix: 'free some space and run again; outputs already in place were left as they were' },
  EDQUOT: { what: 'the disk quota is used up', fix: 'free some space and run again; outputs already in place were left as they were' },
  EACCES: { what: 'permission denied', fix: "check the folder's owner and mode, or point dataDir at a folder this user may write" },
  EPERM: { what: 'operation not permitted', fix: "check the folder's owner and mode, or point dataDir at a folder this user may write" },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', fix: 'move that file away' },
  EISDIR: { what: 'a folder is where a file belongs', fix: 'move that folder away' },
  EEXIST: { what: 'a file is where a folder belongs', fix: 'move that file away' },
  ELOOP: { what: 'too many symbolic links (a link loop)', fix: 'remove the looping link' },
  ENAMETOOLONG: { what: 'the path is too long', fix: 'use a shorter dataDir' },
  EMFILE: { what: 'too many open files', fix: 'raise the open-file limit (ulimit -n)' },
  ENFILE: { what: 'too many open files in the system', fix: 'raise the open-file limit' },
  EIO: { what: 'an input/output error', fix: 'check the disk' },
};

/**
 * The error as the one family the CLI and executors print: a MonocovError as it is, a file
 * system refusal (EROFS, ENOSPC, EACCES, ENOTDIR…) as an EnvironmentError naming the path, what
 * went wrong and the fix. Anything else is undefined: a bug, printed with its stack trace.
 */
export function asMonocovError(error: unknown): MonocovError | undefined {
  if (isMonocovError(error)) return error;
  const system = error as NodeJS.ErrnoException & { dest?: string };
  const failure = typeof system?.code === 'string' && Object.hasOwn(SYSTEM_FAILURES, system.code) ? SYSTEM_FAILURES[system.code]! : undefined;
  if (!failure) return undefined;
  const action = system.syscall === undefined ? 'cannot use' : /^(open|read|stat|lstat|scandir|realpath)/.test(system.syscall) ? 'cannot open' : `cannot ${system.syscall}`;
  const where = system.path === undefined ? '' : ` ${system.path}${system.dest === undefined ? '' : ` to ${system.dest}`}`;
  return new EnvironmentError(`${action}${where}: ${failure.what} (${system.code}); ${failure.fix}`, system.path);
}
