import type { TargetConfiguration } from 'nx/src/devkit-exports';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type TargetInput = NonNullable<TargetConfiguration['inputs']>[number];

const RUN_OPTIONS_SCRIPT = 'node_modules/@monocov/core/bin/run-options-hash.js';

/**
 * A coverage target's input for the rc file. Of that file a project's data depends only on the
 * `run` options, so the input is a runtime one: a small script of @monocov/core that prints their
 * hash (meta.json's configHash), and editing thresholds or reporters reruns the merge alone. Nx
 * runs it when it hashes tasks, not per task (twice for a run-many of four tasks, Nx 22.6), each
 * one Node start of ~60 ms CPU. Without @monocov/core in the root node_modules (a global install)
 * the input is the whole file.
 */
export function runOptionsInput(workspaceRoot: string): TargetInput {
  return existsSync(join(workspaceRoot, RUN_OPTIONS_SCRIPT)) ? { runtime: `node ${RUN_OPTIONS_SCRIPT}` } : '{workspaceRoot}/.coveragerc.json';
}
