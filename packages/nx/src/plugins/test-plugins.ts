import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2, PluginConfiguration, TargetConfiguration } from 'nx/src/devkit-exports';
import type { TestRunner } from '@monocov/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

/**
 * Nx plugins that infer a project's test target from its Jest, Vitest or Playwright config, the
 * option that names that target and its default. Playwright has no runner route: its target runs
 * under V8 coverage, with the browser's coverage from monocov's Playwright preload.
 */
const TEST_PLUGINS: Readonly<Record<string, { runner: TestRunner | undefined; targetOption: string; defaultTarget: string; configs: RegExp }>> = {
  '@nx/jest/plugin': { runner: 'jest', targetOption: 'targetName', defaultTarget: 'test', configs: /^jest\.config\.[cm]?[jt]s$/ },
  '@nx/vite/plugin': { runner: 'vitest', targetOption: 'testTargetName', defaultTarget: 'test', configs: /^(?:vite|vitest)\.config\.[cm]?[jt]s$/ },
  '@nx/vitest': { runner: 'vitest', targetOption: 'testTargetName', defaultTarget: 'test', configs: /^(?:vite|vitest)\.config\.[cm]?[jt]s$/ },
  '@nx/vitest/plugin': { runner: 'vitest', targetOption: 'testTargetName', defaultTarget: 'test', configs: /^(?:vite|vitest)\.config\.[cm]?[jt]s$/ },
  '@nx/playwright/plugin': { runner: undefined, targetOption: 'targetName', defaultTarget: 'e2e', configs: /^playwright\.config\.[cm]?[jt]s$/ },
};

/** A test target another plugin infers for a project. */
export interface InferredTestTarget {
  name: string;
  /** The target exactly as that plugin infers it (inputs, dependsOn, configurations, env), or the minimal one when the plugin could not be asked. */
  target: TargetConfiguration;
  /** Jest or Vitest; undefined for Playwright. */
  runner: TestRunner | undefined;
  /** e.g. `@nx/jest/plugin (jest.config.ts)`, for descriptions and init's report. */
  source: string;
}

/** A registered test plugin whose config file in a project did not give a test target, and why (init says it). */
export interface DeclinedConfig {
  projectRoot: string;
  reason: string;
}

export interface InferredTestTargets {
  byProject: Map<string, InferredTestTarget[]>;
  declined: DeclinedConfig[];
}

interface RegisteredTestPlugin {
  plugin: string;
  options: Record<string, unknown>;
  include?: string[];
  exclude?: string[];
  runner: TestRunner | undefined;
  targetName: string;
  configs: RegExp;
}

/**
 * The test targets that the test plugins registered in nx.json infer for these project roots.
 * Each plugin is asked through its own createNodesV2 for exactly these config files, so its
 * inputs (a root `jest.preset.js`, named inputs), dependsOn, configurations and env come as it
 * infers them and cannot drift. The plugin is given one extra option so that its results cache
 * (keyed by a hash of its options) is a file of its own: the plugin's own run writes its file
 * at the same time, and neither may read the other half-written. Its cache makes the next
 * graph computation cheap. When a plugin cannot be loaded or fails, its config files are read
 * as it would (a Jest config, a Vitest config, a Vite config with a `test` section), without
 * its inputs.
 */
export async function inferredTestTargets(projectRoots: readonly string[], context: CreateNodesContextV2): Promise<InferredTestTargets> {
  const byProject = new Map<string, InferredTestTarget[]>();
  const declined: DeclinedConfig[] = [];
  for (const registered of registeredTestPlugins(context.nxJsonConfiguration.plugins ?? [])) {
    const configFiles = projectRoots.flatMap((root) => configFilesOf(registered, root, context.workspaceRoot));
    if (configFiles.length === 0) continue;
    const asked = await askPlugin(registered, configFiles, context);
    for (const file of configFiles) {
      const root = dirnameOf(file);
      const source = `${registered.plugin} (${file.slice(root === '.' ? 0 : root.length + 1)})`;
      const target = asked ? asked.get(root) : staticTestTarget(registered, file, context.workspaceRoot);
      if (!target) {
        declined.push({ projectRoot: root, reason: `${source} infers no "${registered.targetName}" target (a Vite config without a \`test\` section has no tests)` });
        continue;
      }
      const list = byProject.get(root) ?? [];
      if (!list.some((entry) => entry.name === registered.targetName)) list.push({ name: registered.targetName, target, runner: registered.runner, source });
      byProject.set(root, list);
    }
  }
  return { byProject, declined };
}

function registeredTestPlugins(plugins: PluginConfiguration[]): RegisteredTestPlugin[] {
  return plugins.flatMap((entry): RegisteredTestPlugin[] => {
    const plugin = typeof entry === 'string' ? entry : entry.plugin;
    const known = TEST_PLUGINS[plugin];
    if (!known) return [];
    const options = (typeof entry === 'string' ? {} : (entry.options as Record<string, unknown> | undefined)) ?? {};
    const targetName = typeof options[known.targetOption] === 'string' ? (options[known.targetOption] as string) : known.defaultTarget;
    return [
      {
        plugin,
        options,
        include: typeof entry === 'string' ? undefined : entry.include,
        exclude: typeof entry === 'string' ? undefined : entry.exclude,
        runner: known.runner,
        targetName,
        configs: known.configs,
      },
    ];
  });
}

/** The plugin's config files in the project's folder that its nx.json include/exclude let through (Nx matches them on the config file's path). */
function configFilesOf(registered: RegisteredTestPlugin, projectRoot: string, workspaceRoot: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(workspaceRoot, projectRoot));
  } catch {
    return [];
  }
  const files = names
    .filter((name) => registered.configs.test(name))
    .sort(preferVitestConfig)
    .map((name) => (projectRoot === '.' ? name : `${projectRoot}/${name}`));
  const included = registered.include ? picomatch(registered.include) : () => true;
  const excluded = registered.exclude ? picomatch(registered.exclude) : () => false;
  // Vitest reads vitest.config.* before vite.config.*: one config file per project.
  return files.filter((file) => included(file) && !excluded(file)).slice(0, 1);
}

function preferVitestConfig(a: string, b: string): number {
  return Number(b.startsWith('vitest.')) - Number(a.startsWith('vitest.')) || a.localeCompare(b);
}

function dirnameOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '.' : file.slice(0, slash);
}

/** The target each project root gets from the plugin, or undefined when the plugin cannot be asked. */
async function askPlugin(registered: RegisteredTestPlugin, configFiles: string[], context: CreateNodesContextV2): Promise<Map<string, TargetConfiguration> | undefined> {
  let createNodes: CreateNodesV2[1];
  try {
    const module = require(require.resolve(registered.plugin, { paths: [context.workspaceRoot] }));
    createNodes = (module.createNodesV2 ?? module.createNodes)[1];
  } catch {
    return undefined;
  }
  // Only the target monocov wraps: no per-file CI targets (they make the plugin list every spec file).
  const { ciTargetName: _ciTargetName, ciGroupName: _ciGroupName, ...options } = registered.options;
  let results: ReadonlyArray<readonly [string, CreateNodesResult]>;
  try {
    results = await createNodes(configFiles, { ...options, monocovTestTargetsOnly: true }, context);
  } catch (error) {
    // createNodesFromFiles gathers per-file failures and keeps the files that worked.
    const partial = (error as { partialResults?: ReadonlyArray<readonly [string, CreateNodesResult]> }).partialResults;
    if (!partial) return undefined;
    results = partial;
  }
  const targets = new Map<string, TargetConfiguration>();
  for (const [, result] of results) {
    for (const [root, project] of Object.entries(result.projects ?? {})) {
      const target = project.targets?.[registered.targetName];
      if (target) targets.set(root, target);
    }
  }
  return targets;
}

/** The plugin's own rule read from its config file, for when the plugin cannot be asked. */
function staticTestTarget(registered: RegisteredTestPlugin, file: string, workspaceRoot: string): TargetConfiguration | undefined {
  const projectRoot = dirnameOf(file);
  if (!existsSync(join(workspaceRoot, projectRoot, 'package.json')) && !existsSync(join(workspaceRoot, projectRoot, 'project.json'))) return undefined;
  const name = file.slice(projectRoot === '.' ? 0 : projectRoot.length + 1);
  if (name.startsWith('vite.') && !/\btest\s*:/.test(readFileSync(join(workspaceRoot, file), 'utf8'))) return undefined;
  return { command: registered.runner === 'jest' ? 'jest' : registered.runner === 'vitest' ? 'vitest' : 'playwright test', options: { cwd: projectRoot } };
}
