// The mark that the user's --exclude/--projects left a project's coverage task out of the run
// (set by run-selection's hook before the tasks run; read by the coverage target's inputs and executor).

export interface NotSelected {
  root: string;
  /** Hash of the project's data folder before the run. */
  data: string;
}

/** The environment variable that marks the project's coverage task as left out of this run (an input of that task). */
export function notSelectedEnvName(projectRoot: string): string {
  const key = projectRoot === '.' || projectRoot === '' ? 'WORKSPACE_ROOT' : projectRoot.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return `MONOCOV_NX_NOT_SELECTED_${key}`;
}

/** Whether the user's --exclude/--projects left this project's coverage task out of the run (it is here only as a dependency of the merge). */
export function leftOutOfRun(projectRoot: string): boolean {
  const value = process.env[notSelectedEnvName(projectRoot)];
  if (value === undefined) return false;
  try {
    return (JSON.parse(value) as NotSelected).root === projectRoot;
  } catch {
    return false;
  }
}
