import { join, posix } from 'node:path';

/**
 * Where data lives (docs/data-format.md); the one owner of these names, for the engine, the CLI
 * and the Nx plugin's declared outputs alike:
 *
 *   <dataDir>/projects/<projectRoot>/   one project's data; the workspace root project's is projects/.root
 *   <dataDir>/workspace/                the merged data and the reports
 *
 * A project root keeps its name as the project graph gives it, hidden folders included
 * (`.github/actions/x` → `projects/.github/actions/x`): Nx caches and restores the declared
 * output, so the folder written must be exactly that one.
 */

const PROJECTS = 'projects';
const WORKSPACE = 'workspace';
/** The workspace root project's data folder inside `projects/` ('.' would be `projects/` itself). */
const ROOT_PROJECT = '.root';

/**
 * A project root as the data records and compares it: POSIX separators, no leading `./` and no
 * trailing `/`; the workspace root is '.'. (`./packages/core/` → `packages/core`, `.github/x` stays.)
 */
export function normalizeProjectRoot(projectRoot: string): string {
  const trimmed = projectRoot
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? '.' : trimmed;
}

/** `<dataDir>/projects`, relative to the workspace root as `dataDir` is (POSIX). */
export function projectsDataPath(dataDir: string): string {
  return posix.join(toSlashes(dataDir), PROJECTS);
}

/** `<dataDir>/workspace`, relative to the workspace root as `dataDir` is (POSIX): where the merged data and reports go. */
export function workspaceDataPath(dataDir: string): string {
  return posix.join(toSlashes(dataDir), WORKSPACE);
}

/** One project's data folder inside a `projects/` folder (this workspace's, or a baseline's to carry forward). */
export function projectDataIn(projectsFolder: string, projectRoot: string): string {
  const root = normalizeProjectRoot(projectRoot);
  return join(projectsFolder, root === '.' ? ROOT_PROJECT : root);
}

/** `<workspaceRoot>/<dataDir>/projects/<projectRoot>` (absolute when `workspaceRoot` is). */
export function projectDataDir(workspaceRoot: string, dataDir: string, projectRoot: string): string {
  return projectDataIn(join(workspaceRoot, projectsDataPath(dataDir)), projectRoot);
}

/**
 * The Nx `outputs` entry of a project's coverage target: its data folder, with Nx's own
 * `{projectRoot}` token where the folder is named after the root (so a moved project's target
 * stays right); the root project's folder is `.root`.
 */
export function projectDataOutput(dataDir: string, projectRoot: string): string {
  const folder = normalizeProjectRoot(projectRoot) === '.' ? ROOT_PROJECT : '{projectRoot}';
  return `{workspaceRoot}/${projectsDataPath(dataDir)}/${folder}`;
}

/** The Nx `outputs` entry of the workspace merge target. */
export function workspaceDataOutput(dataDir: string): string {
  return `{workspaceRoot}/${workspaceDataPath(dataDir)}`;
}

function toSlashes(path: string): string {
  return path.replace(/\\/g, '/');
}
