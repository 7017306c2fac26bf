import { join } from 'node:path';
import type { CoverageConfig } from '../config/types';
import { createSourceFilter, type SourceFilter } from '../files';

/**
 * The `run` options that select what a project's data may hold: its include and omit (with the
 * built-in omit list), anchored at its root as `monocov run` anchors them. `projectRoot` is
 * undefined for data that names no project (bare istanbul JSON, a file merged workspace data
 * lists under none).
 */
export type RunOptionsOf = (projectRoot: string | undefined) => CoverageConfig['run'];

/**
 * Whether a data entry is one its project's include/omit select, judged as `monocov run` judges
 * the scripts it converts (files.ts), after `paths` remapping: data from another machine, a cache
 * or a shard cannot bring in a test file, a config file or anything the rc file leaves out.
 * An entry several projects' data hold (`source: "workspace"`) is kept when one of them selects
 * it. Data of no project is judged against the nearest package folder of each file, as
 * `source: "workspace"` anchors globs. Filters are built once per project.
 */
export function createSelection(workspaceRoot: string, runOf: RunOptionsOf): (path: string, projectRoots: readonly string[]) => boolean {
  const filters = new Map<string | undefined, SourceFilter>();
  const filterOf = (projectRoot: string | undefined): SourceFilter => {
    let filter = filters.get(projectRoot);
    if (filter === undefined) {
      const run = runOf(projectRoot);
      filter =
        projectRoot === undefined
          ? createSourceFilter({ workspaceRoot, projectRoot: '.', run: { ...run, source: 'workspace' } })
          : createSourceFilter({ workspaceRoot, projectRoot, run });
      filters.set(projectRoot, filter);
    }
    return filter;
  };
  return (path, projectRoots) => {
    const abs = join(workspaceRoot, path);
    return projectRoots.length === 0 ? filterOf(undefined)(abs) : projectRoots.some((root) => filterOf(root)(abs));
  };
}
