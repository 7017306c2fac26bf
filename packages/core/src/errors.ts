/**
 * The engine's one error family. Each error carries a stable `code` that the CLI maps to an
 * exit status and a docs pointer; anything that is not a MonocovError is a bug and keeps its
 * stack trace when printed.
 */
export type MonocovErrorCode = 'CONFIG' | 'DATA' | 'NO_DATA' | 'THRESHOLD';

export class MonocovError extends Error {
  constructor(
    readonly code: MonocovErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

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

export function isMonocovError(error: unknown): error is MonocovError {
  return error instanceof MonocovError;
}
