import type { ContextsData } from '../store/format';
import type * as ConvertModule from '../convert';
import { scanSourceFiles } from '../files';
import { playwrightHookVariables } from './playwright-hook';
import { contextsCollector, convert } from './lazy-modules';
import { dropUnparsable, type RouteCollection, type RouteContext } from './route';

/** How often raw files are looked for while the tests run: a readdir, and a parse of each new file. */
const RAW_POLL_MS = 200;

/** A wait that does not keep the process alive by itself. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The V8 route: the tests run under NODE_V8_COVERAGE, and monocov converts the raw files (convert/),
 * those of processes that have ended while the tests still run.
 */
export function v8Collection(context: RouteContext): RouteCollection {
  const { workspaceRoot, projectRoot, run, include, rawDir, env, cacheDir, warnings, dropped } = context;
  // With `run.all` every source needs its maps: listed now, they are prepared while the tests run.
  const sources = run.all ? scanSourceFiles({ workspaceRoot, projectRoot, run }).files : [];
  // Playwright Test's browser coverage comes from a preload (playwright-hook.ts); with contexts, another
  // takes a coverage snapshot at each test boundary (contexts/from-raw.ts).
  const variables = (base: NodeJS.ProcessEnv) => ({
    NODE_V8_COVERAGE: rawDir,
    ...playwrightHookVariables(run.contexts === 'test' ? { ...base, ...contextsCollector().contextVariables(base) } : base),
  });
  let conversion: ConvertModule.V8Conversion | undefined;
  const v8Conversion = () =>
    (conversion ??= new (convert().V8Conversion)({
      rawDir,
      workspaceRoot,
      include,
      cacheDir,
      onSkippedRawFile: (problem) => {
        dropped.processes++;
        warnings.push(`warning: ${problem.message}; the hits of that process are missing, the others are kept`);
      },
      onUnparsableSource: (problem) => dropUnparsable(problem, context),
    }));
  return {
    setup: { env: { ...env, ...variables(env) }, variables, runnerFlags: [] },
    whileTestsRun: async (tests) => {
      await convert().prepareFileMaps(sources, { cacheDir, stop: tests.ended });
      while (!tests.ended()) {
        await v8Conversion().addFilesOfEndedProcesses();
        await Promise.race([tests.end, pause(RAW_POLL_MS)]);
      }
    },
    gather: async () => {
      const coverage = await v8Conversion().finish();
      return { coverage, collector: 'v8', contexts: run.contexts === 'test' ? await testContexts(context) : undefined };
    },
  };
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
