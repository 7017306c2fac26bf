/**
 * Starts tools/e2e/nx-cache-server.mjs (Nx's self-hosted remote cache protocol) in a child
 * process: the scenarios run Nx with spawnSync, which blocks this process's event loop, so the
 * server cannot live in it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CacheServer {
  url: string;
  /** One line per request served so far, "GET <hash> 200", oldest first. */
  requests(): string[];
  stop(): void;
}

export interface CacheServerOptions {
  token: string;
  readToken?: string;
  /** File the server appends its request lines to. */
  logFile: string;
}

export async function startCacheServer(options: CacheServerOptions): Promise<CacheServer> {
  const args = [join(__dirname, 'nx-cache-server.mjs'), '--token', options.token, '--log', options.logFile];
  if (options.readToken) args.push('--read-token', options.readToken);
  // stdin stays a pipe: the server stops when it closes, so it never outlives this process.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('nx-cache-server did not start within 10s')), 10_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`nx-cache-server exited ${code} before listening`)));
  });
  const { url } = JSON.parse(firstLine) as { url: string };
  return {
    url,
    requests: () => (existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8').split('\n').filter(Boolean) : []),
    stop: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}
