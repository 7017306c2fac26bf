import { getProjects, logger, readNxJson, readProjectConfiguration, updateProjectConfiguration, type Tree } from 'nx/src/devkit-exports';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { noTestFilesReason } from '@monocov/core';
import { coverageTarget } from '../../plugins/coverage-target';
import { rootsWithTestFiles, workspaceFacts } from '../../plugins/plugin';
import { inferredTestTargets } from '../../plugins/test-plugins';
import { CYPRESS_NOT_SUPPORTED, findTestTargets, NO_TEST_FILES_TARGET, type SkippedTarget, type TestTarget } from '../../plugins/test-targets';
import type { ConfigurationGeneratorOptions } from './schema';
import { formatWrittenFiles, pendingWrites } from '../format';

/**
 * `nx g @monocov/nx:configuration <project>`: the target the plugin would infer, written out for
 * one project, built by the plugin's own functions (same inputs, dependsOn, configurations). For a
 * Playwright project whose config starts a web server without a graceful shutdown, it names the
 * setting the server's own coverage needs.
 */
export async function configurationGenerator(tree: Tree, options: ConfigurationGeneratorOptions): Promise<void> {
  const targetName = options.targetName ?? 'coverage';
  const project = readProjectConfiguration(tree, options.project);
  if (project.targets?.[targetName]) return;
  const nxJson = readNxJson(tree) ?? {};
  const workspaceRoot = tree.root;
  const projectDir = join(workspaceRoot, project.root);
  const file = existsSync(join(projectDir, 'project.json')) ? join(project.root, 'project.json') : join(project.root, 'package.json');
  const inferred = await inferredTestTargets([project.root], { workspaceRoot, nxJsonConfiguration: nxJson });
  // Test files as the plugin counts them: a file belongs to the deepest project that holds it.
  const tested = await rootsWithTestFiles(
    [...getProjects(tree).values()].map((entry) => entry.root),
    workspaceRoot,
  );
  const { testTargets, skipped } = findTestTargets({
    workspaceRoot,
    file,
    nxJson,
    inferred: inferred.byProject.get(project.root) ?? [],
    testTargetNames: options.testTarget === undefined ? undefined : [options.testTarget],
    hasTestFiles: tested === undefined || tested.has(project.root),
  });
  if (testTargets.length === 0) throw new Error(whyNoTarget(options, skipped, projectDir));
  project.targets = { ...project.targets, [targetName]: coverageTarget(project.root, testTargets, workspaceFacts(workspaceRoot, nxJson)) };
  const before = pendingWrites(tree);
  updateProjectConfiguration(tree, options.project, project);
  await formatWrittenFiles(tree, before);
  for (const entry of skipped) logger.info(`monocov: "${entry.name}" of ${options.project} is not measured: ${entry.reason}`);
  for (const entry of testTargets.filter((target) => target.browser)) {
    const config = playwrightConfig(workspaceRoot, project.root, entry);
    if (config === undefined || !/\bwebServer\b/.test(config.text) || /\bgracefulShutdown\b/.test(config.text)) continue;
    logger.warn(
      `monocov: ${options.project}'s "${targetName}" target runs "${entry.name}" with Chromium's coverage, crediting every workspace file its tests run (source: "workspace"). ` +
        `One thing is still needed for the code of the server Playwright starts (webServer in ${config.path}) to count: ` +
        `gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 } in that webServer entry (Playwright 1.50 and later), and a server that exits on SIGTERM; ` +
        'without it Playwright kills the server with SIGKILL, before Node writes its coverage (docs/browser.md#the-apps-own-server).',
    );
  }
}

export default configurationGenerator;

/** The generator's refusal: what the project lacks, and what to do about it. */
function whyNoTarget(options: ConfigurationGeneratorOptions, skipped: readonly SkippedTarget[], projectDir: string): string {
  const subject = `Project "${options.project}"`;
  if (skipped.length > 0 && skipped.every((entry) => entry.reason === NO_TEST_FILES_TARGET)) {
    const why = skipped.map((entry) => `"${entry.name}" is not measured: ${noTestFilesReason('run this generator again')}`);
    return `${subject}: ${why.join('; ')}.`;
  }
  if (skipped.some((entry) => entry.reason === CYPRESS_NOT_SUPPORTED) || (skipped.length === 0 && hasCypressConfig(projectDir))) {
    return `${subject} runs Cypress, which monocov does not support: the V8 coverage of code run in a browser comes only from Chromium driven by Playwright (docs/browser.md). No target was written.`;
  }
  const why = skipped.map((entry) => `"${entry.name}" is not measured: ${entry.reason}`);
  const wanted = options.testTarget === undefined ? 'test target ("test", "test:*", or one a test plugin infers)' : `"${options.testTarget}" target that runs tests`;
  return `${subject} has no ${wanted}${why.length > 0 ? ` (${why.join('; ')})` : ''}; pass --testTarget with the name of the target that runs its tests.`;
}

/** The Playwright config a target runs: its `config` option (workspace-relative), else the project's playwright.config.*. */
function playwrightConfig(workspaceRoot: string, projectRoot: string, entry: TestTarget): { path: string; text: string } | undefined {
  const option = entry.target.options?.config;
  const candidates = typeof option === 'string' ? [option] : ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((extension) => join(projectRoot, `playwright.config.${extension}`));
  for (const path of candidates) {
    try {
      return { path, text: readFileSync(join(workspaceRoot, path), 'utf8') };
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** A Cypress config in the project: its e2e target is inferred by @nx/cypress/plugin, which monocov does not ask. */
function hasCypressConfig(projectDir: string): boolean {
  try {
    return readdirSync(projectDir).some((name) => /^cypress\.config\.[cm]?[jt]s$/.test(name));
  } catch {
    return false;
  }
}
