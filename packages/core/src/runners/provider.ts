import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { ConfigError } from '../errors';
import { HOOKS_DIR } from '../package-dir';
import { RUNNER_LABELS, type TestRunner } from './detect';

/**
 * The coverage provider a project's runner config names, read before the tests start so that
 * every run of the project (a target may run the runner twice, with two configs) uses it: data
 * of two providers has different maps for the same file and must never be summed.
 */
export interface ProjectProvider {
  runner: TestRunner;
  /** `v8` or `istanbul` (Vitest), `babel` or `v8` (Jest). */
  provider: string;
  /** Workspace-relative config file that names it, or that names none (the runner's default then applies); undefined when there is no config at all. */
  config?: string;
  /** Whether the config names it (else it is the runner's default). */
  named: boolean;
  /**
   * Vitest: the config runs every test in the browser (`browser: { enabled: true }`, no `projects`
   * or `workspace` of Node tests beside it). With provider `v8` its coverage goes through monocov's
   * own conversion (vitestBrowserFlags; docs/browser.md).
   */
  browser: boolean;
}

/** `"istanbul" (named in libs/a/vitest.config.ts)`, `"v8" (Vitest's default: libs/a/vitest.config.ts names none)`. */
export function describeProvider({ runner, provider, config, named }: ProjectProvider): string {
  if (config === undefined) return `"${provider}" (${RUNNER_LABELS[runner]}'s default: no config file)`;
  return named ? `"${provider}" (named in ${config})` : `"${provider}" (${RUNNER_LABELS[runner]}'s default: ${config} names none)`;
}

/** The runner's own default when its config names no provider. */
const DEFAULT_PROVIDER: Readonly<Record<TestRunner, string>> = { vitest: 'v8', jest: 'babel' };

/** Config files each runner reads from its working folder when its command names none, in its order. */
const CONFIG_FILES: Readonly<Record<TestRunner, string[]>> = {
  vitest: ['vitest.config', 'vite.config'].flatMap((base) => ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((ext) => `${base}.${ext}`)),
  jest: ['jest.config.ts', 'jest.config.js', 'jest.config.mjs', 'jest.config.cjs', 'jest.config.json'],
};

/** The coverage providers each runner has; anything else (Vitest's `custom`) is not forced. */
const PROVIDERS: Readonly<Record<TestRunner, string[]>> = { vitest: ['v8', 'istanbul'], jest: ['babel', 'v8'] };

/** A key's value when it is a string literal; `null` when it is something else (a variable, a call). */
const VALUE = /\s*:\s*(?:'([^'\n]*)'|"([^"\n]*)"|`([^`$\n]*)`)?/y;

function valueAt(text: string, index: number): string | null {
  VALUE.lastIndex = index;
  const match = VALUE.exec(text);
  return match?.[1] ?? match?.[2] ?? match?.[3] ?? null;
}

/**
 * The providers a config's text names: each `coverageProvider` (Jest), or each `provider` inside a
 * `coverage: { … }` object (Vitest, whose browser mode has a `provider` of its own). `null` for a
 * value that is not a string literal, or a `coverage` that is not an object literal.
 */
function namedProviders(runner: TestRunner, text: string): Array<string | null> {
  if (runner === 'jest') return [...text.matchAll(/["']?\bcoverageProvider["']?(?=\s*:)/g)].map((match) => valueAt(text, match.index + match[0].length));
  const named: Array<string | null> = [];
  for (const match of text.matchAll(/["']?\bcoverage["']?\s*:\s*/g)) {
    const start = match.index + match[0].length;
    if (text[start] !== '{') {
      named.push(null);
      continue;
    }
    const block = text.slice(start, blockEnd(text, start));
    for (const key of block.matchAll(/["']?\bprovider["']?(?=\s*:)/g)) named.push(valueAt(block, key.index + key[0].length));
    if (/[{,]\s*provider\s*(?=[,}])/.test(block)) named.push(null); // `{ provider }`, from a variable
  }
  return named;
}

/** The index after the `}` that closes the `{` at `start` (strings and comments are not told apart: a rough reading). */
function blockEnd(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && --depth === 0) return index + 1;
  }
  return text.length;
}

/**
 * Config files' texts, each read once however often a run asks (projectProvider, providerDisagreement,
 * vitestAstAwareRemapping): undefined for a file that is not there or cannot be read (a folder so named).
 */
export class ConfigTexts {
  private readonly texts = new Map<string, string | undefined>();

  read(file: string): string | undefined {
    if (!this.texts.has(file)) this.texts.set(file, readText(file));
    return this.texts.get(file);
  }
}

/**
 * The provider the project's config names, read from the config file the runner finds in the
 * project folder (or a Jest config in package.json). Undefined when it cannot be told: no config
 * file there (it may live elsewhere, named on the command line), or one that sets the provider
 * in a way a plain reading cannot follow (a variable, two different values). monocov then forces
 * nothing and, should runs still disagree, keeps one provider's data (readRunnerOutput).
 */
export function projectProvider(runner: TestRunner, workspaceRoot: string, projectRoot: string, configs = new ConfigTexts()): ProjectProvider | undefined {
  const projectDir = join(workspaceRoot, projectRoot);
  const file = CONFIG_FILES[runner].find((name) => existsSync(join(projectDir, name)));
  let text: string | undefined;
  let config: string | undefined;
  if (file !== undefined) {
    text = configs.read(join(projectDir, file));
    if (text === undefined) return undefined; // a folder so named, or a file that cannot be read: the Nx plugin asks too, and must not fail the project graph
    config = join(projectRoot, file);
  } else if (runner === 'jest') {
    const manifest = readManifest(projectDir);
    if (manifest?.jest !== undefined) {
      text = JSON.stringify(manifest.jest);
      config = join(projectRoot, 'package.json');
    }
  }
  if (text === undefined || config === undefined) return undefined;
  const named = new Set(namedProviders(runner, text));
  if (named.size > 1 || named.has(null)) return undefined;
  const provider = [...named][0] ?? DEFAULT_PROVIDER[runner];
  if (!PROVIDERS[runner].includes(provider)) return undefined;
  return { runner, provider, config: config.split('\\').join('/'), named: named.size > 0, browser: runner === 'vitest' && browserOnly(text) };
}

/** Command-line options under which Vitest may read a config, a root or a provider that no file of the project folder shows. */
const VITEST_CONFIG_OPTION = /(?:^|\s)(?:--config|-c|--root|-r|--dir|--project|--workspace|--coverage\.provider)(?:[=\s]|$)/;

/**
 * Vitest's provider for a project with no Vitest or Vite config file, in its folder or at the workspace
 * root (where a command of the root's runs), and a command that names none: Vitest's default, v8,
 * whose package must be installed as a named one's. Undefined when a config could come from elsewhere.
 */
export function configlessVitestProvider(command: string, workspaceRoot: string, projectRoot: string): ProjectProvider | undefined {
  const folders = [join(workspaceRoot, projectRoot), workspaceRoot];
  if (folders.some((dir) => CONFIG_FILES.vitest.some((name) => existsSync(join(dir, name))))) return undefined;
  if (VITEST_CONFIG_OPTION.test(command)) return undefined;
  return { runner: 'vitest', provider: DEFAULT_PROVIDER.vitest, named: false, browser: false };
}

/**
 * Whether a Vitest config's text runs its tests in the browser only: a `browser: { … }` with
 * `enabled: true`, and no `projects` or `workspace` whose Node tests would share the run (a rough
 * reading, like namedProviders: what it cannot tell keeps Vitest's own coverage).
 */
function browserOnly(text: string): boolean {
  if (/["']?\b(?:projects|workspace)["']?\s*:/.test(text)) return false;
  return [...text.matchAll(/["']?\bbrowser["']?\s*:\s*(?=\{)/g)].some((match) => {
    const start = match.index + match[0].length;
    return /["']?\benabled["']?\s*:\s*true\b/.test(text.slice(start, blockEnd(text, start)));
  });
}

/**
 * monocov's provider module for Vitest browser mode (`coverage.provider: "custom"`): plain ESM shipped
 * beside dist/, which Vite serves to the browser.
 */
export const VITEST_BROWSER_PROVIDER_MODULE = join(HOOKS_DIR, 'vitest-browser-coverage.mjs');

/**
 * Other configs the target's command names (`vitest --config vitest.ssr.config.ts`) whose provider
 * differs from the chosen one: one warning saying that every run uses the chosen provider, so
 * their data is summed on the same maps. Undefined when they agree or none is named.
 */
export function providerDisagreement(chosen: ProjectProvider, command: string, workspaceRoot: string, projectRoot: string, configs = new ConfigTexts()): string | undefined {
  const others: string[] = [];
  for (const file of namedConfigs(command, join(workspaceRoot, projectRoot))) {
    const config = relative(workspaceRoot, file).split('\\').join('/');
    if (config === chosen.config || !existsSync(file)) continue;
    // One that cannot be read (a folder so named) is read again for its error.
    const named = new Set(namedProviders(chosen.runner, configs.read(file) ?? readFileSync(file, 'utf8')));
    const provider = named.size === 1 ? [...named][0] : named.size === 0 ? DEFAULT_PROVIDER[chosen.runner] : null;
    if (provider === chosen.provider) continue;
    others.push(provider === null ? `${config} sets it in a way monocov cannot read` : named.size === 0 ? `${config} "${provider}" (the default)` : `${config} "${provider}"`);
  }
  if (others.length === 0) return undefined;
  return (
    `warning: the ${RUNNER_LABELS[chosen.runner]} configs of this target disagree on the coverage provider: ${chosen.config} ${chosen.named ? `"${chosen.provider}"` : `"${chosen.provider}" (the default)`}, ${others.join(', ')}. ` +
    `Every run uses "${chosen.provider}" so that their counts add up on the same statements (data of two providers is never summed); set it in each config to silence this`
  );
}

/** The config files a command names (`--config vitest.ssr.config.ts`, `-c=…`), resolved from the project folder. */
function namedConfigs(command: string, projectDir: string): string[] {
  return [...command.matchAll(/(?:^|\s)(?:--config|-c)(?:=|\s+)(['"]?)([^\s'"]+)\1/g)].map((match) => join(projectDir, match[2]!));
}

/** The Vitest option that makes its v8 provider remap V8's counts along the source's syntax tree (ast-v8-to-istanbul). */
const AST_AWARE_REMAPPING = 'experimentalAstAwareRemapping';

/**
 * Whether Vitest is given `coverage.experimentalAstAwareRemapping`. Without it the v8 provider of
 * Vitest 3.2 remaps with v8-to-istanbul, which makes every line a statement and takes functions and
 * branches as V8 saw them; with it, ast-v8-to-istanbul counts on the original source as istanbul
 * does, as Vitest 4's always does (it has no such option, nor has Vitest before 3.2). Given only
 * for @vitest/coverage-v8 3.2 or later 3.x installed for the project, when the provider may be v8
 * (`provider` undefined: Vitest decides; its istanbul provider ignores the option), and never when
 * the command or a Vitest config monocov can read (the project's, the workspace root's, one the
 * command names) mentions the option: the user's choice stands, as the flag would override it.
 */
export function vitestAstAwareRemapping(
  provider: string | undefined,
  command: string | undefined,
  workspaceRoot: string,
  projectRoot: string,
  configs = new ConfigTexts(),
): boolean {
  if (provider !== undefined && provider !== 'v8') return false;
  const projectDir = join(workspaceRoot, projectRoot);
  const version = installedVersion(createRequire(join(projectDir, 'package.json')), VITEST_PROVIDER_PACKAGES.v8!);
  const [major, minor] = (version ?? '').split('.').map(Number);
  if (major !== 3 || minor === undefined || !(minor >= 2)) return false;
  if (command?.includes(AST_AWARE_REMAPPING)) return false;
  const files = [projectDir, workspaceRoot].flatMap((dir) => CONFIG_FILES.vitest.map((name) => join(dir, name)));
  return ![...files, ...namedConfigs(command ?? '', projectDir)].some((file) => configs.read(file)?.includes(AST_AWARE_REMAPPING));
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // none there, or a folder so named
  }
}

/** Whether the project's Vitest runs go through monocov's browser provider module (collection/runner.ts). */
export function viaBrowserProvider(chosen: ProjectProvider): boolean {
  return chosen.runner === 'vitest' && chosen.browser && chosen.provider === 'v8';
}

/**
 * Whether the project's Vitest runs are measured in Chromium through monocov's own provider module
 * and conversion (a browser-only config with provider v8), rather than with Vitest's own coverage:
 * the choice collection/runner.ts makes, for the Nx plugin to describe.
 */
export function measuresVitestInBrowser(workspaceRoot: string, projectRoot: string): boolean {
  const chosen = projectProvider('vitest', workspaceRoot, projectRoot);
  return chosen !== undefined && viaBrowserProvider(chosen);
}

/** Vitest loads each provider from its own package, which projects install beside Vitest; Jest's are built in. */
const VITEST_PROVIDER_PACKAGES: Readonly<Record<string, string>> = { v8: '@vitest/coverage-v8', istanbul: '@vitest/coverage-istanbul' };

/**
 * Stops before the tests start when the provider's package cannot be loaded from the project
 * folder (Vitest would stop with MISSING DEPENDENCY after the tests), naming the exact command
 * that installs it with the workspace's package manager, at Vitest's own version, beside Vitest:
 * at the workspace root when the root declares Vitest and the project does not (one command then
 * serves every package, rather than one per package).
 */
export function checkProviderInstalled(chosen: ProjectProvider, workspaceRoot: string, projectRoot: string): void {
  // monocov's own provider module measures a browser-mode config with provider v8.
  const name = chosen.runner === 'vitest' && !viaBrowserProvider(chosen) ? VITEST_PROVIDER_PACKAGES[chosen.provider] : undefined;
  if (name === undefined) return;
  const projectDir = join(workspaceRoot, projectRoot);
  const resolveFrom = createRequire(join(projectDir, 'package.json'));
  if (resolvable(resolveFrom, `${name}/package.json`)) return;
  const version = installedVersion(resolveFrom, chosen.runner);
  const atRoot = projectRoot === '.' || projectRoot === '';
  const where = atRoot ? 'the workspace root' : projectRoot;
  const besideRootRunner = !atRoot && !declares(readManifest(projectDir), chosen.runner) && declares(readManifest(workspaceRoot), chosen.runner);
  throw new ConfigError(
    `${RUNNER_LABELS[chosen.runner]}'s coverage provider ${describeProvider(chosen)} needs ${name}, which cannot be found from ${where}. ` +
      `Install it before measuring coverage${besideRootRunner ? ` beside ${RUNNER_LABELS[chosen.runner]}, which the workspace root's package.json declares` : ''}: ` +
      installCommand(workspaceRoot, besideRootRunner ? '.' : projectRoot, version ? `${name}@${version}` : name),
  );
}

/** Whether a package.json lists `name` among its dependencies of any kind. */
function declares(manifest: Record<string, unknown> | undefined, name: string): boolean {
  return ['dependencies', 'devDependencies', 'optionalDependencies'].some((key) => {
    const deps = manifest?.[key];
    return deps !== null && typeof deps === 'object' && Object.hasOwn(deps, name);
  });
}

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** The workspace's package manager, from its lock file (npm without one). */
export function detectPackageManager(workspaceRoot: string): PackageManager {
  if (existsSync(join(workspaceRoot, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(workspaceRoot, 'yarn.lock'))) return 'yarn';
  if (existsSync(join(workspaceRoot, 'bun.lockb')) || existsSync(join(workspaceRoot, 'bun.lock'))) return 'bun';
  return 'npm';
}

/** The command, run at the workspace root, that adds `spec` to the project's devDependencies. */
export function installCommand(workspaceRoot: string, projectRoot: string, spec: string): string {
  const manager = detectPackageManager(workspaceRoot);
  const atRoot = projectRoot === '.' || projectRoot === '';
  const name = readManifest(join(workspaceRoot, projectRoot))?.name;
  const project = typeof name === 'string' ? name : projectRoot;
  switch (manager) {
    case 'pnpm':
      return atRoot ? `pnpm add -D -w ${spec}` : `pnpm --filter ${project} add -D ${spec}`;
    case 'yarn':
      return atRoot ? `yarn add -D ${spec}` : `yarn workspace ${project} add -D ${spec}`;
    case 'bun':
      return atRoot ? `bun add -d ${spec}` : `cd ${relative(workspaceRoot, join(workspaceRoot, projectRoot)) || '.'} && bun add -d ${spec}`;
    case 'npm':
      return atRoot ? `npm install -D ${spec}` : `npm install -D ${spec} -w ${projectRoot}`;
  }
}

/** The version of a package (a runner, a provider) as the project folder resolves it. */
function installedVersion(resolveFrom: NodeRequire, name: string): string | undefined {
  try {
    const version: unknown = JSON.parse(readFileSync(resolveFrom.resolve(`${name}/package.json`), 'utf8')).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined; // not installed there: the command will say so
  }
}

function resolvable(resolveFrom: NodeRequire, request: string): boolean {
  try {
    resolveFrom.resolve(request);
    return true;
  } catch {
    return false;
  }
}

function readManifest(dir: string): Record<string, unknown> | undefined {
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return manifest !== null && typeof manifest === 'object' ? (manifest as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
