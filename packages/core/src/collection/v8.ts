import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContextsData } from '../store/format';
import type * as ConvertModule from '../convert';
import { compareStrings } from '../compare';
import { playwrightHookVariables } from './playwright-hook';
import { contextsCollector, convert } from './lazy-modules';
import { ambiguousSources, dropUnparsable, type RouteCollection, type RouteContext } from './route';
import { processesWithoutCoverage, processesWithoutCoverageWarnings, processStartVariables } from './started-processes';

/**
 * How often raw files are looked for while the tests run: a readdir, and a parse of each new file.
 * Not more often: on 2 cores a 50 ms interval slowed a `node --test` project's tests by ~20 ms
 * (medians of 8 interleaved runs), more than the few ms it saved after them.
 */
const RAW_POLL_MS = 200;

/** A wait that does not keep the process alive by itself. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The V8 route: the tests run under NODE_V8_COVERAGE, and monocov converts the raw files (convert/),
 * those of processes that have ended while the tests still run.
 */
export function v8Collection(context: RouteContext): RouteCollection {
  const { workspaceRoot, run, include, rawDir, env, files, warnings, dropped } = context;
  // Preloads: every Node process the tests start marks its start (started-processes.ts); Playwright
  // Test's browser coverage comes from another (playwright-hook.ts); with contexts, a third takes a
  // coverage snapshot at each test boundary (contexts/from-raw.ts).
  const variables = (base: NodeJS.ProcessEnv) => {
    const withContexts = run.contexts === 'test' ? { ...base, ...contextsCollector().contextVariables(base) } : base;
    const withPlaywright = { ...withContexts, ...playwrightHookVariables(withContexts) };
    return { NODE_V8_COVERAGE: rawDir, ...processStartVariables(rawDir, withPlaywright) };
  };
  /** URLs of scripts whose hits were lost: the file each names does not exist. */
  const withoutFile: string[] = [];
  const ambiguous = ambiguousSources(context);
  /** URLs of app scripts a browser ran that have no source map. */
  const withoutSourceMap = new Set<string>();
  let conversion: ConvertModule.V8Conversion | undefined;
  const v8Conversion = () =>
    (conversion ??= new (convert().V8Conversion)({
      rawDir,
      workspaceRoot,
      include,
      files: files(),
      onSkippedRawFile: (problem) => {
        dropped.processes++;
        warnings.push(`warning: ${problem.message}; the hits of that process are missing, the others are kept`);
      },
      onUnparsableSource: (problem) => dropUnparsable(problem, context),
      onScriptWithoutFile: (url) => withoutFile.push(url),
      onAmbiguousSource: ambiguous.add,
      onServedScriptWithoutSourceMap: (url) => withoutSourceMap.add(url),
    }));
  return {
    setup: { env: { ...env, ...variables(env) }, variables, runnerOptions: () => undefined },
    whileTestsRun: async (tests) => {
      // With `run.all` every source needs its maps: they are prepared while the tests run.
      if (run.all) await convert().prepareFileMaps(context.sourceScan().files, { files: files(), workspaceRoot, stop: tests.ended });
      while (!tests.ended()) {
        await v8Conversion().addFilesOfEndedProcesses();
        await Promise.race([tests.end, pause(RAW_POLL_MS)]);
      }
    },
    gather: async () => {
      const coverage = await v8Conversion().finish();
      warnings.push(...processesWithoutCoverageWarnings(processesWithoutCoverage(rawDir, v8Conversion().readRawFiles)));
      const lost = withoutFile.filter((url) => isProjectLoss(url, context));
      if (lost.length > 0) {
        dropped.scripts = lost.length;
        warnings.push(scriptsWithoutFileWarning(lost));
      }
      ambiguous.report();
      if (withoutSourceMap.size > 0) warnings.push(scriptsWithoutSourceMapWarning([...withoutSourceMap]));
      return { coverage, collector: 'v8', contexts: run.contexts === 'test' ? await testContexts(context) : undefined };
    },
  };
}

/**
 * Whether the hits of a script whose URL names no file were the project's: V8 removes tabs and line
 * breaks from script URLs, as URL parsing does, so the URL may stand for a file so named. Such a
 * file counts if include/omit select it (however its name is then reported); one run.omit leaves
 * out does not. A URL that stands for no file at all (deleted by the tests) counts.
 */
function isProjectLoss(url: string, { include, workspaceRoot }: RouteContext): boolean {
  let path: string;
  let names: string[];
  try {
    path = fileURLToPath(url.replace(/[?#].*$/, ''));
    names = readdirSync(dirname(path));
  } catch {
    return true;
  }
  const named = names.filter((name) => name !== basename(path) && name.replace(/[\t\n\r]/g, '') === basename(path)).map((name) => join(dirname(path), name));
  if (named.length === 0) return true;
  return named.some((file) => include(file) || include.unrepresentableNames().some((name) => join(workspaceRoot, name.path) === file));
}

/** Names the first script by its URL, escaped: such a URL may hold any character but the line breaks V8 removed. */
function scriptsWithoutFileWarning(urls: readonly string[]): string {
  const first = JSON.stringify([...urls].sort(compareStrings)[0]);
  const others = urls.length > 1 ? ` and ${urls.length - 1} more` : '';
  const fix = 'V8 removes line breaks and tabs from script URLs (rename such files), and a file the tests deleted cannot be measured (keep it until the tests end)';
  return `warning: the hits of ${urls.length} script(s) the tests ran are missing (counted in meta.json \`dropped\`): the file each names does not exist, ${first}${others}; ${fix}`;
}

/** Names the first script a browser ran without a source map, and the fix: a production build writes none by default. */
function scriptsWithoutSourceMapWarning(urls: readonly string[]): string {
  const first = JSON.stringify([...urls].sort(compareStrings)[0]);
  const others = urls.length > 1 ? ` and ${urls.length - 1} more` : '';
  const fix =
    'build the app with its source maps, served beside the scripts: Vite `build: { sourcemap: true }` (not "hidden", whose scripts do not name their map), webpack and Rspack `devtool: \'source-map\'` (docs/browser.md#built-bundles)';
  return `warning: ${urls.length} script(s) the browser ran have no source map, so their hits count for no source file: ${first}${others}; ${fix}`;
}

/** The contexts recorded at the test boundaries the preload saw. */
async function testContexts({ rawDir, include, workspaceRoot, warnings }: RouteContext): Promise<ContextsData | undefined> {
  const collected = await contextsCollector().collectContexts({ rawDir, include, workspaceRoot });
  if (collected.tests > 0) return collected.data;
  warnings.push(
    'warning: run.contexts is "test" but no test boundary was seen: contexts come from node:test run by `node --test`, uvu loaded through require, and mocha (docs/contexts.md)',
  );
  return undefined;
}
