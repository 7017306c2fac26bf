// What a test-like command runs, read from its words: real repos name lint, type and build checks
// `test:*` too (`test:eslint`, `test:types`), and root scripts that call the workspace tool
// itself (`nx affected --target=test:lib`). Both the Nx plugin and `monocov init` pick tested
// projects with this.

/**
 * `unit`: a test runner whose code coverage monocov measures; `e2e`: a browser or end-to-end runner (not measured);
 * `workspace`: the command runs nx, lerna or turbo, which would run the tests again under their own tasks;
 * `watch`: a test runner in watch mode (it never ends; monocov refuses it); `bench`: benchmarks (`vitest bench`), not tests.
 */
export type TestCommandKind = 'unit' | 'e2e' | 'workspace' | 'watch' | 'bench';

const WORD_START = String.raw`(?:^|[\s;&|()'"/])`;
const WORD_END = String.raw`(?:\.[cm]?js)?(?=$|[\s;&|()'"])`;
// Not an option's value: `eslint . --format tap` runs no tap.
const NOT_AN_OPTION_VALUE = String.raw`(?<!--?[\w.-]+\s+)`;
const word = (names: string) => new RegExp(`${WORD_START}${NOT_AN_OPTION_VALUE}(?:${names})${WORD_END}`);

// `nx`, `npx nx`, `pnpm nx`, `lerna run`, `turbo run`, and package managers over every member
// (`pnpm -r test`, `npm test --workspaces`, `yarn workspaces foreach`): a nested workspace run.
const WORKSPACE_RUNNER =
  /(?:^|[\s;&|()])(?:nx|lerna|turbo)(?=\s)|(?:^|[\s;&|()])(?:npm|pnpm|yarn|bun)\s[^;&|]*(?:--workspaces|-ws\b|(?<=\s)-r\b|--recursive|--filter|workspaces\s+(?:run|foreach))/;
const E2E_RUNNER = /(?:^|[\s;&|()'"/])(?:playwright\s+test|cypress\s+(?:run|open)|wdio|testcafe|detox\s+test)(?=$|[\s;&|()'"])/;
const UNIT_RUNNER = word(
  [
    'jest',
    'vitest',
    'mocha',
    'ts-mocha',
    'uvu',
    'ava',
    'tap',
    'tape',
    'jasmine',
    'karma',
    'c8',
    'nyc',
    'borp',
    String.raw`(?:node|tsx|bun|deno)\s+(?:[^;&|]*\s)?--?test`,
    String.raw`bun\s+test`,
    String.raw`deno\s+test`,
    String.raw`ng\s+test`,
    String.raw`react-scripts\s+test`,
  ].join('|'),
);

const PACKAGE_MANAGERS = /^(?:npm|pnpm|yarn|bun)$/;
const BENCH = /(?:^|[\s/])vitest\s+bench(?=$|\s)/;
// `-w` is watch for Vitest, mocha and ava but `--maxWorkers` for Jest.
const WATCH = /(?:^|[\s/])vitest\s+(?:watch|dev)(?=$|\s)|(?:^|\s)--watch(?:All)?(?:=true)?(?=$|\s)/;
const SHORT_WATCH = /(?:^|\s)-w(?=$|\s)/;
const JEST = word('jest');
// Words of a command that are not runs of their own: `&&`, `||`, `;`, pipes and `&`.
const SEGMENTS = /&&|\|\||[;|&]/;

/**
 * What kind of tests a command runs, if any; `npm run x`, `pnpm x`, `yarn x` are followed
 * through the package's other scripts (each read once). Undefined: nothing shows a test runner.
 */
export function testCommandKind(command: string, scripts: Readonly<Record<string, string>> = {}): TestCommandKind | undefined {
  return kindOf(command, scripts, new Set());
}

function kindOf(command: string, scripts: Readonly<Record<string, string>>, seen: Set<string>): TestCommandKind | undefined {
  if (WORKSPACE_RUNNER.test(command)) return 'workspace';
  if (E2E_RUNNER.test(command)) return 'e2e';
  const found = new Set<TestCommandKind>();
  for (const segment of command.split(SEGMENTS)) {
    if (UNIT_RUNNER.test(segment)) {
      found.add(BENCH.test(segment) ? 'bench' : inWatchMode(segment) ? 'watch' : 'unit');
      continue;
    }
    const argv = segment.trim().split(/\s+/);
    const name = scriptName(argv);
    const script = name === undefined ? undefined : scriptOf(scripts, name);
    if (name === undefined || seen.has(name) || script === undefined) continue;
    seen.add(name);
    const kind = kindOf(script, scripts, seen);
    // `pnpm run test:lib --watch`, `npm run test -- --watch`: the flag reaches the runner (not `-w`, npm's workspace flag).
    if (kind) found.add(kind === 'unit' && WATCH.test(argv.slice(2).join(' ')) ? 'watch' : kind);
  }
  // A script that runs unit tests and something else counts as unit tests; one that only starts a workspace run does not.
  return (['unit', 'workspace', 'e2e', 'watch', 'bench'] as const).find((kind) => found.has(kind));
}

function inWatchMode(segment: string): boolean {
  return WATCH.test(segment) || (SHORT_WATCH.test(segment) && !JEST.test(segment));
}

/**
 * The command, then each package.json script it runs by name (`pnpm run test:e2e:ci`, `npm test`), and
 * the scripts those run in turn: what a wrapper script really starts.
 */
export function commandAndScriptsItRuns(command: string, scripts: Readonly<Record<string, string>>): string[] {
  const commands = [command];
  const seen = new Set<string>();
  for (let index = 0; index < commands.length; index++) {
    for (const segment of commands[index]!.split(SEGMENTS)) {
      const name = scriptName(segment.trim().split(/\s+/));
      const script = name === undefined ? undefined : scriptOf(scripts, name);
      if (name === undefined || seen.has(name) || script === undefined) continue;
      seen.add(name);
      commands.push(script);
    }
  }
  return commands;
}

/** The script a package.json names `name`: its own key only (not `constructor`, `toString`), and only a string. */
function scriptOf(scripts: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const script = Object.hasOwn(scripts, name) ? scripts[name] : undefined;
  return typeof script === 'string' ? script : undefined;
}

/** `npm test` → test, `npm run unit` → unit, `pnpm unit` / `yarn unit` → unit. */
function scriptName(argv: string[]): string | undefined {
  const [command, first, second] = argv;
  if (command === undefined || !PACKAGE_MANAGERS.test(command) || first === undefined) return undefined;
  if (first === 'test' || first === 't') return 'test';
  if ((first === 'run' || first === 'run-script') && second !== undefined) return second;
  return command === 'npm' || first.startsWith('-') ? undefined : first;
}

/** Why a command that names a runner is not a test run, for init's report; undefined for the other kinds. */
export function whyNotTests(kind: TestCommandKind | undefined, command: string): string | undefined {
  if (kind === 'watch') return `its command runs the tests in watch mode ("${command}"), which never ends; the coverage target needs a run that does`;
  if (kind === 'bench') return `its command runs benchmarks ("${command}"), not tests`;
  return undefined;
}

/** A test script or target chosen by the default search: its name and the command it runs, when known. */
export interface TestRun {
  name: string;
  command: string | undefined;
}

/**
 * The default selection without the runs that repeat another one's tests, with the reason for
 * each left out: `test:lib:3` when `test:lib` is selected (a colon-extended name is a variant of
 * its parent, as `test:types:ts56` is of `test:types`), and a run whose command only runs other
 * selected scripts (`"test": "npm run test:unit && npm run test:integration"`). `test` is no parent:
 * `test:unit` and `test:integration` beside it are suites of their own.
 */
export function withoutRepeats<T extends TestRun>(
  selected: readonly T[],
  scripts: Readonly<Record<string, string>>,
): { kept: T[]; repeats: Array<{ name: string; reason: string }> } {
  const names = new Set(selected.map((run) => run.name));
  const repeats: Array<{ name: string; reason: string }> = [];
  const parentOf = (name: string) => {
    const parts = name.split(':');
    for (let end = parts.length - 1; end >= 2; end--) {
      const parent = parts.slice(0, end).join(':');
      if (names.has(parent)) return parent;
    }
    return undefined;
  };
  const variantsLeft = selected.filter((run) => {
    const parent = parentOf(run.name);
    if (parent) repeats.push({ name: run.name, reason: `it is a variant of ${parent}, which is measured (name both in testTargetName to run both)` });
    return parent === undefined;
  });
  const keptNames = new Set(variantsLeft.map((run) => run.name));
  const kept = variantsLeft.filter((run) => {
    const called = run.command === undefined ? undefined : onlyScriptCalls(run.command);
    const repeated = called !== undefined && called.every((name) => name !== run.name && keptNames.has(name) && scripts[name] !== undefined);
    if (repeated) {
      repeats.push({ name: run.name, reason: `it only runs ${called.join(' and ')}, which ${called.length > 1 ? 'are' : 'is'} measured already` });
      keptNames.delete(run.name);
    }
    return !repeated;
  });
  return { kept, repeats };
}

/** The scripts a command runs when it does nothing but run package scripts (`pnpm run a && npm test`); undefined otherwise. */
function onlyScriptCalls(command: string): string[] | undefined {
  const names: string[] = [];
  for (const segment of command.split(/&&|;/)) {
    const argv = segment.trim().split(/\s+/);
    if (argv[0] === '') continue;
    const name = scriptName(argv);
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names.length > 0 ? names : undefined;
}
