import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { DEFAULT_INCLUDE } from './config/options';
import type { CoverageConfig } from './config/types';
import type { BuiltFileWithoutSources } from './convert';
import { compareStrings } from './compare';
import { unrepresentableCharacter, visibleControls } from './escape';
import { toPosix } from './workspace-path';
import { isObject } from './is-object';

/**
 * Which files are sources to measure: `run.include` minus the built-in omit list, `run.omit`
 * and the data directory. The filter runs for every script V8 reports, so globs are compiled
 * once and directory lookups are cached.
 */

/**
 * Rules that name tests: a test loading such a file is expected, so it is left out silently.
 * Test and output folders are anchored at the project root, as nyc's defaults anchor them: a
 * `src/executors/test/` or `src/commands/build/` folder holds sources. `__testfixtures__` holds
 * jscodeshift's input/output fixtures: test data, often not even valid code (valibot's zod-to-valibot
 * codemod has 213 of them beside its 210 sources). `*.test-d.*` / `*.spec-d.*` are Vitest's type tests
 * and `*.bench.*` / `*.benchmark.*` its benchmarks (its `typecheck.include` and `benchmark.include`):
 * never run by the tests, so they counted as untested sources (vuejs/core's root data listed its 20
 * type tests and 6 benchmarks at 0 %).
 */
const TEST_OMIT: readonly string[] = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/*.test-d.*',
  '**/*.spec-d.*',
  '**/*.bench.*',
  '**/*.benchmark.*',
  // Cypress's specs, end-to-end and component (`src/Button.cy.tsx` beside `src/Button.tsx`).
  '**/*.cy.*',
  'test/**',
  'tests/**',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/__testfixtures__/**',
  // The runners' setup files by their conventional names (Nx's `src/test-setup.ts` in every Jest
  // project it generates, create-react-app's `src/setupTests.ts`): Jest never instruments a
  // setup file, so monocov had counted nrwl/nx-examples' at 0 as untested sources.
  '**/test-setup.*',
  '**/setupTests.*',
  '**/jest.setup.*',
  '**/vitest.setup.*',
];

/** Always left out, whatever `run.omit` says: tests, declarations, generated code, dependencies, build output, config. */
export const BUILTIN_OMIT: readonly string[] = [
  ...TEST_OMIT,
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
  '**/generated/**',
  '**/*.generated.*',
  '**/*.gen.*',
  '**/node_modules/**',
  'dist/**',
  'build/**',
  'out/**',
  'coverage/**',
  '**/*.config.*',
];

/**
 * Only JavaScript and TypeScript can be measured: a broad include such as `src/**` must not
 * pull in JSON, CSS or Markdown that happen to sit beside the code.
 */
const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Folders whose whole content BUILTIN_OMIT leaves out wherever they are (plus VCS and Nx caches): listing never descends into them. */
const SKIPPED_DIRS = new Set(['__tests__', '__mocks__', '__testfixtures__', 'generated', 'node_modules', '.git', '.nx']);

/** Folders BUILTIN_OMIT leaves out at the project root only. */
const SKIPPED_ROOT_DIRS = new Set(['test', 'tests', 'dist', 'build', 'out', 'coverage']);

export interface SourceFilterOptions {
  workspaceRoot: string;
  /** The project's root: workspace-relative as Nx gives it (`packages/core`, `.` for the root project), or absolute. */
  projectRoot: string;
  run: Pick<CoverageConfig['run'], 'include' | 'omit' | 'source' | 'dataDir'>;
}

/** True when `absPath` (or a `file://` URL, as V8 reports scripts) is a source to measure. */
export interface SourceFilter {
  (absPath: string): boolean;
  /**
   * The files this filter was asked about (the scripts the tests loaded) that `include` selects
   * but a built-in rule other than the test rules left out, workspace-relative with the rule,
   * sorted: worth naming, since no `run` option brings them back.
   */
  omittedByBuiltinRules(): Array<{ path: string; rule: string }>;
  /** The files this filter was asked about that include/omit select but whose name no report can hold (unrepresentableNames). */
  unrepresentableNames(): UnrepresentableName[];
}

/**
 * A source that include/omit select but that is left out: its workspace-relative name holds a
 * control character (a line break, ESC…), which no report format can represent (a line break
 * would start a new lcov record) and the merge would reject. Named, never dropped silently.
 */
export interface UnrepresentableName {
  /** Workspace-relative, POSIX. */
  path: string;
  /** The first such character, as `U+000A`. */
  character: string;
}

export function createSourceFilter(options: SourceFilterOptions): SourceFilter {
  const selector = new SourceSelector(options);
  return Object.assign((absPath: string) => selector.accepts(absPath), {
    omittedByBuiltinRules: () => selector.omittedByBuiltinRules(),
    unrepresentableNames: () => selector.unrepresentableNames(),
  });
}

/** The warning for sources left out for their names, worded the same by every adapter; undefined when there are none. */
export function unrepresentableNamesWarning(names: UnrepresentableName[]): string | undefined {
  if (names.length === 0) return undefined;
  const shown = names.map(({ path, character }) => `"${visibleControls(path)}" (${character})`);
  return (
    `warning: left out ${names.length} source file(s) whose name holds a control character, which lcov, cobertura and HTML reports cannot represent: ${shown.join(', ')}` +
    ' (listed in meta.json `dropped`); rename them, or leave them out with run.omit'
  );
}

/** The warning for loaded files a built-in rule left out, worded the same by every adapter; undefined when there are none. */
export function builtinOmitWarning(omitted: Array<{ path: string; rule: string }>): string | undefined {
  if (omitted.length === 0) return undefined;
  const shown = omitted.slice(0, 10).map(({ path, rule }) => `${path} (${rule})`);
  const more = omitted.length > 10 ? `, and ${omitted.length - 10} more` : '';
  return (
    `warning: the tests loaded ${omitted.length} file(s) that the built-in omit list leaves out, so they are not measured: ${shown.join(', ')}${more}` +
    ' (docs/configuration.md#built-in-omit-list; built output counts through its source maps)'
  );
}

/** The warning for built files no test loaded whose maps name no workspace source (neverLoadedSources), worded the same by every adapter; undefined when there are none. */
export function builtWithoutSourcesWarning(built: ReadonlyArray<{ path: string; reason: BuiltFileWithoutSources['reason'] }>): string | undefined {
  if (built.length === 0) return undefined;
  const why = { 'outside the workspace': 'its sources are outside the workspace', 'not found': 'its sources do not exist', 'none named': 'it names no source' };
  const shown = built.slice(0, 10).map(({ path, reason }) => `${path} (${why[reason]})`);
  const more = built.length > 10 ? `, and ${built.length - 10} more` : '';
  return (
    `warning: ${built.length} built file(s) no test loaded count for no source: each ends with a sourceMappingURL, so it counts through its source map, as when a test loads it, but the map names no source file in the workspace: ${shown.join(', ')}${more}` +
    '; delete stale build output or rebuild it, or leave it out with run.omit (docs/configuration.md#built-output)'
  );
}

/**
 * `run.include` selects only built output (`lib/**` of a TypeScript package), whose counts go to
 * its maps' sources, which include/omit then leave out: nothing of the project is counted, and its
 * line would read 100 % of 0 files without this warning.
 */
export function builtOutputOnlyWarning(built: readonly string[]): string | undefined {
  if (built.length === 0) return undefined;
  const files = built.slice(0, 3).join(', ') + (built.length > 3 ? `, and ${built.length - 3} more` : '');
  const fix = `which counts through its source map's sources, and run.include or run.omit leave those out; select the sources instead ("src/**") (docs/configuration.md#built-output)`;
  return `warning: nothing of this project is counted: the files run.include selects are built output (${files}), ${fix}`;
}

export interface SourceScan {
  /** Absolute paths of every source under the project root, sorted. */
  files: string[];
  /** `run.include` globs that selected no file (after omits): worth a warning, likely a typo. */
  unmatchedIncludes: string[];
  /** Sources include/omit select that are left out for their names, sorted. */
  unrepresentable: UnrepresentableName[];
  /** Each folder walked, with the names it held: what `scanSourceFiles` checks before it reuses this scan. */
  listings: ReadonlyMap<string, string>;
}

/**
 * Every source file under the project root, for `run.all` (sources no test loaded count at 0).
 * Symlinks are not followed: Node loads modules by their real path, so a linked file would be
 * counted twice (or at 0 under a name V8 never reports), and linked folders can loop.
 * `earlier`, a scan of the same options made while the tests ran, is returned as it is when every
 * folder it walked still holds the same names: matching each file against the globs, not listing
 * the folders, is the scan's cost, and tests seldom add or remove sources.
 */
export function scanSourceFiles(options: SourceFilterOptions, earlier?: SourceScan): SourceScan {
  if (earlier !== undefined && [...earlier.listings].every(([dir, names]) => folderNames(dir) === names)) return earlier;
  const selector = new SourceSelector(options);
  // Globs without a leading `.` segment never match dot folders, so .next, .cache… are not walked.
  const walkDotDirs = options.run.include.some((glob) => /(^|\/)\./.test(glob));
  const files: string[] = [];
  const listings = new Map<string, string>();
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      listings.set(dir, ''); // vanished or unreadable folder: it holds nothing we could measure
      return;
    }
    listings.set(dir, namesOf(entries));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || (!walkDotDirs && entry.name.startsWith('.')) || selector.isDataDir(path)) continue;
        if (dir === selector.projectDir && SKIPPED_ROOT_DIRS.has(entry.name)) continue;
        walk(path);
      } else if (entry.isFile() && selector.accepts(path)) {
        files.push(path);
      }
    }
  };
  walk(selector.projectDir);
  files.sort();

  const matched = new Set<string>();
  const globs = options.run.include.map((glob) => ({ glob, match: compileGlobs([glob], false) }));
  for (const file of files) {
    const globPath = selector.globPath(file);
    if (globPath === undefined) continue;
    for (const { glob, match } of globs) if (!matched.has(glob) && match(globPath)) matched.add(glob);
  }
  return { files, unmatchedIncludes: options.run.include.filter((glob) => !matched.has(glob)), unrepresentable: selector.unrepresentableNames(), listings };
}

/** A folder's entries as one string, kinds included (a file that became a folder changes it), in readdir's order. */
function namesOf(entries: ReadonlyArray<{ name: string; isDirectory(): boolean }>): string {
  return entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).join('\0');
}

function folderNames(dir: string): string {
  try {
    return namesOf(readdirSync(dir, { withFileTypes: true }));
  } catch {
    return '';
  }
}

/**
 * The `run.include` globs worth a warning (a typo, likely): those the scan of the project's folder
 * left unmatched that, under `source: "workspace"`, also select none of the files the tests ran
 * (an e2e project's folder holds only its specs: its globs are meant for the app's and libraries'
 * files, relative to their package folders). The default include is no one's typo: never reported.
 */
export function includesMatchingNothing(options: SourceFilterOptions, unmatchedByScan: readonly string[], ranFiles: readonly string[]): string[] {
  const written = unmatchedByScan.filter((glob) => glob !== DEFAULT_INCLUDE);
  if (options.run.source !== 'workspace' || written.length === 0) return written;
  const selector = new SourceSelector(options);
  const globPaths = ranFiles.flatMap((file) => selector.globPath(file) ?? []);
  return written.filter((glob) => {
    const match = compileGlobs([glob], false);
    return !globPaths.some((path) => match(path));
  });
}

/** Absolute paths, sorted, of every source file under the project root. */
export function listSourceFiles(options: SourceFilterOptions): string[] {
  return scanSourceFiles(options).files;
}

class SourceSelector {
  readonly projectDir: string;
  private readonly workspaceDir: string;
  private readonly workspacePrefix: string;
  private readonly projectPrefix: string;
  private readonly dataDirPrefix: string;
  private readonly source: 'project' | 'workspace';
  private readonly include: (path: string) => boolean;
  private readonly omit: (path: string) => boolean;
  private readonly userOmit: (path: string) => boolean;
  private readonly testOmit = compileGlobs(TEST_OMIT, true);
  private readonly verdicts = new Map<string, boolean>();
  private readonly builtinOmitted = new Map<string, string>();
  private readonly unrepresentable = new Map<string, string>();
  private readonly packageDirs = new Map<string, { named?: string; nameless?: string }>();
  private readonly nestedPackages = new Map<string, boolean>();
  private readonly packageFolders = new Map<string, boolean>();

  constructor(options: SourceFilterOptions) {
    this.workspaceDir = resolve(options.workspaceRoot);
    this.projectDir = resolve(this.workspaceDir, options.projectRoot);
    this.workspacePrefix = withSep(this.workspaceDir);
    this.projectPrefix = withSep(this.projectDir);
    this.dataDirPrefix = withSep(resolve(this.workspaceDir, options.run.dataDir));
    this.source = options.run.source;
    // Include globs skip dot paths (.storybook, .eslintrc.js) unless they name one; omit globs
    // apply to dot paths too, so `**/test/**` also leaves out `.hidden/test/x.ts`.
    this.include = compileGlobs(options.run.include, false);
    this.omit = compileGlobs([...BUILTIN_OMIT, ...options.run.omit], true);
    this.userOmit = compileGlobs(options.run.omit, true);
  }

  omittedByBuiltinRules(): Array<{ path: string; rule: string }> {
    return [...this.builtinOmitted].sort(([a], [b]) => compareStrings(a, b)).map(([path, rule]) => ({ path, rule }));
  }

  unrepresentableNames(): UnrepresentableName[] {
    return [...this.unrepresentable].sort(([a], [b]) => compareStrings(a, b)).map(([path, character]) => ({ path, character }));
  }

  accepts(pathOrUrl: string): boolean {
    let verdict = this.verdicts.get(pathOrUrl);
    if (verdict === undefined) {
      verdict = this.decide(pathOrUrl);
      this.verdicts.set(pathOrUrl, verdict);
    }
    return verdict;
  }

  isDataDir(absDir: string): boolean {
    return withSep(absDir) === this.dataDirPrefix || absDir.startsWith(this.dataDirPrefix);
  }

  /** The POSIX path globs are matched against, or undefined when the file is out of reach. */
  globPath(absPath: string): string | undefined {
    if (!absPath.startsWith(this.workspacePrefix)) return undefined;
    const workspaceRelative = toPosix(absPath.slice(this.workspacePrefix.length));
    if (workspaceRelative.startsWith('node_modules/') || workspaceRelative.includes('/node_modules/')) return undefined;
    if (absPath.startsWith(this.dataDirPrefix)) return undefined;
    if (this.source === 'project') {
      if (!absPath.startsWith(this.projectPrefix) || this.inNestedPackage(dirname(absPath))) return undefined;
      return toPosix(absPath.slice(this.projectPrefix.length));
    }
    const packageDir = this.packageDirOf(dirname(absPath));
    return toPosix(absPath.slice(withSep(packageDir).length));
  }

  private decide(pathOrUrl: string): boolean {
    let absPath = pathOrUrl;
    if (pathOrUrl.startsWith('file:')) {
      try {
        absPath = fileURLToPath(pathOrUrl);
      } catch {
        return false;
      }
    } else if (/^[a-z][a-z\d+.-]+:/i.test(pathOrUrl)) {
      return false; // node:internal, data:, http: — never a workspace file (two letters or more, so not C:)
    }
    if (!SOURCE_EXTENSION.test(absPath)) return false;
    const globPath = this.globPath(absPath);
    if (globPath === undefined || !this.include(globPath)) return false;
    // The built-in rules anchored at a project's root (`dist/**`, `test/**`) hold at each package's root too
    // when the root project holds them all: a root Jest run with `projects` loads packages/server/dist/.
    const omitPaths = [globPath, ...(this.holdsPackages() ? [this.ownPackagePath(absPath)] : [])];
    if (!omitPaths.some((path) => this.omit(path))) {
      const workspaceRelative = toPosix(absPath.slice(this.workspacePrefix.length));
      const character = unrepresentableCharacter(workspaceRelative);
      if (character === undefined) return true;
      this.unrepresentable.set(workspaceRelative, character);
      return false;
    }
    if (!this.userOmit(globPath) && !omitPaths.some((path) => this.testOmit(path))) {
      const rule = BUILTIN_OMIT.find((glob) => omitPaths.some((path) => compileGlobs([glob], true)(path)));
      if (rule !== undefined) this.builtinOmitted.set(toPosix(absPath.slice(this.workspacePrefix.length)), rule);
    }
    return false;
  }

  /**
   * Whether a folder below the project's root, or one between them, is a package of its own: a
   * project.json, or a package.json with a name (an e2e test's sample app, a template, a nested
   * project), whose files are not this project's sources. A package.json without a name only marks
   * its folder's module type (`{"type": "module"}` in a dual package's `src/esm/` or tshy's
   * `dist/commonjs/`), and its files stay the project's. The workspace root's project holds every
   * package, so none is nested in it.
   */
  private inNestedPackage(dir: string): boolean {
    if (this.projectDir === this.workspaceDir || dir === this.projectDir || !dir.startsWith(this.projectPrefix)) return false;
    let nested = this.nestedPackages.get(dir);
    if (nested === undefined) {
      nested = this.isPackageDir(dir) || this.inNestedPackage(dirname(dir));
      this.nestedPackages.set(dir, nested);
    }
    return nested;
  }

  /** The workspace root's project under `source: "project"`: it holds every package (inNestedPackage). */
  private holdsPackages(): boolean {
    return this.source === 'project' && this.projectDir === this.workspaceDir;
  }

  /** The POSIX path of a file in the root project relative to the package that holds it (a project.json or named package.json), or to the root. */
  private ownPackagePath(absPath: string): string {
    const dir = this.enclosingPackages(dirname(absPath)).named ?? this.workspaceDir;
    return toPosix(absPath.slice(withSep(dir).length));
  }

  /** A project.json, or a package.json with a name: a package of its own (inNestedPackage). */
  private isPackageDir(dir: string): boolean {
    let found = this.packageFolders.get(dir);
    if (found === undefined) {
      found = existsSync(join(dir, 'project.json')) || isNamedPackage(join(dir, 'package.json'));
      this.packageFolders.set(dir, found);
    }
    return found;
  }

  /**
   * The folder a file's globs are relative to under source "workspace": its nearest package (isPackageDir), so that a
   * module-type marker (`src/esm/package.json`) is not taken for one; else its nearest package.json of any kind (a
   * workspace whose packages have no names); else the workspace root.
   */
  private packageDirOf(dir: string): string {
    const { named, nameless } = this.enclosingPackages(dir);
    return named ?? nameless ?? this.workspaceDir;
  }

  /** The nearest folder at or above `dir`, below the workspace root, that is a package (isPackageDir), and the nearest holding any package.json below that one. */
  private enclosingPackages(dir: string): { named?: string; nameless?: string } {
    let found = this.packageDirs.get(dir);
    if (found === undefined) {
      found = {};
      for (let current = dir; current !== this.workspaceDir && current.startsWith(this.workspacePrefix); current = dirname(current)) {
        if (this.isPackageDir(current)) {
          found.named = current;
          break;
        }
        if (found.nameless === undefined && existsSync(join(current, 'package.json'))) found.nameless = current;
      }
      this.packageDirs.set(dir, found);
    }
    return found;
  }
}

/**
 * Compiled once per process for each list: a run builds a filter for the raw data and another to
 * list the sources, and compiling some twenty globs is a noticeable part of a short conversion.
 */
const compiledGlobs = new Map<string, (path: string) => boolean>();

function compileGlobs(globs: readonly string[], dot: boolean): (path: string) => boolean {
  const key = JSON.stringify([dot, globs]);
  let matcher = compiledGlobs.get(key);
  if (!matcher) {
    // `s`: a `*` or `**` matches a name holding a line break too, so such a file is selected like any
    // other and then named (unrepresentableNames), not left out by the glob without a word.
    matcher = picomatch([...globs], { dot, flags: 's' });
    compiledGlobs.set(key, matcher);
  }
  return matcher;
}

function withSep(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}

/** Whether a package.json is there and names a package; one that cannot be read or parsed names none. */
function isNamedPackage(manifestPath: string): boolean {
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return isObject(manifest) && typeof manifest.name === 'string' && manifest.name !== '';
  } catch {
    return false; // a folder so named, or a file that is not JSON: no package the workspace tools would see either
  }
}
