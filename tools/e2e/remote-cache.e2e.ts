// Nx's self-hosted remote cache (docs/ci.md): clone A fills a cache server on loopback; clone B,
// at another path with no local cache, gets every coverage task and the merge from it and ends
// with byte-identical data and reports. A read-only token (pull requests) reads but never writes.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCacheServer, type CacheServer } from './cache-server';
import { assertSameFiles, cloneOrigin, coverageFiles, createOrigin } from './clones';
import { removeDir } from './lib';
import { localPaths, nxOk, type NxWorkspace } from './nx-workspace';
import { checkProjectData, checkWorkspaceReports } from './three-projects';

const TOKEN = randomBytes(16).toString('hex');
const READ_TOKEN = randomBytes(16).toString('hex');
/** Three coverage tasks and the merge. */
const TASKS = 4;

let origin: NxWorkspace | undefined;
let server: CacheServer | undefined;
let cacheEnv: NodeJS.ProcessEnv;
let first: NxWorkspace;

test.after(() => {
  server?.stop();
  if (origin) removeDir(origin.scratch);
});

const served = (from: number, pattern: RegExp): string[] =>
  server!
    .requests()
    .slice(from)
    .filter((line) => pattern.test(line));

test('clone A runs every coverage task and the merge, and uploads each output to the cache server', async () => {
  origin = await createOrigin('remote-cache');
  server = await startCacheServer({ token: TOKEN, readToken: READ_TOKEN, logFile: join(origin.scratch, 'cache-server.log') });
  cacheEnv = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: TOKEN };
  first = cloneOrigin(origin, 'agent-a/_work/repo/repo', cacheEnv);
  const output = nxOk(first, ['run-many', '-t', 'coverage']);
  assert.match(output, new RegExp(`Successfully ran target coverage for ${TASKS} projects`));
  assert.not.match(output, /from the cache/);
  checkProjectData(first.root, localPaths(first));
  checkWorkspaceReports(first.root, localPaths(first));
  assert.is(served(0, /^PUT \S+ 200$/).length, TASKS, `uploads: ${server!.requests().join(', ')}`);
});

test('clone B at another path, with no local cache, gets all tasks from the server and the same bytes', () => {
  const second = cloneOrigin(origin!, 'runner-b/ws', cacheEnv);
  assert.not.ok(existsSync(join(second.root, '.nx')), 'no local cache in B');
  const before = server!.requests().length;
  const output = nxOk(second, ['run-many', '-t', 'coverage']);
  assert.match(output, new RegExp(`from the cache instead of running the command for ${TASKS} out of ${TASKS} tasks`));
  assert.is(output.match(/\[remote cache\]/g)?.length, TASKS, 'every task restored from the remote cache');
  assert.is(served(before, /^GET \S+ 200$/).length, TASKS, `downloads: ${server!.requests().slice(before).join(', ')}`);
  assert.equal(served(before, /^PUT /), [], 'B uploads nothing');
  assertSameFiles(coverageFiles(second, 'projects'), coverageFiles(first, 'projects'), 'per-project data, B vs A');
  assertSameFiles(coverageFiles(second, 'workspace'), coverageFiles(first, 'workspace'), 'workspace reports, B vs A');
  checkWorkspaceReports(second.root, localPaths(second));
});

test('a pull-request job with a read-only token: the edited project and the merge run, the rest are hits, uploads are refused and the run passes', () => {
  const pullRequest = cloneOrigin(origin!, 'pr-job/ws', { ...cacheEnv, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: READ_TOKEN });
  const source = join(pullRequest.root, 'libs/js-lib/src/strings.js');
  writeFileSync(source, `${readFileSync(source, 'utf8')}\n// edited in a pull request\n`);
  const before = server!.requests().length;
  const output = nxOk(pullRequest, ['run-many', '-t', 'coverage']);
  assert.match(output, new RegExp(`from the cache instead of running the command for ${TASKS - 2} out of ${TASKS} tasks`));
  assert.equal(
    served(before, /^PUT /).map((line) => line.split(' ')[2]),
    ['403', '403'],
    'the two new outputs were refused',
  );
  checkWorkspaceReports(pullRequest.root, localPaths(pullRequest));
});

test.run();
