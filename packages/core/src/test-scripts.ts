/**
 * Which package.json scripts run tests, outside Nx: `test` (unless it is npm's placeholder or
 * calls a task runner over the workspace), and `test:*` scripts whose command starts a test
 * runner (`test:lib` running Vitest) — not the lint, type and build checks real repositories
 * also name `test:*` (`test:eslint`, `test:types`, `test:build`), nor e2e runners, which need a
 * browser or a deployed app.
 */

/** Commands of test runners as they appear in a script: the word itself, or `node --test`. */
const TEST_RUNNER = /(?:^|[\s;&|()'"=/])(?:vitest|jest|mocha|uvu|ava|tap|jasmine|karma|c8|nyc|tsx --test|node(?:\s+--[\w-]+(?:=\S+)?)*\s+--test)(?:\.m?js)?(?=$|[\s;&|()'"])/;
/** Scripts that run other projects' tasks: measuring them would measure the whole workspace under one package. */
const WORKSPACE_TASK_RUNNER = /(?:^|[\s;&|()'"=/])(?:nx|turbo|lerna)\s|(?:^|\s)(?:npm|pnpm|yarn|bun)\s[^;&|]*(?:--workspaces|-ws\b|-r\b|--recursive|--filter|workspaces\s+(?:run|foreach))/;
const NPM_PLACEHOLDER = 'no test specified';

export interface TestScript {
  name: string;
  command: string;
}

/** The package's test scripts, `test` first, then `test:*` in declaration order. */
export function testScripts(scripts: unknown): TestScript[] {
  if (scripts === null || typeof scripts !== 'object') return [];
  const found: TestScript[] = [];
  for (const [name, command] of Object.entries(scripts)) {
    if (typeof command !== 'string' || WORKSPACE_TASK_RUNNER.test(command)) continue;
    if (name === 'test' && !command.includes(NPM_PLACEHOLDER)) found.unshift({ name, command });
    else if (name.startsWith('test:') && TEST_RUNNER.test(command)) found.push({ name, command });
  }
  return found;
}
