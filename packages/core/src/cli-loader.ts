import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cachesOff } from './cache-dir';
import type * as CliMain from './cli/main';
import type * as Core from './index';

/** The CLI as one script (tools/bundle-cli.mjs), beside this file in dist/. */
export const CLI_BUNDLE = join(__dirname, 'monocov-cli.js');

/** The package's entry (dist/index.js) as one script, for the process Nx starts for each task of a project (@monocov/nx's executors). */
export const CORE_BUNDLE = join(__dirname, 'monocov-core.js');

/**
 * V8's code cache of the CLI, beside the bundle it was made from: compiled code, run as it is, so it is
 * exactly as trusted as the package's own files (restored, if ever, only with node_modules itself),
 * never in node_modules/.cache, which CI setups restore on its own (docs/security.md).
 */
const CODE_CACHE_DIR = join(__dirname, 'code-cache');

/** A code cache file starts with the sha256 of the rest: V8 checks a cache's header, never its contents. */
const DIGEST_BYTES = 32;

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

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** Runs a bundle as Node runs a CommonJS module, compiled with the code cache named `command` when there is one V8 accepts. */
function runBundle<Exports extends object>(path: string, command: string | undefined, env: NodeJS.ProcessEnv): { exports: Exports; saveCodeCache(): void } {
  const source = readFileSync(path);
  const cacheFile = command === undefined ? undefined : codeCacheFile(source, command, env);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  // Node's CommonJS wrapper, on the bundle's first line so that its line numbers stay the map's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n})`, { filename: path, cachedData });
  const bundle = { exports: {} as Exports };
  (script.runInThisContext() as CommonJsWrapper).call(bundle.exports, bundle.exports, createRequire(path), bundle, path, __dirname);
  return {
    exports: bundle.exports,
    saveCodeCache() {
      if (cacheFile === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return;
      saveCodeCache(cacheFile, command!, () => script.createCachedData());
    },
  };
}

/**
 * `dist/code-cache/<command>-<node version>-<arch>-<bundle hash>.bin`. V8 checks its own version and
 * flags and the source's length, not its text: the bundle's hash keys the file to the code it was made
 * from, whatever changed it (a local build, a patch).
 */
function codeCacheFile(source: Buffer, command: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!/^[a-z][a-z-]{0,31}$/.test(command) || cachesOff(env)) return undefined;
  const bundleHash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return join(CODE_CACHE_DIR, `${codeCachePrefix(command)}${bundleHash}.bin`);
}

function codeCachePrefix(command: string): string {
  return `${command}-${process.version}-${process.arch}-`;
}

/**
 * The cache's data, or undefined when there is none or its digest does not match: a file cut short,
 * damaged or half-written would otherwise reach V8, which crashes the process on a damaged cache
 * whose header is intact (Node 20). The data is code: its folder is trusted as the bundle beside it is.
 */
function readCodeCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // not made yet, or unreadable: the bundle is compiled without it
  }
  const data = bytes.subarray(DIGEST_BYTES);
  return bytes.length > DIGEST_BYTES && digest(data).equals(bytes.subarray(0, DIGEST_BYTES)) ? data : undefined;
}

/**
 * Replaces the cache of this command, Node and platform; one of another bundle (an older monocov) is
 * removed. The data is made only where it can be written: a read-only install would pay for it on every run.
 */
function saveCodeCache(file: string, command: string, cachedData: () => Buffer): void {
  const { writeFileAtomic } = require('./fs-atomic') as typeof import('./fs-atomic');
  const dir = dirname(file);
  const name = basename(file);
  const prefix = codeCachePrefix(command);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const data = cachedData();
    writeFileAtomic(file, Buffer.concat([digest(data), data]));
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(prefix) && entry.endsWith('.bin') && entry !== name) rmSync(join(dir, entry), { force: true });
    }
  } catch {
    // a cache: a run that cannot write it (a read-only install, a full disk) has done its work all the same
  }
}

function digest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}
