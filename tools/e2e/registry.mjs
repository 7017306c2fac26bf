// The local registry of the e2e: Verdaccio (tools/e2e/verdaccio.yaml) on a free port of
// 127.0.0.1, its storage in a temp folder, with our tarballs published to it. Scenarios point
// npm, pnpm and yarn at it, so `@monocov/core` and `@monocov/nx` resolve by name, as they will
// from the public registry, and every other package comes through its uplink to the npm registry.
// tools/e2e/run.mjs starts one for all scenarios; a scenario run alone starts its own (lib.ts).
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CONFIG = join(import.meta.dirname, 'verdaccio.yaml');
const VERDACCIO = join(import.meta.dirname, '..', '..', 'node_modules', 'verdaccio', 'bin', 'verdaccio');
/** How long Verdaccio may take to answer its first ping. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts Verdaccio with its storage and log under `dir` and publishes `tarballs` to it.
 * Returns its URL (with a trailing slash) and `stop()`, which ends the process it started.
 */
export async function startRegistry(dir, tarballs) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const logFile = join(dir, 'verdaccio.log');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [VERDACCIO, '--config', CONFIG, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, VERDACCIO_STORAGE_PATH: join(dir, 'storage') },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`exited ${code ?? signal}`)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  try {
    await waitForPing(url, exited, logFile);
    for (const tarball of tarballs) await publish(url, tarball);
  } catch (error) {
    stop();
    throw error;
  }
  return { url, stop };
}

/** A port the kernel just handed out on 127.0.0.1, free again for Verdaccio to take. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url, exited, logFile) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let ended;
  exited.then((how) => (ended = how));
  while (Date.now() < deadline && ended === undefined) {
    try {
      const response = await fetch(new URL('-/ping', url));
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const log = readFileSync(logFile, 'utf8');
  throw new Error(`Verdaccio at ${url} ${ended ?? `did not answer within ${START_TIMEOUT_MS / 1000}s`}:\n${log}`);
}

/**
 * `npm publish` of one tarball. Verdaccio lets anyone publish @monocov/* (verdaccio.yaml), but
 * npm sends nothing without a token for the registry: any token will do.
 */
async function publish(url, tarball) {
  const host = url.replace(/^http:/, '');
  await promisify(execFile)('npm', ['publish', tarball, '--registry', url, `--${host}:_authToken=e2e`, '--ignore-scripts', '--no-provenance'], {
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))),
  });
}
