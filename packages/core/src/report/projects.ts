import type { CoverageMapData } from 'istanbul-lib-coverage';
import { normalizeProjectRoot } from '../layout';
import type { MergedProject } from '../store/format';
import { compareStrings } from '../compare';

/** A project as reports and thresholds see it: the merged files that lie under its root. */
export interface ProjectGroup {
  /** Workspace-relative root ('.' for the root project); undefined for files no project owns. */
  projectRoot?: string;
  /** Project name; undefined for files no project owns. */
  project?: string;
  /** Workspace-relative paths, sorted. */
  files: string[];
}

/**
 * Groups merged files by the project whose root holds them (the deepest root wins; a project
 * at '.' takes whatever no other project holds). A file's hits come from every project whose
 * tests ran it, so a library's row shows the library's code as the whole workspace exercised
 * it. Files under no known root are grouped last, without a project.
 */
export function groupByProject(coverage: CoverageMapData, projects: ReadonlyArray<Pick<MergedProject, 'projectRoot' | 'project'>>): ProjectGroup[] {
  // One group per root: two names for one root (renamed project, old data) share the first name.
  const byRoot = new Map<string, ProjectGroup>();
  for (const { projectRoot, project } of projects) {
    const root = normalizeProjectRoot(projectRoot);
    if (!byRoot.has(root)) byRoot.set(root, { projectRoot: root, project, files: [] });
  }
  const unowned: ProjectGroup = { files: [] };
  for (const path of Object.keys(coverage).sort()) {
    (ownerOf(path, byRoot) ?? byRoot.get('.') ?? unowned).files.push(path);
  }
  const groups = [...byRoot.values()].sort((a, b) => compareStrings(a.projectRoot!, b.projectRoot!));
  if (unowned.files.length > 0) groups.push(unowned);
  return groups;
}

/**
 * The projects that own merged files: those with data, then the workspace's other projects (no
 * coverage target, no data) whose files the tests of others ran (`run.source: "workspace"`): a
 * library without tests of its own gets its row instead of joining the files outside any project.
 * The root project ('.') is not added: it would take every file no package holds.
 */
export function fileOwners(
  coverage: CoverageMapData,
  projects: ReadonlyArray<Pick<MergedProject, 'projectRoot' | 'project'>>,
  others: ReadonlyArray<Pick<MergedProject, 'projectRoot' | 'project'>> = [],
): Array<Pick<MergedProject, 'projectRoot' | 'project'>> {
  const known = new Set(projects.map(({ projectRoot }) => normalizeProjectRoot(projectRoot)));
  const candidates = others.filter(({ projectRoot }) => !known.has(normalizeProjectRoot(projectRoot)) && normalizeProjectRoot(projectRoot) !== '.');
  const owning = new Set(
    groupByProject(coverage, [...projects, ...candidates])
      .filter((group) => group.files.length > 0)
      .map((group) => group.projectRoot),
  );
  return [
    ...projects.map(({ projectRoot, project }) => ({ projectRoot, project })),
    ...candidates.filter(({ projectRoot }) => owning.has(normalizeProjectRoot(projectRoot))).map(({ projectRoot, project }) => ({ projectRoot, project })),
  ];
}

/**
 * The group of the deepest root that holds `path`, looked up folder by folder from the file up
 * (not root by root: a workspace of 10,000 projects and 200,000 files would compare every file
 * with every root); '.' is not looked up, as it holds only what no other root does.
 */
function ownerOf(path: string, byRoot: ReadonlyMap<string, ProjectGroup>): ProjectGroup | undefined {
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const folder = path.slice(0, end);
    if (folder !== '.') {
      const group = byRoot.get(folder);
      if (group !== undefined) return group;
    }
  }
  return undefined;
}

/**
 * How every report and message names a project: `packages/core (core)`, or just the root when
 * the name is its last segment or there is no project name.
 */
export function projectLabel(group: Pick<ProjectGroup, 'projectRoot' | 'project'>): string {
  if (group.projectRoot === undefined) return '(files outside any project)';
  const last = group.projectRoot.split('/').pop();
  return group.project === undefined || group.project === group.projectRoot || group.project === last ? group.projectRoot : `${group.projectRoot} (${group.project})`;
}
