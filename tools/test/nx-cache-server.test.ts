// The e2e's Nx remote cache fixture answers as Nx's self-hosted caching OpenAPI spec says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCacheServer, type CacheServer } from '../e2e/cache-server';

const scratch = mkdtempSync(join(tmpdir(), 'monocov-cache-server-'));
let server: CacheServer;

test.before(async () => {
  server = await startCacheServer({ token: 'rw', readToken: 'ro', logFile: join(scratch, 'requests.log') });
});

test.after(() => {
  server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const call = (method: string, hash: string, token?: string, body?: string) =>
  fetch(`${server.url}/v1/cache/${hash}`, { method, body, headers: token ? { authorization: `Bearer ${token}` } : {} });

test('listens on loopback only', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('PUT stores a tar body, GET returns the same bytes; an unknown hash is 404', async () => {
  const body = 'tar bytes \x00\x01\x02';
  assert.is((await call('PUT', '123', 'rw', body)).status, 200);
  const got = await call('GET', '123', 'rw');
  assert.is(got.status, 200);
  assert.is(got.headers.get('content-type'), 'application/octet-stream');
  assert.is(Buffer.from(await got.arrayBuffer()).toString('latin1'), body);
  assert.is((await call('GET', '456', 'rw')).status, 404);
});

test('a stored record is never overridden: 409', async () => {
  assert.is((await call('PUT', '789', 'rw', 'first')).status, 200);
  assert.is((await call('PUT', '789', 'rw', 'second')).status, 409);
  assert.is(await (await call('GET', '789', 'rw')).text(), 'first');
});

test('no token or a wrong one is 401; a read-only token reads but PUT is 403', async () => {
  assert.is((await call('GET', '123')).status, 401);
  assert.is((await call('PUT', 'abc', 'nope', 'x')).status, 401);
  assert.is((await call('GET', '123', 'ro')).status, 200);
  assert.is((await call('PUT', 'abc', 'ro', 'x')).status, 403);
  assert.is((await call('GET', 'abc', 'rw')).status, 404);
});

test('every request is logged as "<method> <hash> <status>"', () => {
  const log = server.requests();
  assert.ok(log.includes('PUT 123 200'), log.join('\n'));
  assert.ok(log.includes('PUT abc 403'), log.join('\n'));
});

test.run();
