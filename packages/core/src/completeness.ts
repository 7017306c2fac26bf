import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { configHash } from './config/load';
import type { CoverageConfig } from './config/types';
import { builtOutputMap, builtOutputSources } from './convert/inner-maps';
import { createSourceFilter, listSourceFiles } from './files';
import type { CombineResult } from './combine';
import { normalizeProjectRoot } from './layout';
import { projectLabel } from './report/projects';
import type { ProjectCompleteness, ProjectDataState } from './store/format';
import { toPosix } from './workspace-path';
import { MEASURED_BY_ROOT, ownCoverageScriptReason, rootTestScript, runsMonocov, testScripts } from './test-scripts';
import { findsNoTestFile, NO_TEST_FILES } from './test-files';
import { readWorkspaceMembers } from './workspace-members';
import { compareStrings } from './compare';

/**
 * Which projects the merged data should hold, and which it lacks. A merge of whatever data
 * happens to be on disk silently shrinks the denominator when a project's data is missing (its
 * coverage never ran, failed before writing, or was deleted) or when old data stands in for
 * code that has changed. Given the projects that should have data (from the Nx project graph,
 * or `monocov merge --expect`), this names each one that does not, and why.
 *
 * Data is stale when it was made for other inputs than the project has now:
 * - another configuration: meta.json `configHash` differs from the hash of the `run` options the
 *   project's coverage would use now (rc file plus its target's own options);
 * - other sources: a file the data holds changed or was deleted since (meta.json `sources`), or,
 *   with `run.all`, a source file the project's include selects now is absent from the data
 *   (added since: the data cannot count it, not even at 0%).
 */

export interface ExpectedProject {
  project: string;
  /** Workspace-relative folder ('.' for the root project). */
  projectRoot: string;
  /** Why the project is not expected to have data ("no test target"); absent when it is. */
  untested?: string;
  /**
   * True when `untested` is inferred from the project's files (its test run would find no test file:
   * findsNoTestFile), not declared by the workspace: data found for it wins, and it is checked as expected.
   */
  untestedInferred?: boolean;
  /** The `run` options its coverage would be collected with now; default the rc file's. */
  run?: CoverageConfig['run'];
  /** Its coverage was left out of this run (Nx `--exclude`/`--projects`): without data, it was never measured here, nothing failed. */
  leftOut?: boolean;
}

/** Why a project left out of the run has no data: in a first run scoped with `-p`, most projects. */
const LEFT_OUT_WITHOUT_DATA = 'no data — left out of this run (--exclude/--projects) and not measured before: run its coverage target once';

/** Which expected projects the merged data holds current data for, and why the others are not (checkCompleteness). */
export interface Completeness {
  /** Every expected project and every unexpected one found in the data, sorted by root. */
  projects: ProjectCompleteness[];
}

export interface CompletenessOptions {
  workspaceRoot: string;
  expected: ExpectedProject[];
  merged: Pick<CombineResult, 'projects' | 'projectInputs'>;
  /** The rc file's `run` options, for expected projects that bring none of their own. */
  run: CoverageConfig['run'];
}

/** States that make the data incomplete: `--require-complete` fails on them. */
export const INCOMPLETE_STATES: readonly ProjectDataState[] = ['missing', 'stale', 'failed', 'killed', 'unexpected'];

export function isIncomplete(entry: ProjectCompleteness): boolean {
  return INCOMPLETE_STATES.includes(entry.state);
}

export function checkCompleteness(options: CompletenessOptions): Completeness {
  const workspaceRoot = resolve(options.workspaceRoot);
  const expectedRoots = new Set(options.expected.map((project) => normalizeProjectRoot(project.projectRoot)));
  const present = new Set(options.merged.projects.map((project) => normalizeProjectRoot(project.projectRoot)));
  const entries: ProjectCompleteness[] = [];
  // Each project's inputs by root, found once: looking them up per project took every input for
  // every project (10,000 projects: 10^8 root comparisons).
  const inputsByRoot = new Map<string, CombineResult['projectInputs']>();
  for (const input of options.merged.projectInputs) {
    const root = normalizeProjectRoot(input.projectRoot);
    const own = inputsByRoot.get(root);
    if (own === undefined) inputsByRoot.set(root, [input]);
    else own.push(input);
  }

  for (const expected of options.expected) {
    const root = normalizeProjectRoot(expected.projectRoot);
    const base = { project: expected.project, projectRoot: root };
    if (expected.untested !== undefined && !(expected.untestedInferred && present.has(root))) {
      entries.push(
        present.has(root)
          ? { ...base, state: 'unexpected', reasons: [`${expected.untested}, yet data was merged (left from an earlier run?)`] }
          : { ...base, state: 'untested', reasons: [expected.untested] },
      );
      continue;
    }
    if (!present.has(root)) {
      entries.push({ ...base, state: 'missing', reasons: expected.leftOut ? [LEFT_OUT_WITHOUT_DATA] : [] });
      continue;
    }
    const own = inputsByRoot.get(root) ?? [];
    const reasons = staleReasons(workspaceRoot, root, expected.run ?? options.run, own);
    // A failed or killed run is the first thing to fix: named first, with any staleness after it;
    // a kill (a CI timeout, the out-of-memory killer) outranks a failure among several inputs.
    const failures = own.flatMap((input) => input.failure ?? []);
    if (failures.length > 0) {
      const state = failures.some((failure) => failure.state === 'killed') ? 'killed' : 'failed';
      entries.push({ ...base, state, reasons: [...new Set(failures.map((failure) => failure.reason)), ...reasons] });
    } else entries.push({ ...base, state: reasons.length > 0 ? 'stale' : 'current', reasons });
  }

  const unexpectedRoots = new Set<string>();
  for (const found of options.merged.projects) {
    const root = normalizeProjectRoot(found.projectRoot);
    if (expectedRoots.has(root) || unexpectedRoots.has(root)) continue;
    unexpectedRoots.add(root);
    entries.push({ project: found.project, projectRoot: root, state: 'unexpected', reasons: ['not a project of the workspace now (removed or moved?)'] });
  }
  return { projects: entries.sort((a, b) => compareStrings(a.projectRoot, b.projectRoot) || compareStrings(a.project, b.project)) };
}

/** `own`: the inputs of the project at `root`. */
function staleReasons(workspaceRoot: string, root: string, run: CoverageConfig['run'], own: CombineResult['projectInputs']): string[] {
  // Only per-project data records how it was made; merged workspace data (CI shards) cannot be judged.
  if (own.length === 0) return [];
  const reasons: string[] = [];
  const hash = configHash({ run });
  if (own.some((input) => input.configHash !== hash)) {
    reasons.push('collected with other `run` options than the project has now (.coveragerc.json or its coverage target changed)');
  }
  const changed = [...new Set(own.flatMap((input) => input.staleFiles))].sort();
  if (changed.length > 0) reasons.push(`${changed.length} source file(s) changed or deleted since: ${sample(changed)}`);
  if (run.all) {
    const held = new Set(own.flatMap((input) => input.files));
    const added = addedSources(workspaceRoot, root, run, held);
    if (added.length > 0) reasons.push(`${added.length} source file(s) added since: ${sample(added)}`);
  }
  return reasons;
}

/**
 * The sources the project's run would count now (run.all) that `held` lacks, workspace-relative: the
 * files its include selects, except built output, which counts through its map's sources by the run's
 * own rule (builtOutputSources). Only the files the data lacks are read.
 */
function addedSources(workspaceRoot: string, projectRoot: string, run: CoverageConfig['run'], held: ReadonlySet<string>): string[] {
  const relativePath = (file: string) => toPosix(relative(workspaceRoot, file));
  const include = createSourceFilter({ workspaceRoot, projectRoot, run });
  const added = new Set<string>();
  for (const file of listSourceFiles({ workspaceRoot, projectRoot, run })) {
    if (held.has(relativePath(file))) continue;
    const map = builtOutputMap(workspaceRoot, file, readText(file));
    if (!map) {
      added.add(relativePath(file));
      continue;
    }
    for (const { path } of builtOutputSources(map, include).counted) if (!held.has(relativePath(path))) added.add(relativePath(path));
  }
  return [...added].sort(compareStrings);
}

/** A listed source's text; '' when it vanished since (then it is no built output). */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function sample(paths: string[]): string {
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`;
}

/**
 * One line per project that is not `current`, as the CLI and the Nx executor print them.
 * `metaFile`, the workspace meta.json as the user's path to it, is named as holding every reason.
 */
export function describeCompleteness(completeness: Completeness, { verbose = false, metaFile }: { verbose?: boolean; metaFile?: string } = {}): string[] {
  const lines = completeness.projects
    .filter((entry) => entry.state !== 'current' && (verbose || entry.state !== 'untested'))
    .map((entry) => {
      const label = projectLabel(entry);
      switch (entry.state) {
        case 'missing':
          return entry.reasons.length > 0
            ? `${label}: ${entry.reasons.join('; ')}`
            : `${label}: no data — its coverage did not run, failed before writing, or its data was deleted or not restored by a cache (check the task's outputs)`;
        case 'stale':
          return `${label}: stale data — ${entry.reasons.join('; ')}`;
        case 'failed':
          return `${label}: failed — ${entry.reasons.join('; ')}`;
        case 'killed':
          return `${label}: killed — ${entry.reasons.join('; ')}`;
        case 'unexpected':
          return `${label}: unexpected data — ${entry.reasons.join('; ')}`;
        case 'carried-forward':
          return `${label}: carried forward — ${entry.reasons.join('; ')}`;
        default:
          return `${label}: not measured — ${entry.reasons.join('; ')}`;
      }
    });
  // Projects without tests are expected, often many (example apps): one line, the reasons in
  // --verbose and meta.json (the Markdown summary names the projects, without reasons).
  // Packages whose files the root's tests measure (MEASURED_BY_ROOT) are in the table, not "not measured" there.
  const untested = completeness.projects.filter((entry) => entry.state === 'untested' && !entry.reasons.includes(MEASURED_BY_ROOT));
  if (!verbose && untested.length > 0) {
    const names = untested.slice(0, 5).map((entry) => entry.projectRoot);
    const more = untested.length > 5 ? ` and ${untested.length - 5} more` : '';
    const where = metaFile === undefined ? '' : `, as does "completeness" in ${metaFile}`;
    lines.push(`not measured: ${untested.length} project(s) without a coverage target (${names.join(', ')}${more}); --verbose lists each reason${where}`);
  }
  return lines;
}

/**
 * The projects `monocov merge --expect` names: each argument a project folder or a glob of
 * folders (`packages/*`), relative to the workspace root. A folder named outright is expected
 * to have data. A glob selects folders holding a package.json or project.json, and those
 * without a `test` script or target, or whose test run would find no test file (and that have
 * no data), are listed as untested instead.
 */
export function findExpectedProjects(workspaceRoot: string, patterns: string[], dataDir: string): ExpectedProject[] {
  const root = resolve(workspaceRoot);
  const named = new Set<string>();
  const matched = new Set<string>();
  for (const pattern of patterns) {
    const normalized = normalizeProjectRoot(pattern);
    if (!picomatch.scan(normalized).isGlob) {
      named.add(normalized);
      continue;
    }
    const matches = picomatch(normalized);
    for (const dir of projectFolders(root, dataDir)) if (matches(dir)) matched.add(dir);
  }
  return [...new Set([...named, ...matched])].sort(compareStrings).map((projectRoot) => describeFolder(root, projectRoot, named.has(projectRoot)));
}

/** Workspace-relative folders holding a package.json or project.json, outside node_modules, dot folders and the data dir. */
function projectFolders(workspaceRoot: string, dataDir: string): string[] {
  const skipped = normalizeProjectRoot(dataDir);
  const found: string[] = [];
  const walk = (rel: string): void => {
    const abs = join(workspaceRoot, rel);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    if (rel !== '' && entries.some((entry) => entry.isFile() && (entry.name === 'package.json' || entry.name === 'project.json'))) found.push(rel);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (child !== skipped) walk(child);
    }
  };
  walk('');
  return found;
}

/**
 * The packages the workspace's package manager declares (npm, yarn and bun `workspaces`,
 * pnpm-workspace.yaml, lerna.json): what `monocov merge` expects when no --expect is given.
 * Those without a test script, or whose test run would find no test file (and that have no
 * data), are listed as untested. When none is tested, the root is expected instead if its `test`
 * script runs the tests itself (rootTestScript: `monocov init` measures it), and a package without a
 * test script of its own is untested for that reason. Empty outside a workspace.
 */
export function findWorkspaceMemberProjects(workspaceRoot: string): ExpectedProject[] {
  const root = resolve(workspaceRoot);
  const folders = readWorkspaceMembers(root).folders;
  if (folders.length === 0) return [];
  const members = folders.map((projectRoot) => describeFolder(root, projectRoot, false));
  // The root is measured only where no package is, as init decides.
  if (members.some((member) => member.untested === undefined)) return members;
  // The root's `coverage` script is the workspace's (it merges), not the root project's own: only its `test` script counts.
  const manifest = readJson(join(root, 'package.json'));
  if (folders.includes('.') || rootTestScript(root, manifest?.scripts) === undefined) return members;
  return [
    { project: stringOr(manifest?.name) ?? basename(root), projectRoot: '.' },
    ...members.map((member) => (member.untested === NO_TEST_SCRIPT_OR_TARGET ? { ...member, untested: MEASURED_BY_ROOT } : member)),
  ];
}

const NO_TEST_SCRIPT_OR_TARGET = 'no test script or target';

function describeFolder(workspaceRoot: string, projectRoot: string, named: boolean): ExpectedProject {
  const dir = join(workspaceRoot, projectRoot);
  const project = readJson(join(dir, 'project.json'));
  const manifest = readJson(join(dir, 'package.json'));
  const name = stringOr(project?.name) ?? stringOr(manifest?.name) ?? (projectRoot === '.' ? basename(workspaceRoot) : basename(projectRoot));
  const scripts = manifest?.scripts as Record<string, unknown> | undefined;
  if (named) return { project: name, projectRoot };
  // A package's own coverage script (\`vitest run --coverage\`) writes no monocov data: not expected, as \`monocov init\` leaves it unmeasured, unless data shows it is measured.
  if (typeof scripts?.coverage === 'string')
    return runsMonocov(scripts.coverage)
      ? { project: name, projectRoot }
      : { project: name, projectRoot, untested: ownCoverageScriptReason(scripts.coverage), untestedInferred: true };
  const testTarget = ((project?.targets as Record<string, unknown> | undefined)?.test ?? (manifest?.nx as { targets?: Record<string, unknown> } | undefined)?.targets?.test) as
    { options?: Record<string, unknown> } | undefined;
  const tests = testScripts(scripts);
  if (testTarget === undefined && tests.length === 0) return { project: name, projectRoot, untested: NO_TEST_SCRIPT_OR_TARGET };
  // The rule `monocov init` applies before it adds a coverage script, so a package it left without one is not expected either.
  const targetCommand = testTarget?.options?.command;
  const noTestFiles = findsNoTestFile({
    workspaceRoot,
    projectRoot,
    commands: [...tests.map((script) => script.command), ...(typeof targetCommand === 'string' ? [targetCommand] : [])],
    options: [testTarget?.options],
  });
  return noTestFiles ? { project: name, projectRoot, untested: NO_TEST_FILES, untestedInferred: true } : { project: name, projectRoot };
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
