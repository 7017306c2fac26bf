import { join, resolve } from 'node:path';
import type { CoverageConfig } from '../config/types';
import { BUILTIN_OMIT } from '../files';
import { HOOKS_DIR } from '../package-dir';
import type { TestRunner } from './detect';

/** A flag's value as the runner's CLI (and the Nx executor wrapping it) takes it. */
export type FlagValue = boolean | string | string[];

/** The runner options that make Jest or Vitest write istanbul JSON for monocov, in the runner's own CLI vocabulary. */
export interface RunnerFlags {
  runner: TestRunner;
  /** Flag name (without `--`) → value; everything but the output folder. */
  flags: Record<string, FlagValue>;
  /** How the runner is told the folder to write coverage-final.json into: a flag, or a variable (Jest, JEST_OUTPUT_VARIABLE). */
  output: { flag: string } | { variable: string };
}

/**
 * Read by name in hooks/jest-coverage-reporter.cjs, the reporter monocov gives Jest. Jest's
 * `coverageDirectory` is part of the key of its transform cache (and ts-jest's): a folder of each
 * run's own there made every run re-transform every file (apollographql/apollo-server: 20.9 s a run
 * where `jest --coverage` took 13.8 s warm), so Jest keeps its own and the reporter writes here.
 */
const JEST_OUTPUT_VARIABLE = 'MONOCOV_JEST_OUTPUT_DIR';

const JEST_COVERAGE_REPORTER = join(HOOKS_DIR, 'jest-coverage-reporter.cjs');

export interface RunnerFlagsOptions {
  workspaceRoot: string;
  projectRoot: string;
  run: Pick<CoverageConfig['run'], 'include' | 'omit' | 'source'>;
  /** The provider every run of the project uses (projectProvider); the runner's config decides when absent. */
  provider?: string;
  /** Vitest 3.2's v8 provider: remap as istanbul counts (`coverage.experimentalAstAwareRemapping`, vitestAstAwareRemapping). */
  astAwareRemapping?: boolean;
}

/**
 * What each runner is told. Coverage on with the `json` reporter only; the user's thresholds
 * off (ours are checked on the normalised data); and a file selection wide enough that every
 * file monocov may measure is instrumented: monocov's own filter (files.ts) decides afterwards,
 * so include/omit mean the same for every runner.
 */
export function runnerFlags(runner: TestRunner, options: RunnerFlagsOptions): RunnerFlags {
  const set = runner === 'jest' ? jestFlags() : vitestFlags(options);
  if (options.provider !== undefined) set.flags[runner === 'jest' ? 'coverageProvider' : 'coverage.provider'] = options.provider;
  return set;
}

function jestFlags(): RunnerFlags {
  return {
    runner: 'jest',
    flags: {
      coverage: true,
      // Required by path: istanbul's json report, written where monocov reads it (JEST_OUTPUT_VARIABLE).
      coverageReporters: [JEST_COVERAGE_REPORTER],
      // Jest reads collectCoverageFrom relative to its rootDir, which is known only once it has
      // read its config: cleared, Jest instruments every file the tests load, and monocov adds
      // the files none loaded.
      collectCoverageFrom: '[]',
      coveragePathIgnorePatterns: ['[\\\\/]node_modules[\\\\/]'],
      coverageThreshold: '{}',
    },
    output: { variable: JEST_OUTPUT_VARIABLE },
  };
}

function vitestFlags({ workspaceRoot, projectRoot, run, astAwareRemapping }: RunnerFlagsOptions): RunnerFlags {
  // Vitest 4 matches coverage.include anywhere in a file's absolute path, and lists the untested
  // files it matches under its root. Anchored at the project folder, our globs select exactly
  // the project's sources; with source "workspace" they stay relative, so files of other
  // packages the tests load match too. Vitest 3 and earlier match a path relative to their root,
  // which no anchored glob matches (the output was empty), unless allowExternal is on.
  const projectDir = resolve(workspaceRoot, projectRoot).split('\\').join('/');
  const include = run.source === 'project' ? run.include.map((glob) => `${escapeGlob(projectDir)}/${glob}`) : run.include;
  // Matched anywhere too, the omit list's root folders (`test/**`, `out/**`) left relative dropped the
  // hits of `src/vitest/x.ts` and `src/layout/x.ts` (seen in open-circle/valibot's to-json-schema):
  // they are anchored at the project folder, where the omit list means them.
  const exclude = BUILTIN_OMIT.map((glob) => (glob.startsWith('**/') ? glob : `${escapeGlob(projectDir)}/${glob}`));
  // run.omit, anchored the same way, so that Vitest neither instruments nor parses what monocov drops:
  // typescript-eslint's ast-spec keeps 903 test-input files under src/**/fixtures/, 343 of them invalid
  // on purpose, and Vitest printed "Failed to parse … Excluding it from coverage" 275 times although
  // run.omit named them. Under source "workspace" the globs are relative to each package's
  // folder, which Vitest cannot express: monocov's own filter leaves those files out afterwards.
  if (run.source === 'project') exclude.push(...run.omit.map((glob) => `${escapeGlob(projectDir)}/${glob}`));
  const flags: Record<string, FlagValue> = {
    run: true,
    'coverage.enabled': true,
    'coverage.reporter': ['json'],
    'coverage.include': include,
    'coverage.exclude': exclude,
    'coverage.thresholds': false,
    'coverage.reportOnFailure': true,
    'coverage.allowExternal': true,
  };
  if (astAwareRemapping === true) flags['coverage.experimentalAstAwareRemapping'] = true;
  return { runner: 'vitest', flags, output: { flag: 'coverage.reportsDirectory' } };
}

function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}()!+@]/g, '\\$&');
}
