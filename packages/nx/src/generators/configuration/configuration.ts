import { readNxJson, readProjectConfiguration, updateProjectConfiguration, type Tree } from 'nx/src/devkit-exports';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { coverageTarget } from '../../plugins/coverage-target';
import { workspaceFacts } from '../../plugins/plugin';
import { inferredTestTargets } from '../../plugins/test-plugins';
import { findTestTargets } from '../../plugins/test-targets';
import type { ConfigurationGeneratorOptions } from './schema';

/**
 * `nx g @monocov/nx:configuration <project>`: the target the plugin would infer, written out for
 * one project, built by the plugin's own functions (same inputs, dependsOn, configurations).
 */
export async function configurationGenerator(tree: Tree, options: ConfigurationGeneratorOptions): Promise<void> {
  const targetName = options.targetName ?? 'coverage';
  const project = readProjectConfiguration(tree, options.project);
  if (project.targets?.[targetName]) return;
  const nxJson = readNxJson(tree) ?? {};
  const workspaceRoot = tree.root;
  const file = existsSync(join(workspaceRoot, project.root, 'project.json')) ? join(project.root, 'project.json') : join(project.root, 'package.json');
  const inferred = await inferredTestTargets([project.root], { workspaceRoot, nxJsonConfiguration: nxJson });
  const { testTargets, skipped } = findTestTargets({
    workspaceRoot,
    file,
    nxJson,
    inferred: inferred.byProject.get(project.root) ?? [],
    testTargetNames: options.testTarget === undefined ? undefined : [options.testTarget],
    // Asked for by name: the target is written even before the project has test files.
    hasTestFiles: true,
  });
  if (testTargets.length === 0) {
    const why = skipped.map((entry) => `"${entry.name}" is not measured: ${entry.reason}`);
    const wanted = options.testTarget === undefined ? 'test target ("test", "test:*", or one a test plugin infers)' : `"${options.testTarget}" target that runs tests`;
    throw new Error(
      `Project "${options.project}" has no ${wanted}${why.length > 0 ? ` (${why.join('; ')})` : ''}; pass --testTarget with the name of the target that runs its tests.`,
    );
  }
  project.targets = { ...project.targets, [targetName]: coverageTarget(project.root, testTargets, workspaceFacts(workspaceRoot, nxJson)) };
  updateProjectConfiguration(tree, options.project, project);
}

export default configurationGenerator;
