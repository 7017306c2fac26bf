import {
  createNodesFromFiles,
  readJsonFile,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type NxJsonConfiguration,
  type TargetConfiguration,
} from '@nx/devkit';
import { RUNNER_LABELS, detectTargetRunner, loadConfig, projectDataOutput, workspaceDataOutput, type RunnerDetection, type TestRunner } from '@monocov/core';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { runOptionsInput, type TargetInput } from './run-options-input';

export interface MonocovPluginOptions {
  /** Name of the per-project coverage target (default `coverage`). */
  targetName?: string;
  /** Name of the target that runs a project's tests (default `test`). */
  testTargetName?: string;
  /** Name of the workspace-level merge target on the root project (default: `targetName`, so `run-many -t coverage` ends with the merge). */
  mergeTargetName?: string;
}

type NormalizedOptions = Required<MonocovPluginOptions>;

const PROJECT_FILES = '**/{project.json,package.json}';

/**
 * Adds a cached `coverage` target to every project that has a test target, and a merge target to
 * the workspace root project. Tests run by other plugins' inferred targets are recognised by their
 * config files, since a plugin cannot see targets another plugin inferred.
 */
export const createNodesV2: CreateNodesV2<MonocovPluginOptions> = [
  PROJECT_FILES,
  async (configFiles, options, context) => {
    const normalized = normalizeOptions(options);
    const workspace = readWorkspaceFacts(context);
    return createNodesFromFiles(
      (file, _options, ctx) => createNodesForFile(file, normalized, ctx, workspace),
      // project.json wins over package.json in the same folder, as in Nx itself.
      configFiles.filter((file) => !(basename(file) === 'package.json' && configFiles.includes(join(dirname(file), 'project.json')))),
      normalized,
      context,
    );
  },
];

function normalizeOptions(options: MonocovPluginOptions | undefined): NormalizedOptions {
  const targetName = options?.targetName ?? 'coverage';
  return {
    targetName,
    testTargetName: options?.testTargetName ?? 'test',
    mergeTargetName: options?.mergeTargetName ?? targetName,
  };
}

interface WorkspaceFacts {
  dataDir: string;
  /** Installed packages whose version can change the numbers: monocov itself, c8, test runners. */
  toolPackages: string[];
  isWorkspaceMember: (projectRoot: string) => boolean;
  rootProjectName: string;
  /** The coverage targets' input for the rc file: its `run` options only. */
  runOptionsInput: TargetInput;
}

function readWorkspaceFacts(context: CreateNodesContextV2): WorkspaceFacts {
  const root = context.workspaceRoot;
  const manifest = existsSync(join(root, 'package.json')) ? readJsonFile(join(root, 'package.json')) : {};
  const workspaces: string[] = Array.isArray(manifest.workspaces) ? manifest.workspaces : (manifest.workspaces?.packages ?? []);
  const installed = { ...manifest.dependencies, ...manifest.devDependencies };
  return {
    dataDir: configuredDataDir(root),
    toolPackages: TOOL_PACKAGES.filter((name) => name in installed),
    isWorkspaceMember: workspaces.length > 0 ? picomatch(workspaces.map((glob) => glob.replace(/\/$/, ''))) : () => false,
    rootProjectName: typeof manifest.name === 'string' ? manifest.name : basename(root),
    runOptionsInput: runOptionsInput(root),
  };
}


const TOOL_PACKAGES = ['@monocov/core', '@monocov/nx', 'c8', 'tsx', 'ts-node', 'uvu', 'mocha', 'jest', 'ts-jest', 'babel-jest', '@swc/jest', 'vitest', 'ava', 'tap'];

// Nx hashes the installed version of each: upgrading monocov or a test runner re-runs coverage.
function versionInputs(workspace: WorkspaceFacts): NonNullable<TargetConfiguration['inputs']> {
  return workspace.toolPackages.length > 0 ? [{ externalDependencies: workspace.toolPackages }] : [];
}

// A broken .coveragerc.json must not break the project graph: the coverage tasks report it.
function configuredDataDir(workspaceRoot: string): string {
  try {
    return loadConfig({ workspaceRoot }).config.run.dataDir;
  } catch {
    return 'coverage';
  }
}

function createNodesForFile(
  file: string,
  options: NormalizedOptions,
  context: CreateNodesContextV2,
  workspace: WorkspaceFacts,
): CreateNodesResult {
  const projectRoot = dirname(file);
  const isRoot = projectRoot === '.';
  const projects: NonNullable<CreateNodesResult['projects']> = {};
  if (isRoot) {
    // Depending on every project makes the root affected by any change, so `nx affected -t
    // coverage` always ends with the merge, and `^coverage` names every project's data.
    projects['.'] = {
      name: readName(context.workspaceRoot, file) ?? workspace.rootProjectName,
      implicitDependencies: ['*'],
      targets: { [options.mergeTargetName]: mergeTarget(options, workspace) },
    };
  }
  const testTarget = findTestTarget(context.workspaceRoot, file, options.testTargetName, workspace);
  if (testTarget === undefined || (isRoot && options.mergeTargetName === options.targetName)) return { projects };
  const coverage = coverageTarget(projectRoot, testTarget.target, testTarget.runner, options, context.nxJsonConfiguration, workspace);
  projects[projectRoot] = { ...projects[projectRoot], targets: { ...projects[projectRoot]?.targets, [options.targetName]: coverage } };
  return { projects };
}

function readName(workspaceRoot: string, file: string): string | undefined {
  const name = readJsonFile(join(workspaceRoot, file)).name;
  return typeof name === 'string' ? name : undefined;
}

interface FoundTestTarget {
  /** The target as the file declares it (empty when another plugin infers it). */
  target: Partial<TargetConfiguration>;
  /** Jest or Vitest, when the target or config file shows it: the coverage target collects through the runner. */
  runner: RunnerDetection | undefined;
}

/**
 * The project's own test target, if the file shows one: explicit in project.json or package.json
 * `nx.targets`, a package.json script (for workspace members, as Nx infers them), or a Jest or
 * Vitest config that @nx/jest or @nx/vite turn into a test target.
 */
function findTestTarget(workspaceRoot: string, file: string, testTargetName: string, workspace: WorkspaceFacts): FoundTestTarget | undefined {
  const json = readJsonFile(join(workspaceRoot, file));
  const projectRoot = dirname(file);
  const projectDir = join(workspaceRoot, projectRoot);
  const declared = (target: Partial<TargetConfiguration>): FoundTestTarget => ({ target, runner: detectTargetRunner(target, projectDir) });
  if (basename(file) === 'project.json') {
    if (json.targets?.[testTargetName]) return declared(json.targets[testTargetName]);
  } else {
    if (projectRoot !== '.' && !workspace.isWorkspaceMember(projectRoot) && !json.nx) return undefined;
    if (json.nx?.targets?.[testTargetName]) return declared(json.nx.targets[testTargetName]);
    const script = json.scripts?.[testTargetName];
    if (typeof script === 'string' && !script.includes('Error: no test specified')) {
      return { target: {}, runner: detectTargetRunner({ executor: 'nx:run-script', options: { script: testTargetName } }, projectDir) };
    }
  }
  const config = runnerConfig(projectDir);
  return config ? { target: {}, runner: { runners: [config.runner], evidence: config.file } } : undefined;
}

const RUNNER_CONFIGS: ReadonlyArray<[string, TestRunner]> = [
  ['jest.config', 'jest'],
  ['vitest.config', 'vitest'],
  ['vite.config', 'vitest'],
];
const CONFIG_EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'];

function runnerConfig(dir: string): { file: string; runner: TestRunner } | undefined {
  for (const [name, runner] of RUNNER_CONFIGS) {
    for (const ext of CONFIG_EXTENSIONS) {
      const file = `${name}.${ext}`;
      if (existsSync(join(dir, file))) return { file, runner };
    }
  }
  return undefined;
}

function coverageTarget(
  projectRoot: string,
  testTarget: Partial<TargetConfiguration>,
  runner: RunnerDetection | undefined,
  options: NormalizedOptions,
  nxJson: NxJsonConfiguration,
  workspace: WorkspaceFacts,
): TargetConfiguration {
  const testDefaults = nxJson.targetDefaults?.[options.testTargetName] ?? {};
  const testInputs = testTarget.inputs ?? testDefaults.inputs ?? (nxJson.namedInputs?.production ? ['default', '^production'] : ['default', '^default']);
  return {
    executor: '@monocov/nx:coverage',
    options: { testTarget: options.testTargetName },
    cache: true,
    dependsOn: testTarget.dependsOn ?? testDefaults.dependsOn,
    inputs: [
      ...testInputs,
      workspace.runOptionsInput,
      ...versionInputs(workspace),
    ],
    outputs: [projectDataOutput(workspace.dataDir, projectRoot)],
    metadata: {
      description: runner
        ? `Runs the "${options.testTargetName}" target with ${runner.runners.map((name) => RUNNER_LABELS[name]).join(' and ')}'s own coverage and writes this project's coverage data`
        : `Runs the "${options.testTargetName}" target under V8 coverage and writes this project's coverage data`,
      technologies: ['monocov', ...(runner?.runners ?? [])],
    },
  };
}

function mergeTarget(options: NormalizedOptions, workspace: WorkspaceFacts): TargetConfiguration {
  return {
    executor: '@monocov/nx:merge',
    cache: true,
    dependsOn: [`^${options.targetName}`],
    inputs: [
      '{workspaceRoot}/.coveragerc.json',
      { dependentTasksOutputFiles: '**/*.json', transitive: true },
      ...versionInputs(workspace),
    ],
    outputs: [workspaceDataOutput(workspace.dataDir)],
    metadata: {
      description: "Merges every project's coverage data into the workspace report and checks thresholds",
      technologies: ['monocov'],
    },
  };
}
