import { resolve } from 'node:path';
import type { CoverageConfig } from '../config/types';
import { ConfigError } from '../errors';
import { RUNNER_LABELS, type RunnerDetection, type TestRunner } from '../runners/detect';

/** How one project's hits are collected, `run.collector` resolved against what runs its tests. */
export type CollectionRoute =
  /** NODE_V8_COVERAGE, converted by monocov (convert/). */
  | { kind: 'v8' }
  /** The runners' own coverage, told to write istanbul JSON into the raw folder. */
  | {
      kind: 'runner';
      runners: TestRunner[];
      /** The command that starts them, if known (detection): read for the runner configs it names. */
      command?: string;
    }
  /** istanbul JSON the tests write themselves, at an absolute path. */
  | { kind: 'istanbul-json'; path: string };

/** What resolveCollection decides from: the `run` options, what runs the tests, and names for its messages. */
export interface ResolveCollectionOptions {
  run: Pick<CoverageConfig['run'], 'collector' | 'istanbulJsonPath'>;
  /** What runs the tests, as far as the target or command shows (detectTargetRunner, detectCommandRunner). */
  detection: RunnerDetection | undefined;
  /** Names the tests in messages: `project "web", target "test"`, `the test command`. */
  subject: string;
  workspaceRoot: string;
  projectRoot: string;
}

const WHY_NOT_V8: Readonly<Record<TestRunner, string>> = {
  jest: 'Jest compiles each file in memory (ts-jest, babel-jest) and runs it in a vm context whose source maps Node never sees',
  vitest: 'Vitest transforms each file with Vite in memory and runs it through its module runner, whose source maps Node never sees',
};

const KEEP_V8: Readonly<Record<TestRunner, string>> = {
  jest: 'Jest\'s `coverageProvider: "v8"`',
  vitest: 'Vitest\'s `coverage.provider: "v8"`',
};

/** The collection route for `run.collector`: V8, or Jest's or Vitest's own coverage; a ConfigError when the forced route cannot measure what runs. */
export function resolveCollection(options: ResolveCollectionOptions): CollectionRoute {
  const { run, detection } = options;
  switch (run.collector) {
    case 'auto':
      return detection ? runnerRoute(detection.runners, detection.command) : { kind: 'v8' };
    case 'v8': {
      const runner = detection?.runners[0];
      if (runner === undefined) return { kind: 'v8' };
      throw new ConfigError(
        `\`run.collector\` "v8" cannot measure ${options.subject}: it runs ${RUNNER_LABELS[runner]} (${detection!.evidence}), and ${WHY_NOT_V8[runner]}, ` +
          `so V8's counts would land on the wrong lines or not on your files at all. Use collector "${runner}" (or "auto"); ` +
          `for V8-based counts, set ${KEEP_V8[runner]} in its own config.`,
      );
    }
    case 'jest':
    case 'vitest':
      return runnerRoute([run.collector], detection?.command);
    case 'istanbul-json':
      if (run.istanbulJsonPath === undefined) {
        throw new ConfigError(
          '`run.collector` is "istanbul-json" but `run.istanbulJsonPath` is not set: name the istanbul JSON file, or folder of coverage-final.json files, the tests write (relative to the project root)',
        );
      }
      return { kind: 'istanbul-json', path: resolve(options.workspaceRoot, options.projectRoot, run.istanbulJsonPath) };
  }
}

function runnerRoute(runners: TestRunner[], command: string | undefined): CollectionRoute {
  return command === undefined ? { kind: 'runner', runners } : { kind: 'runner', runners, command };
}
