import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNodesV2 } from '../src/plugins/plugin';
import { createFixtureWorkspace, removeWorkspace } from './helpers/fixture-workspace';

const files = {
  'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['libs/*'], devDependencies: { uvu: '*', tsx: '*' } }),
  'nx.json': JSON.stringify({ namedInputs: { production: ['default'] } }),
  'libs/scripted/package.json': JSON.stringify({ name: 'scripted', scripts: { test: 'uvu -r tsx/cjs test' } }),
  'libs/explicit/project.json': JSON.stringify({
    name: 'explicit',
    targets: { test: { command: 'node --test', dependsOn: ['^build'], inputs: ['default', '^production'] } },
  }),
  'libs/explicit/package.json': JSON.stringify({ name: 'explicit-pkg', scripts: { test: 'ignored: project.json wins' } }),
  'libs/untested/package.json': JSON.stringify({ name: 'untested', scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
  'libs/jested/project.json': JSON.stringify({ name: 'jested', targets: {} }),
  'libs/jested/jest.config.ts': 'export default {};\n',
  'libs/vitested/package.json': JSON.stringify({ name: 'vitested', scripts: { test: 'vitest run' } }),
  'fixtures/stray/package.json': JSON.stringify({ name: 'stray', scripts: { test: 'node --test' } }),
};
const root = createFixtureWorkspace(files);
test.after(() => removeWorkspace(root));

async function inferred(options?: Record<string, string>) {
  const configFiles = Object.keys(files).filter((file) => /(^|\/)(package|project)\.json$/.test(file));
  const results = await createNodesV2[1](configFiles, options, { workspaceRoot: root, nxJsonConfiguration: JSON.parse(files['nx.json']) });
  const projects: Record<string, any> = {};
  for (const [, result] of results) {
    for (const [projectRoot, project] of Object.entries(result.projects ?? {})) {
      projects[projectRoot] = { ...projects[projectRoot], ...project, targets: { ...projects[projectRoot]?.targets, ...project.targets } };
    }
  }
  return projects;
}

test('every project with a test target gets a cached coverage target, and only those', async () => {
  const projects = await inferred();
  assert.equal(Object.keys(projects).sort(), ['.', 'libs/explicit', 'libs/jested', 'libs/scripted', 'libs/vitested']);
  const coverage = projects['libs/scripted'].targets.coverage;
  assert.is(coverage.executor, '@monocov/nx:coverage');
  assert.equal(coverage.options, { testTarget: 'test' });
  assert.is(coverage.cache, true);
  assert.equal(coverage.outputs, ['{workspaceRoot}/coverage/projects/{projectRoot}']);
  // Of the rc file, only the `run` options (hashed by @monocov/core's script): thresholds rerun the merge alone.
  assert.equal(coverage.inputs, ['default', '^production', { runtime: 'node node_modules/@monocov/core/bin/run-options-hash.js' }, { externalDependencies: ['tsx', 'uvu'] }]);
  assert.ok(projects['.'].targets.coverage.inputs.includes('{workspaceRoot}/.coveragerc.json'), 'the merge hashes the whole rc file');
  assert.match(coverage.metadata.description, /under V8 coverage/);
  assert.equal(coverage.metadata.technologies, ['monocov']);
});

test("Jest and Vitest projects: the coverage target says it collects through the runner's own coverage", async () => {
  const projects = await inferred();
  const jest = projects['libs/jested'].targets.coverage;
  assert.match(jest.metadata.description, /with Jest's own coverage/);
  assert.equal(jest.metadata.technologies, ['monocov', 'jest']);
  const vitest = projects['libs/vitested'].targets.coverage;
  assert.match(vitest.metadata.description, /with Vitest's own coverage/);
  assert.equal(vitest.metadata.technologies, ['monocov', 'vitest']);
});

test("the test target's own dependsOn and inputs carry over", async () => {
  const coverage = (await inferred())['libs/explicit'].targets.coverage;
  assert.equal(coverage.dependsOn, ['^build']);
  assert.equal(coverage.inputs.slice(0, 2), ['default', '^production']);
});

test('the root project gets the merge target, depending on every other coverage target', async () => {
  const rootProject = (await inferred())['.'];
  assert.is(rootProject.name, 'acme');
  const merge = rootProject.targets.coverage;
  assert.is(merge.executor, '@monocov/nx:merge');
  assert.equal(rootProject.implicitDependencies, ['*']);
  assert.equal(merge.dependsOn, ['^coverage']);
  assert.equal(merge.outputs, ['{workspaceRoot}/coverage/workspace']);
});

test('target names follow the options', async () => {
  const projects = await inferred({ targetName: 'cov', testTargetName: 'test', mergeTargetName: 'cov-merge' });
  assert.ok(projects['libs/scripted'].targets.cov);
  assert.equal(projects['.'].targets['cov-merge'].dependsOn, ['^cov']);
});

test("a tested root project's coverage target declares projects/.root, where its data goes, not the whole projects folder", async () => {
  const tested = { 'package.json': JSON.stringify({ name: 'solo', private: true, scripts: { test: 'node --test' } }), 'nx.json': '{}' };
  const soloRoot = createFixtureWorkspace(tested);
  try {
    const [[, result]] = await createNodesV2[1](['package.json'], { mergeTargetName: 'coverage-merge' }, { workspaceRoot: soloRoot, nxJsonConfiguration: {} });
    assert.equal(result.projects!['.']!.targets!.coverage!.outputs, ['{workspaceRoot}/coverage/projects/.root']);
  } finally {
    removeWorkspace(soloRoot);
  }
});

test.run();
