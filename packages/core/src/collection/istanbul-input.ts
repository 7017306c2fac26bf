import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { testsPassed } from '../test-command';
import { DataError } from '../errors';
import type { IstanbulInput } from '../runners';
import { convert } from './lazy-modules';
import { toPosix, workspaceRelative } from '../workspace-path';
import type { RouteCollection, RouteContext, TestSetup } from './route';
import { outsideSourcesMessage, placeOutsideSource } from './source-fit';

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
  const { workspaceRoot, run, include, files, warnings, dropped } = context;
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
      // A file whose entry the checks refuse is left out, named, and kept out of the untested files' zeros
      // (dropped.sources): one entry refused the whole project's data before, its other files' numbers with it.
      for (const { path, reason } of input.unusable) {
        if (!include(path)) continue;
        const name = workspaceRelative(workspaceRoot, path) ?? toPosix(path);
        if (dropped.sources.includes(name)) continue;
        dropped.sources.push(name);
        warnings.push(
          `warning: ${collector} wrote an entry for ${name} that monocov cannot use (${reason}); that file was left out (listed in meta.json \`dropped\`), the project's other files are kept. Please report it to monocov with the runner's version`,
        );
      }
      // Data of other code than the file would be counted against it (and refused by every merge): refused here, with its cause.
      const misfits: Array<{ path: string; place: string }> = [];
      for (const [path, file] of Object.entries(coverage)) {
        const text = await files().text(path);
        const place = text === undefined ? undefined : placeOutsideSource(file, text);
        if (place === undefined) continue;
        // An entry without a single hit is a file no test ran, and says nothing but its maps: Vitest 4.1.4 maps
        // its untested files wrongly when they hold non-ASCII text (create-email's src/tree.js in resend/react-email,
        // "line 3 column 90" of a 41-character line). The file gets monocov's own maps at 0, as every untested source does.
        if (noHits(file)) delete coverage[path];
        else misfits.push({ path: workspaceRelative(workspaceRoot, path) ?? path, place });
      }
      if (misfits.length > 0) throw new DataError(outsideSourcesMessage(collector, misfits));
      if (run.contexts === 'test') {
        warnings.push(
          `warning: run.contexts "test" works with the V8 collector (node:test, uvu, mocha); this target collects through ${collector}, so no test contexts were recorded`,
        );
      }
      return { coverage, collector };
    },
  };
}

/** Whether a file's entry counts no statement, function or branch as run. */
function noHits(file: FileCoverageData): boolean {
  return [...Object.values(file.s), ...Object.values(file.f), ...Object.values(file.b).flat()].every((hits) => hits === 0);
}
