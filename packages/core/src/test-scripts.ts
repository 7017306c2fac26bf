import { testCommandKind, withoutRepeats } from './runners/test-commands';
import { findsNoTestFile } from './test-files';

/**
 * Which package.json scripts run tests, outside Nx: `test` (unless it is npm's placeholder or
 * calls a task runner over the workspace), and `test:*` scripts whose command starts a test
 * runner (`test:lib` running Vitest) — not the lint, type and build checks real repositories
 * also name `test:*` (`test:eslint`, `test:types`, `test:build`), nor e2e runners, which need a
 * browser or a deployed app, watch modes and benchmarks; and not a script that runs the same tests as
 * another one selected (`test:lib:3` beside `test:lib`, `test` running only `test:unit`): withoutRepeats.
 */

const NPM_PLACEHOLDER = 'no test specified';

export interface TestScript {
  name: string;
  command: string;
}

/** The package's test scripts, `test` first, then `test:*` in declaration order (the commands read by testCommandKind, as the Nx plugin reads targets). */
export function testScripts(scripts: unknown): TestScript[] {
  if (scripts === null || typeof scripts !== 'object') return [];
  const all = Object.fromEntries(Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const found: TestScript[] = [];
  for (const [name, command] of Object.entries(all)) {
    const kind = testCommandKind(command, all);
    if (kind === 'workspace' || kind === 'e2e' || kind === 'watch' || kind === 'bench') continue;
    if (name === 'test' && !command.includes(NPM_PLACEHOLDER)) found.unshift({ name, command });
    else if (name.startsWith('test:') && kind === 'unit') found.push({ name, command });
  }
  return withoutRepeats(found, all).kept;
}

/** Whether a `coverage` script runs monocov; any other (`vitest run --coverage`, `c8 npm test`) is the package's own, which `monocov init` leaves as it is. */
export function runsMonocov(coverageScript: string): boolean {
  return coverageScript.includes('monocov run');
}

/** Why a package with its own `coverage` script is not measured, and what to do: `monocov init` and `monocov merge` say the same. */
export function ownCoverageScriptReason(coverageScript: string): string {
  return `has its own \`coverage\` script ("${coverageScript}"); make it \`monocov run -- <test command>\` to measure it`;
}

/**
 * The workspace root's `test` script when it runs the tests itself (`jest` with a root config's
 * `projects`, `vitest run` with `test.projects`) rather than fanning out over the packages (`npm
 * test --workspaces`, `turbo run test`), and would find a test file. The root is then a project
 * that `monocov run` measures, its data holding the files of every package its tests load
 * (apollographql/apollo-server's packages have no test script of their own).
 */
export function rootTestScript(workspaceRoot: string, scripts: unknown): TestScript | undefined {
  const first = testScripts(scripts)[0];
  if (first?.name !== 'test') return undefined;
  return findsNoTestFile({ workspaceRoot, projectRoot: '.', commands: [first.command], options: [] }) ? undefined : first;
}

/** Why a package without tests of its own is not measured on its own when the root's tests run every package's. */
export const MEASURED_BY_ROOT = "no test script of its own; its files count in the root's data, whose `test` script runs the workspace's tests";
