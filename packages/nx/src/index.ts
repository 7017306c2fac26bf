// @monocov/nx: the Nx adapter over @monocov/core. Nx reads executors.json and generators.json;
// the package main is the inference plugin (nx.json "plugins": ["@monocov/nx"]).
import { createNodesV2 } from './plugins/plugin';
import { preTasksExecution } from './plugins/run-selection';

export { createNodesV2, preTasksExecution };
/** The inference plugin under the name later Nx majors read (the same tuple as createNodesV2). */
export const createNodes = createNodesV2;
export type { MonocovPluginOptions } from './plugins/plugin';
