import { joinPathFragments, readJson, readNxJson, readProjectConfiguration, updateProjectConfiguration, type Tree } from '@nx/devkit';
import { projectDataOutput } from '@monocov/core';
import { runOptionsInput } from '../../plugins/run-options-input';
import type { ConfigurationGeneratorOptions } from './schema';

/** `nx g @monocov/nx:configuration <project>`: the target the plugin would infer, written out for one project. */
export async function configurationGenerator(tree: Tree, options: ConfigurationGeneratorOptions): Promise<void> {
  const testTarget = options.testTarget ?? 'test';
  const targetName = options.targetName ?? 'coverage';
  const project = readProjectConfiguration(tree, options.project);
  project.targets ??= {};
  if (project.targets[targetName]) return;
  if (!project.targets[testTarget] && !hasScript(tree, project.root, testTarget)) {
    throw new Error(
      `Project "${options.project}" has no "${testTarget}" target or package.json script; pass --testTarget with the target that runs its tests.`,
    );
  }
  const nxJson = readNxJson(tree);
  const dependencyInput = nxJson?.namedInputs?.production ? '^production' : '^default';
  project.targets[targetName] = {
    executor: '@monocov/nx:coverage',
    options: { testTarget },
    cache: true,
    dependsOn: project.targets[testTarget]?.dependsOn ?? nxJson?.targetDefaults?.[testTarget]?.dependsOn,
    inputs: ['default', dependencyInput, runOptionsInput(tree.root)],
    outputs: [projectDataOutput(dataDir(tree), project.root)],
  };
  updateProjectConfiguration(tree, options.project, project);
}

export default configurationGenerator;

function hasScript(tree: Tree, projectRoot: string, script: string): boolean {
  const manifest = joinPathFragments(projectRoot, 'package.json');
  return tree.exists(manifest) && typeof readJson(tree, manifest).scripts?.[script] === 'string';
}

function dataDir(tree: Tree): string {
  if (!tree.exists('.coveragerc.json')) return 'coverage';
  try {
    return readJson(tree, '.coveragerc.json').run?.dataDir ?? 'coverage';
  } catch {
    return 'coverage';
  }
}
