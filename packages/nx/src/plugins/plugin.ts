import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2, NxJsonConfiguration, TargetConfiguration } from 'nx/src/devkit-exports';
import { isTestFile, loadConfig, TEST_FILE_GLOBS } from '@monocov/core';
import { globWithWorkspaceContext } from 'nx/src/utils/workspace-context';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { coverageTarget, mergeTarget, VERSION_PACKAGES, type CoverageTargetFacts } from './coverage-target';
import { runOptionsInput } from './run-options-input';
import { inferredTestTargets } from './test-plugins';
import { findTestTargets, type SkippedTarget, type TestTarget } from './test-targets';
import { projectFilesAsNxSeesThem } from './workspace-projects';

/** The options of the @monocov/nx entry of nx.json `plugins`. */
export interface MonocovPluginOptions {
  /** Name of the per-project coverage target (default `coverage`). */
  targetName?: string;
  /** The target(s) that run a project's tests; default: `test`, the `test:*` targets that run a test runner, and those @nx/jest, @nx/vite and @nx/vitest infer. */
  testTargetName?: string | string[];
  /** Name of the workspace-level merge target on the root project (default: `targetName`, so `run-many -t coverage` ends with the merge). */
  mergeTargetName?: string;
}

export interface NormalizedOptions {
  targetName: string;
  /** undefined: the default search. */
  testTargetNames: string[] | undefined;
  mergeTargetName: string;
}

export const PROJECT_FILES = '**/{project.json,package.json}';

/**
 * Adds a cached coverage target to every project that has tests, and a merge target to the
 * workspace root project. Projects are those Nx makes of package.json and project.json files;
 * test targets are those the files declare and those the test plugins registered in nx.json
 * infer (asked through their own createNodesV2: a plugin cannot see another's targets). The
 * plugin entry's `include`/`exclude` (Nx's own, on the project files' paths) pick projects.
 */
export const createNodesV2: CreateNodesV2<MonocovPluginOptions> = [
  PROJECT_FILES,
  async (configFiles, options, context) => {
    const normalized = normalizeOptions(options);
    const analysis = await analyzeWorkspace(configFiles, normalized, context);
    const results: Array<[string, CreateNodesResult]> = [];
    for (const project of analysis.projects) {
      if (project.testTargets.length === 0) continue;
      if (project.root === '.' && normalized.mergeTargetName === normalized.targetName) continue;
      results.push([project.file, { projects: { [project.root]: { targets: { [normalized.targetName]: coverageTarget(project.root, project.testTargets, analysis.facts) } } } }]);
    }
    // The merge lives on the root project whichever files the plugin entry's include/exclude let through.
    const root: Record<string, unknown> = {
      name: analysis.rootName,
      // Every project's coverage task is a dependency: `run-many` and `affected` end with the merge.
      implicitDependencies: ['*'],
      targets: { [normalized.mergeTargetName]: mergeTarget(normalized.targetName, analysis.facts) },
    };
    const rootResult = results.find(([file]) => dirname(file) === '.');
    if (rootResult) {
      const project = rootResult[1].projects!['.']!;
      rootResult[1].projects!['.'] = { ...project, ...root, targets: { ...project.targets, ...(root.targets as Record<string, TargetConfiguration>) } };
    } else {
      results.push([configFiles.includes('package.json') ? 'package.json' : (configFiles[0] ?? 'package.json'), { projects: { '.': root } }]);
    }
    return results;
  },
];

export function normalizeOptions(options: MonocovPluginOptions | undefined): NormalizedOptions {
  const targetName = options?.targetName ?? 'coverage';
  const testTargetName = options?.testTargetName;
  return {
    targetName,
    testTargetNames: testTargetName === undefined ? undefined : Array.isArray(testTargetName) ? testTargetName : [testTargetName],
    mergeTargetName: options?.mergeTargetName ?? targetName,
  };
}

/** What the plugin finds for one project: its test targets, or why it has none. */
export interface ProjectFinding {
  root: string;
  /** project.json, or package.json when the folder has no project.json. */
  file: string;
  testTargets: TestTarget[];
  /** Test-like targets that are not measured, with the reason. */
  skipped: SkippedTarget[];
  /** Config files of registered test plugins that gave no test target, with the reason. */
  declined: string[];
}

export interface WorkspaceAnalysis {
  projects: ProjectFinding[];
  facts: CoverageTargetFacts;
  rootName: string;
}

/** The plugin's view of the workspace; `nx g @monocov/nx:init` reports the same findings. */
export async function analyzeWorkspace(configFiles: readonly string[], options: NormalizedOptions, context: CreateNodesContextV2): Promise<WorkspaceAnalysis> {
  const files = projectFilesAsNxSeesThem(configFiles, context.workspaceRoot);
  const inferred = await inferredTestTargets(files.map(dirname), context);
  const tested = await rootsWithTestFiles(files.map(dirname), context.workspaceRoot);
  const projects = files.map((file): ProjectFinding => {
    const root = dirname(file);
    const { testTargets, skipped } = findTestTargets({
      workspaceRoot: context.workspaceRoot,
      file,
      nxJson: context.nxJsonConfiguration,
      inferred: inferred.byProject.get(root) ?? [],
      testTargetNames: options.testTargetNames,
      hasTestFiles: tested === undefined || tested.has(root),
    });
    const declined = inferred.declined.filter((entry) => entry.projectRoot === root).map((entry) => entry.reason);
    return { root, file, testTargets, skipped, declined };
  });
  return { projects, facts: workspaceFacts(context.workspaceRoot, context.nxJsonConfiguration), rootName: rootProjectName(context.workspaceRoot) };
}

/**
 * The project roots that hold a test file (the deepest project owns a file), from Nx's file index
 * (which leaves out what .gitignore and .nxignore do); undefined when the index cannot be read,
 * and then every project counts as tested.
 */
export async function rootsWithTestFiles(projectRoots: readonly string[], workspaceRoot: string): Promise<Set<string> | undefined> {
  let files: string[];
  try {
    files = await globWithWorkspaceContext(workspaceRoot, TEST_FILE_GLOBS);
  } catch {
    return undefined;
  }
  const deepestFirst = [...projectRoots].sort((a, b) => b.length - a.length);
  const roots = new Set<string>();
  for (const file of files) {
    const root = deepestFirst.find((candidate) => candidate === '.' || file.startsWith(`${candidate}/`));
    if (root !== undefined && isTestFile(root === '.' ? file : file.slice(root.length + 1))) roots.add(root);
  }
  return roots;
}

export function workspaceFacts(workspaceRoot: string, nxJson: NxJsonConfiguration): CoverageTargetFacts {
  return { dataDir: configuredDataDir(workspaceRoot), versionPackages: lockedVersionPackages(workspaceRoot, nxJson), runOptionsInput: runOptionsInput(workspaceRoot) };
}

const LOCK_FILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/**
 * The VERSION_PACKAGES Nx has a node for: Nx makes external nodes only from the lockfile (and
 * fails a task whose externalDependencies input names a package without one), so a package
 * counts when the root package.json declares it and the lockfile lists it.
 */
function lockedVersionPackages(workspaceRoot: string, nxJson: NxJsonConfiguration): string[] {
  if ((nxJson.pluginsConfig?.['@nx/js'] as { analyzeLockfile?: boolean } | undefined)?.analyzeLockfile === false) return [];
  const lockFile = LOCK_FILES.find((file) => existsSync(join(workspaceRoot, file)));
  if (!lockFile) return [];
  const lock = readFileSync(join(workspaceRoot, lockFile), 'utf8');
  const manifest = readJson(join(workspaceRoot, 'package.json')) ?? {};
  const declared = { ...manifest.dependencies, ...manifest.devDependencies };
  return VERSION_PACKAGES.filter((name) => name in declared && (lock.includes(`node_modules/${name}"`) || lock.includes(`${name}@`)));
}

// A broken .coveragerc.json must not break the project graph: the coverage tasks report it.
export function configuredDataDir(workspaceRoot: string): string {
  try {
    return loadConfig({ workspaceRoot }).config.run.dataDir;
  } catch {
    return 'coverage';
  }
}

/** The name Nx gives the root project: project.json's, else package.json's, else the folder's. */
function rootProjectName(workspaceRoot: string): string {
  for (const file of ['project.json', 'package.json']) {
    const name = existsSync(join(workspaceRoot, file)) ? readJson(join(workspaceRoot, file))?.name : undefined;
    if (typeof name === 'string') return name;
  }
  return basename(workspaceRoot);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest read from JSON, its fields checked where used
function readJson(path: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
