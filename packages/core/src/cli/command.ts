import type { ParseArgsConfig } from 'node:util';

/** What a command needs from the outside world; tests pass their own streams and cwd. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export type ParsedOptions = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  /** One line for `monocov --help`. */
  summary: string;
  /** Usage text for `monocov <name> --help`. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit status; throws MonocovError for user-facing failures. */
  execute(args: { options: ParsedOptions; positionals: string[] }, context: CliContext): Promise<number>;
}
