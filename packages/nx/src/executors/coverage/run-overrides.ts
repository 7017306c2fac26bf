import type { CoverageConfig } from '@monocov/core';
import type { CoverageExecutorOptions } from './schema';

/** The executor options that lay over the rc file's `run` section (the merge executor reads them too, to judge stale data). */
export function runOverrides(options: CoverageExecutorOptions): { run?: Partial<CoverageConfig['run']> } {
  const run: Partial<CoverageConfig['run']> = {};
  if (options.include !== undefined) run.include = options.include;
  if (options.omit !== undefined) run.omit = options.omit;
  if (options.all !== undefined) run.all = options.all;
  if (options.source !== undefined) run.source = options.source;
  if (options.collector !== undefined) run.collector = options.collector;
  if (options.istanbulJsonPath !== undefined) run.istanbulJsonPath = options.istanbulJsonPath;
  return Object.keys(run).length > 0 ? { run } : {};
}
