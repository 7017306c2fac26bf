// Sharded CI (docs/ci.md): clones at other absolute paths each measure a share of the projects,
// their coverage/projects folders travel as CI artifacts to a third clone, and `monocov merge`
// there — or the Nx merge target pointed at them — gives the single-machine report, byte for byte.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSameFiles, cloneOrigin, coverageFiles, createOrigin } from './clones';
import { log, removeDir, REPO_ROOT, run, runOk } from './lib';
import { localPaths, nxOk, type NxWorkspace } from './nx-workspace';
import { checkWorkspaceReports, PROJECT_ROOTS } from './three-projects';

/** The root project (package.json `name`), which holds the merge target. */
const ROOT_PROJECT = 'e2e-workspace';
const SHARDS = 2;
/** Where each machine checks the repository out: other folders, other depths. */
const SHARD_CHECKOUTS = ['agent-1/_work/e2e/e2e', 'runner-two/ws'];
const MERGE_CHECKOUT = 'merge-job/checkout/workspace';
/** Every project folder of the fixture, so a missing shard fails the merge. */
const EXPECT_ALL = "--require-complete --expect 'apps/*' --expect 'libs/*'";

let origin: NxWorkspace | undefined;
let singleMachine: Record<string, string>;
const shards: Array<{ clone: NxWorkspace; projects: string[] }> = [];
let mergeJob: NxWorkspace;

test.after(() => {
  if (origin) removeDir(origin.scratch);
});

test('one machine: nx run-many -t coverage measures every project and merges (the reference report)', async () => {
  origin = await createOrigin('sharded');
  assert.match(nxOk(origin, ['run-many', '-t', 'coverage']), /Successfully ran target coverage for 4 projects/);
  checkWorkspaceReports(origin.root, localPaths(origin));
  singleMachine = coverageFiles(origin, 'workspace');
});

test(`${SHARDS} shards at other paths each measure their share of the projects (the docs' command picks it) and run no merge`, () => {
  for (let shard = 1; shard <= SHARDS; shard++) {
    const clone = cloneOrigin(origin!, SHARD_CHECKOUTS[shard - 1]!);
    const projects = runOk(clone.shell, clone.root, 'bash', ['-c', shardCommand(shard)]).trim();
    log(`shard ${shard}: ${projects}`);
    assert.ok(projects !== '', `shard ${shard} has projects`);
    const count = projects.split(',').length;
    const output = nxOk(clone, ['run-many', '-t', 'coverage', `--projects=${projects}`]);
    assert.ok(output.includes(`Successfully ran target coverage for ${count === 1 ? `project ${projects}` : `${count} projects`}`), output);
    assert.not.ok(existsSync(join(clone.root, 'coverage/workspace')), `shard ${shard} ran no merge`);
    shards.push({ clone, projects: projects.split(',') });
  }
  assert.equal(shards.flatMap((shard) => shard.projects).sort(), ['cli-app', 'js-lib', 'ts-lib'], 'the shards together measure every project once');
});

test('merge job: monocov merge of the downloaded artifact folders writes byte-identical reports (every reporter)', () => {
  mergeJob = cloneOrigin(origin!, MERGE_CHECKOUT);
  // What actions/download-artifact leaves: one folder per artifact, named after it.
  shards.forEach((shard, index) => cpSync(join(shard.clone.root, 'coverage/projects'), join(mergeJob.root, `coverage-artifacts/coverage-shard-${index + 1}`), { recursive: true }));
  // The merge job's command in docs/ci.md, expecting this workspace's project folders; the shell
  // expands the glob to one folder per shard.
  const output = runOk(mergeJob.shell, mergeJob.root, 'bash', ['-c', `npx monocov merge ${EXPECT_ALL} coverage-artifacts/*`]);
  for (const projectRoot of PROJECT_ROOTS) assert.ok(output.includes(projectRoot), `the table lists ${projectRoot}`);
  checkWorkspaceReports(mergeJob.root, localPaths(mergeJob));
  assertSameFiles(coverageFiles(mergeJob, 'workspace'), singleMachine, 'monocov merge of the shards vs one machine');
  assert.not.ok(existsSync(join(mergeJob.root, 'coverage/projects')), 'nothing was measured in the merge job');
});

test("merge job: a shard's missing artifact fails the merge (--require-complete, exit 4) and names the project", () => {
  const result = run(mergeJob.shell, mergeJob.root, 'bash', ['-c', `npx monocov merge ${EXPECT_ALL} coverage-artifacts/coverage-shard-1`]);
  assert.is(result.status, 4, result.output);
  for (const project of shards[1]!.projects) {
    const projectRoot = PROJECT_ROOTS.find((root) => root.endsWith(`/${project}`));
    assert.ok(result.output.includes(`${projectRoot}: no data`), `${projectRoot} named as missing:\n${result.output}`);
  }
});

test('merge job: the Nx merge target with `inputs` set to the artifact folders gives the same bytes and runs no coverage task', () => {
  rmSync(join(mergeJob.root, 'coverage'), { recursive: true, force: true });
  const output = nxOk(mergeJob, [
    'run',
    `${ROOT_PROJECT}:coverage`,
    '--exclude-task-dependencies',
    '--skip-nx-cache',
    '--requireComplete',
    ...shards.map((_, index) => `--inputs=coverage-artifacts/coverage-shard-${index + 1}`),
  ]);
  assert.match(output, /Successfully ran target coverage for project e2e-workspace/);
  assert.not.match(output, /Successfully ran target coverage for project e2e-workspace and \d+ task/, 'no dependent task ran');
  assertSameFiles(coverageFiles(mergeJob, 'workspace'), singleMachine, 'Nx merge target over the shards vs one machine');
  assert.not.ok(existsSync(join(mergeJob.root, 'coverage/projects')), 'no coverage task ran in the merge job');
});

/**
 * The matrix job's shard command from docs/ci.md, with this workspace's root project and the
 * matrix values filled in, so the docs and the e2e cannot drift apart.
 */
function shardCommand(shard: number): string {
  const line = /^\s*projects=\$\((npx nx show projects .+)\)$/m.exec(readFileSync(join(REPO_ROOT, 'docs/ci.md'), 'utf8'))?.[1];
  if (!line) throw new Error('docs/ci.md has no `projects=$(npx nx show projects ...)` line');
  return line.replace('my-workspace', ROOT_PROJECT).replace('${{ matrix.shard }}', String(shard)).replace('${{ strategy.job-total }}', String(SHARDS));
}

test.run();
