#!/usr/bin/env node
// A test fixture, not a product: the smallest server that speaks Nx's self-hosted remote cache
// protocol (Nx >= 20.8, NX_SELF_HOSTED_REMOTE_CACHE_SERVER), following the OpenAPI spec on the
// "self-hosted caching" page of the Nx docs:
//   PUT /v1/cache/{hash}  tar body, Content-Length required -> 200 stored, 400 no length,
//                         401 bad or missing token, 403 read-only token, 409 already stored
//   GET /v1/cache/{hash}  -> 200 the tar (application/octet-stream), 401, 403, 404 not stored
// No registry package ships such a server (the known ones are Go binaries or Docker images).
//
// Loopback only, entries in memory. It prints {"url": ...} on its first stdout line, appends
// one line per request ("GET <hash> 200") to --log, and stops by itself when its stdin closes
// (the process that started it is gone) or after --lifetime seconds.
//
// Usage: node tools/e2e/nx-cache-server.mjs --token <read-write> [--read-token <read-only>]
//          [--log <file>] [--lifetime <seconds>]
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    token: { type: 'string' },
    'read-token': { type: 'string' },
    log: { type: 'string' },
    lifetime: { type: 'string', default: '1800' },
  },
});
if (!values.token) {
  console.error('nx-cache-server: --token <read-write token> is required');
  process.exit(2);
}

// Bounds, so a runaway client cannot take the machine's memory.
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;
const entries = new Map();
let totalBytes = 0;

function access(request) {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  if (match?.[1] === values.token) return 'write';
  if (values['read-token'] !== undefined && match?.[1] === values['read-token']) return 'read';
  return undefined;
}

function reply(response, status, text = '') {
  response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}

const server = createServer((request, response) => {
  const hash = /^\/v1\/cache\/([A-Za-z0-9._-]+)$/.exec(request.url ?? '')?.[1];
  response.on('finish', () => {
    if (values.log) appendFileSync(values.log, `${request.method} ${hash ?? request.url} ${response.statusCode}\n`);
  });
  if (hash === undefined) return reply(response, 404, 'not found');
  const granted = access(request);
  if (granted === undefined) return reply(response, 401, 'missing or invalid bearer token');

  if (request.method === 'GET') {
    const body = entries.get(hash);
    if (body === undefined) return reply(response, 404, 'not found');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    return;
  }
  if (request.method !== 'PUT') return reply(response, 405, 'only GET and PUT');
  if (granted !== 'write') return reply(response, 403, 'this token may only read');
  const length = Number(request.headers['content-length']);
  if (!Number.isSafeInteger(length) || length < 0) return reply(response, 400, 'Content-Length is required');
  if (length > MAX_ENTRY_BYTES || totalBytes + length > MAX_TOTAL_BYTES) return reply(response, 413, 'entry too large for this test server');
  if (entries.has(hash)) {
    request.resume();
    return reply(response, 409, 'cannot override an existing record');
  }
  const chunks = [];
  let received = 0;
  request.on('data', (chunk) => {
    received += chunk.length;
    if (received <= length) chunks.push(chunk);
  });
  request.on('end', () => {
    if (received !== length) return reply(response, 400, `Content-Length ${length} but ${received} bytes sent`);
    if (entries.has(hash)) return reply(response, 409, 'cannot override an existing record');
    entries.set(hash, Buffer.concat(chunks));
    totalBytes += length;
    reply(response, 200);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.stdin.on('end', stop).on('close', stop).resume();
setTimeout(stop, Number(values.lifetime) * 1000).unref();
