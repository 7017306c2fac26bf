import type { CoverageMapData } from 'istanbul-lib-coverage';
import { testsPassed } from '../test-command';
import type { DataError } from '../errors';
import type { IstanbulInput } from '../runners';
import { convert } from './lazy-modules';
import type { RouteCollection, RouteContext, TestSetup } from './route';

/** Where a route that reads istanbul JSON (the runner and istanbul-json routes) finds it. */
export interface IstanbulSource {
  setup: TestSetup;
  /** What the tests wrote during this run, keyed by absolute path. */
  read: () => IstanbulInput;
  /** The error for passing tests that wrote nothing. */
  noOutput: () => DataError;
  /** The `collector` named in meta.json when the input names none. */
  collector: string;
}

/** A route on which the tests' own istanbul JSON is read, and the project's sources kept. */
export function istanbulInputCollection(context: RouteContext, source: IstanbulSource): RouteCollection {
  const { workspaceRoot, run, include, files, warnings } = context;
  return {
    setup: source.setup,
    // With `run.all` the never-loaded sources get their zeros from the converter: loaded while the tests run.
    whileTestsRun: run.all ? (tests) => convert().prepareFileMaps([], { files: files(), workspaceRoot, stop: tests.ended }) : undefined,
    gather: async (outcome) => {
      const input = source.read();
      // Nothing written after passing tests means the route never reached the runner: an error, not
      // an empty report. After failing tests, the failure is the news; the data shows what there is.
      if (input.collectors.length === 0 && testsPassed(outcome)) throw source.noOutput();
      const coverage: CoverageMapData = {};
      for (const [path, file] of Object.entries(input.coverage)) if (include(path)) coverage[path] = file;
      const collector = input.collectors.join(', ') || source.collector;
      if (run.contexts === 'test') {
        warnings.push(
          `warning: run.contexts "test" works with the V8 collector (node:test, uvu, mocha); this target collects through ${collector}, so no test contexts were recorded`,
        );
      }
      return { coverage, collector };
    },
  };
}
