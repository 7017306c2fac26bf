// What a test-like command runs, read from its words: real repos name lint, type and build checks
// `test:*` too (`test:eslint`, `test:types`), and root scripts that call the workspace tool
// itself (`nx affected --target=test:lib`). Both the Nx plugin and `monocov init` pick tested
// projects with this.

/** `unit`: a test runner whose code coverage monocov measures; `e2e`: a browser or end-to-end runner (not measured); `workspace`: the command runs nx, lerna or turbo, which would run the tests again under their own tasks. */
export type TestCommandKind = 'unit' | 'e2e' | 'workspace';

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
  if (UNIT_RUNNER.test(command)) return 'unit';
  const found = new Set<TestCommandKind>();
  for (const segment of command.split(/&&|\|\||[;|&]/)) {
    const name = scriptName(segment.trim().split(/\s+/));
    if (name === undefined || seen.has(name) || scripts[name] === undefined) continue;
    seen.add(name);
    const kind = kindOf(scripts[name], scripts, seen);
    if (kind) found.add(kind);
  }
  // A script that runs unit tests and something else counts as unit tests; one that only starts a workspace run does not.
  return (['unit', 'workspace', 'e2e'] as const).find((kind) => found.has(kind));
}

/** `npm test` → test, `npm run unit` → unit, `pnpm unit` / `yarn unit` → unit. */
function scriptName(argv: string[]): string | undefined {
  const [command, first, second] = argv;
  if (command === undefined || !PACKAGE_MANAGERS.test(command) || first === undefined) return undefined;
  if (first === 'test' || first === 't') return 'test';
  if ((first === 'run' || first === 'run-script') && second !== undefined) return second;
  return command === 'npm' || first.startsWith('-') ? undefined : first;
}
