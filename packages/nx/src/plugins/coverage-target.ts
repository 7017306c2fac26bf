import type { TargetConfiguration } from 'nx/src/devkit-exports';
import { RUNNER_LABELS, projectDataOutput, workspaceDataOutput, type TestRunner } from '@monocov/core';
import { notSelectedEnvName } from './left-out';
import type { TargetInput } from './run-options-input';
import type { TestTarget } from './test-targets';

export const COVERAGE_EXECUTOR = '@monocov/nx:coverage';
export const MERGE_EXECUTOR = '@monocov/nx:merge';

/**
 * Packages whose installed version can change a project's numbers: monocov itself, the tools that
 * load or transform the code under test, the runners, and their coverage providers. Nx hashes the
 * version of each (and of what it depends on): upgrading one re-runs the coverage tasks.
 */
export const VERSION_PACKAGES = [
  '@monocov/core',
  '@monocov/nx',
  '@playwright/test',
  'c8',
  'tsx',
  'ts-node',
  'uvu',
  'mocha',
  'ava',
  'tap',
  'jest',
  'ts-jest',
  'babel-jest',
  '@swc/jest',
  'babel-plugin-istanbul',
  'vitest',
  '@vitest/coverage-v8',
  '@vitest/coverage-istanbul',
  'vite',
];

export interface CoverageTargetFacts {
  /** `run.dataDir` of .coveragerc.json. */
  dataDir: string;
  /** The VERSION_PACKAGES the workspace declares: Nx refuses an externalDependencies input it has no node for. */
  versionPackages: string[];
  /** The coverage targets' input for the rc file: its `run` options only. */
  runOptionsInput: TargetInput;
}

/**
 * The coverage target of a project with these test targets: cached, with every input and
 * dependsOn of its test targets (their hash is its hash) plus monocov's own, the test targets'
 * configurations (`coverage:ci` runs `test:ci`), and one data folder for all of them.
 */
export function coverageTarget(projectRoot: string, testTargets: readonly TestTarget[], facts: CoverageTargetFacts): TargetConfiguration {
  const names = testTargets.map((entry) => entry.name);
  const dependsOn = unique(testTargets.flatMap((entry) => entry.target.dependsOn ?? []));
  const configurations = [...new Set(testTargets.flatMap((entry) => Object.keys(entry.target.configurations ?? {})))].sort();
  const target: TargetConfiguration = {
    executor: COVERAGE_EXECUTOR,
    // A browser run credits the files of every project it runs (the app, its libraries): they are outside the e2e project.
    options: { testTarget: names.length === 1 ? names[0] : names, ...(testTargets.some((entry) => entry.browser) ? { source: 'workspace' } : {}) },
    cache: true,
    inputs: [
      // Nx's default for a target that names no inputs: the project's files and its dependencies'.
      ...unique(testTargets.flatMap((entry) => entry.target.inputs ?? ['default', '^default'])),
      facts.runOptionsInput,
      ...versionInputs(facts),
      // Set when the user's --exclude/--projects left the task out of the run: it then measures nothing (run-selection.ts).
      { env: notSelectedEnvName(projectRoot) },
    ],
    outputs: [projectDataOutput(facts.dataDir, projectRoot)],
    metadata: { description: describeRoute(testTargets), technologies: ['monocov', ...runnersOf(testTargets)] },
  };
  if (dependsOn.length > 0) target.dependsOn = dependsOn;
  if (configurations.length > 0) target.configurations = Object.fromEntries(configurations.map((name) => [name, {}]));
  return target;
}

/** The workspace-level merge; `^<targetName>` orders it after every project's coverage task of the run. */
export function mergeTarget(targetName: string, facts: CoverageTargetFacts): TargetConfiguration {
  return {
    executor: MERGE_EXECUTOR,
    cache: true,
    dependsOn: [`^${targetName}`],
    inputs: ['{workspaceRoot}/.coveragerc.json', { dependentTasksOutputFiles: '**/*.json', transitive: true }, ...versionInputs(facts)],
    outputs: [workspaceDataOutput(facts.dataDir)],
    metadata: {
      description: "Merges every project's coverage data into the workspace report and checks thresholds",
      technologies: ['monocov'],
    },
  };
}

function versionInputs(facts: CoverageTargetFacts): NonNullable<TargetConfiguration['inputs']> {
  return facts.versionPackages.length > 0 ? [{ externalDependencies: facts.versionPackages }] : [];
}

function runnersOf(testTargets: readonly TestTarget[]): TestRunner[] {
  return [...new Set(testTargets.flatMap((entry) => entry.runner?.runners ?? []))];
}

/** Which route will run, per test target: the runner's own coverage (Jest, Vitest), Vitest browser mode through monocov's provider, or V8. */
function describeRoute(testTargets: readonly TestTarget[]): string {
  const routes = testTargets.map((entry) => {
    if (entry.browser) return `"${entry.name}" target in Chromium and under V8 coverage`;
    const own = (entry.runner?.runners ?? []).filter((runner) => !(runner === 'vitest' && entry.vitestInBrowser));
    const parts = [
      ...(own.length > 0 ? [`with ${own.map((runner) => RUNNER_LABELS[runner]).join(' and ')}'s own coverage`] : []),
      ...(entry.vitestInBrowser ? ["in Chromium under V8 coverage (Vitest browser mode, through monocov's provider)"] : []),
    ];
    return `"${entry.name}" target ${parts.length > 0 ? parts.join(' and ') : 'under V8 coverage'}`;
  });
  return `Runs the ${routes.join(', then the ')}, and writes this project's coverage data`;
}

function unique<T>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
