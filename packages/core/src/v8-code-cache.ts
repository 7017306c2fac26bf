import type * as BabelParser from '@babel/parser';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cachesOff } from './cache-dir';

/**
 * V8's code caches (of the CLI's bundle, of the package entry's, of @babel/parser) in the installed
 * package's dist/: compiled code, run as it is, so exactly as trusted as the package's own files
 * (restored, if ever, only with node_modules itself), never in node_modules/.cache, which CI setups
 * restore on their own (docs/security.md). dist/code-cache under tsx too, never in src/.
 */
const CODE_CACHE_DIR = join(__dirname, '..', 'dist', 'code-cache');

/** A code cache file starts with the sha256 of the rest: V8 checks a cache's header, never its contents. */
const DIGEST_BYTES = 32;

/**
 * @babel/parser, compiled with V8's code cache of an earlier process's parses. A run without the map cache
 * (a first run; CI without node_modules/.cache) parses every source, and the parser's ~500 KB of code,
 * compiled function by function as the parses reach it, would be compiled again in every project's process;
 * the first process of an install to parse writes the cache (beside the CLI's, in the package: a CI job's
 * first project writes it for the others). Written when the process exits, so it holds what its parses compiled.
 */
export function loadBabelParser(env = process.env): typeof BabelParser {
  const parser = runBundle<typeof BabelParser>(require.resolve('@babel/parser'), 'babel-parser', env);
  process.once('exit', () => parser.saveCodeCache());
  return parser.exports;
}

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** Runs a one-file CommonJS module (a bundle) as Node runs it, compiled with the code cache named `command` when there is one V8 accepts. */
export function runBundle<Exports extends object>(path: string, command: string | undefined, env: NodeJS.ProcessEnv): { exports: Exports; saveCodeCache(): void } {
  const source = readFileSync(path);
  const cacheFile = command === undefined ? undefined : codeCacheFile(source, command, env);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  // Node's CommonJS wrapper, on the bundle's first line so that its line numbers stay the map's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n})`, { filename: path, cachedData });
  const bundle = { exports: {} as Exports };
  (script.runInThisContext() as CommonJsWrapper).call(bundle.exports, bundle.exports, createRequire(path), bundle, path, dirname(path));
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
    // not recursive: a package removed while the process ran (an uninstall, a test's copy) is not made again
    if (!existsSync(dir)) mkdirSync(dir);
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
