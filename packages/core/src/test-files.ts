import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Whether a project has tests to measure. A test run that finds no test file fails (Vitest, Jest,
// `ng test`) or measures nothing, so a project without any gets no coverage target or script.
// Conservative: a project keeps its target unless nothing anywhere points at tests — no file named
// as the runners find them by default, and no command, option or config that names its own files.

const SCRIPT = String.raw`\.[cm]?[jt]sx?$`;
/**
 * The runners' default test files, together: Jest (`*.test.*`, `*.spec.*`, `__tests__/`), Vitest,
 * Karma (`*.spec.ts`), Playwright (`*.spec.*`, `*.test.*`), `node --test` (`*.test.*`, `*-test.*`, `*_test.*`, `test-*`, `test.*`, files
 * in `test/`), mocha (`test/`), ava (`tests/`, `test-*`), tap, bun (`*_spec.*`) and deno.
 */
const TEST_NAME = new RegExp(String.raw`(?:^|/)(?:[^/]*[._-](?:test|spec)|test[-_][^/]*|test|spec)${SCRIPT}`, 'i');
const TEST_FOLDER = new RegExp(String.raw`(?:^|/)(?:test|tests|__tests__|spec|specs|__specs__)/(?:[^/]+/)*[^/]+${SCRIPT}`, 'i');

/** Globs that find every candidate test file (then filtered by isTestFile), for a file index such as Nx's. */
export const TEST_FILE_GLOBS = ['**/*{.,-,_}{test,spec}.*', '**/{test,spec}{-,_}*', '**/{test,spec}.*', '**/{test,tests,__tests__,spec,specs,__specs__}/**/*'];

/** Whether a project-relative or workspace-relative path names a test file as the runners find them by default. */
export function isTestFile(path: string): boolean {
  const posix = path.replace(/\\/g, '/');
  return !/(?:^|\/)node_modules\//.test(posix) && (TEST_NAME.test(posix) || TEST_FOLDER.test(posix));
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);

/**
 * Whether `accept` holds for a file of the project folder, given its project-relative path with `/`
 * (node_modules, build output and dot folders left out: what the project installs or builds is not
 * its own); stops at the first.
 */
export function someProjectFile(projectDir: string, accept: (path: string) => boolean): boolean {
  const walk = (dir: string, prefix: string): boolean => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries) {
      const path = `${prefix}${entry.name}`;
      if (entry.isFile() && accept(path)) return true;
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name) && walk(join(dir, entry.name), `${path}/`)) return true;
    }
    return false;
  };
  return walk(projectDir, '');
}

/** Whether the folder holds a test file (someProjectFile's folders); stops at the first. */
export function hasTestFile(projectDir: string): boolean {
  return someProjectFile(projectDir, isTestFile);
}

/** Whether the project's test run would find no test file: none is named as the runners find them by default, and the run picks none of its own. */
export function findsNoTestFile(args: OwnTestDiscoveryArgs): boolean {
  return !hasTestFile(join(args.workspaceRoot, args.projectRoot)) && ownTestDiscovery(args) === undefined;
}

/** The message for a project whose test run would find no test file. */
export const NO_TEST_FILES =
  'no test files: none of its files is named like a test (*.test.*, *.spec.*, *-test.*, *_test.*, test-*, test.*) or sits in a test/, tests/ or __tests__/ folder, ' +
  'and its test run names no files of its own';

/**
 * Why a test target or script is not measured when its run would find no test file, with the fix:
 * one wording for the Nx plugin's inference, `monocov init` and the configuration generator.
 * `then` is what follows once the project has tests (`run monocov init again`).
 */
export function noTestFilesReason(then: string): string {
  return `${NO_TEST_FILES}; add a test file, or name the test files in its test command, target options or runner config, then ${then}`;
}

const CONFIG_FILE = /^(?:(?:jest|vitest|vite|ava|karma|playwright)\.conf(?:ig)?(?:\.[\w-]+)?\.[cm]?[jt]s|\.mocharc\.[\w]+|\.taprc|\.c8rc(?:\.json)?|angular\.json)$/;
// Keys by which runners' configs and Nx executors' options pick test files of their own; in a
// config's text only as a key (`include:`, `"spec":`): angular.json's `"tsConfig": "tsconfig.spec.json"` picks nothing.
const DISCOVERY_KEY_NAMES = String.raw`\b(?:testMatch|testRegex|testPathPattern|roots|include|spec|files|testFiles|testDir)\b`;
const DISCOVERY_KEYS = new RegExp(DISCOVERY_KEY_NAMES);
const DISCOVERY_KEY_IN_TEXT = new RegExp(String.raw`${DISCOVERY_KEY_NAMES}["']?\s*:`);
// Options that name a runner's config (not tsConfig: a tsconfig's `include` compiles files, it does not pick tests).
const CONFIG_OPTION = /^(?:jestConfig|configFile|karmaConfig|config|vitestConfig)$/;
const PATH_WORD = /[/*]|\.[a-z]+$/i;

/** A project's test run, as ownTestDiscovery and findsNoTestFile read it. */
export interface OwnTestDiscoveryArgs {
  workspaceRoot: string;
  projectRoot: string;
  /** The test commands, when the targets run commands. */
  commands: ReadonlyArray<string | undefined>;
  /** The test targets' options (executor options of @nx/jest:jest, @nx/vite:test, karma…). */
  options: ReadonlyArray<Record<string, unknown> | undefined>;
}

/**
 * What shows that the project's test run finds its tests by rules of its own (so missing default
 * names prove nothing), or undefined: a path or glob among the command's words, a discovery key
 * in the target's options or in a runner config of the project (or one the options name), or in
 * the package.json sections of Jest, ava or mocha.
 */
export function ownTestDiscovery(args: OwnTestDiscoveryArgs): string | undefined {
  const { workspaceRoot, projectRoot, commands, options } = args;
  for (const command of commands) {
    const word = command?.split(/\s+/).find((part, index) => index > 0 && !part.startsWith('-') && PATH_WORD.test(part.replace(/^['"]|['"]$/g, '')));
    if (word !== undefined) return `its command names "${word}"`;
  }
  for (const entry of options) {
    for (const [key, value] of Object.entries(entry ?? {})) {
      if (key === 'command' || key === 'commands' || key === 'cwd' || key === 'script') continue;
      if (DISCOVERY_KEYS.test(key)) return `its option "${key}" picks the test files`;
      if (typeof value === 'string' && CONFIG_OPTION.test(key) && configPicksFiles(join(workspaceRoot, value))) return `its ${key} ${value} picks the test files`;
    }
  }
  const projectDir = join(workspaceRoot, projectRoot);
  let names: string[];
  try {
    names = readdirSync(projectDir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (CONFIG_FILE.test(name) && configPicksFiles(join(projectDir, name))) return `${name} picks the test files`;
  }
  if (names.includes('package.json')) {
    try {
      const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
      const section = ['jest', 'ava', 'mocha', 'tap'].find((key) => manifest?.[key] !== undefined && DISCOVERY_KEY_IN_TEXT.test(JSON.stringify(manifest[key])));
      if (section) return `package.json "${section}" picks the test files`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function configPicksFiles(path: string): boolean {
  try {
    return DISCOVERY_KEY_IN_TEXT.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}
