import { join } from 'node:path';
import type * as CliMain from './cli/main';
import { runBundle } from './v8-code-cache';
import type * as Core from './index';

/** The CLI as one script (tools/bundle-cli.mjs), beside this file in dist/. */
export const CLI_BUNDLE = join(__dirname, 'monocov-cli.js');

/** The package's entry (dist/index.js) as one script, for the process Nx starts for each task of a project (@monocov/nx's executors). */
export const CORE_BUNDLE = join(__dirname, 'monocov-core.js');

export interface LoadedCli {
  main: typeof CliMain.main;
  /**
   * Writes V8's code cache of the command once its work is done, when there was none or V8 rejected it,
   * and only after a run that succeeded: one that stopped early (a config error) compiled only part of
   * the command, and an accepted cache is never rewritten.
   */
  saveCodeCache(exitCode: number): void;
}

/**
 * Compiles and runs the CLI's bundle, with V8's code cache of an earlier run of the same command when
 * there is one V8 accepts: a warm `monocov run` then compiles almost none of monocov's code
 * (docs/performance.md). The cache is made after the command's work, so it holds every function the
 * command compiled, not only the bundle's top level.
 */
export function loadCli(command: string | undefined, env = process.env): LoadedCli {
  const bundle = runBundle<typeof CliMain>(CLI_BUNDLE, command, env);
  return {
    main: bundle.exports.main,
    saveCodeCache(exitCode) {
      if (exitCode === 0 && bundle.exports.executedCommand() === command) bundle.saveCodeCache();
    },
  };
}

export interface LoadedCore {
  /** What `require('@monocov/core')` gives, from the bundle. */
  core: typeof Core;
  /** As LoadedCli's: written after a use that succeeded, when there was no cache V8 accepted. */
  saveCodeCache(succeeded: boolean): void;
}

/**
 * @monocov/core from its bundle, with V8's code cache of an earlier use named `use` (an Nx executor's
 * task): Nx starts a process for every task, which would otherwise resolve, read and compile some
 * sixty modules of monocov each time. Only for a process that loads nothing else of the package:
 * its classes (ConfigError, DataError) are the bundle's own.
 */
export function loadCore(use: string, env = process.env): LoadedCore {
  const bundle = runBundle<typeof Core>(CORE_BUNDLE, use, env);
  return {
    core: bundle.exports,
    saveCodeCache(succeeded) {
      if (succeeded) bundle.saveCodeCache();
    },
  };
}
