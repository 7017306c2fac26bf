// @monocov/nx: the Nx adapter over @monocov/core. Nx reads executors.json and generators.json;
// the package main is the inference plugin (nx.json "plugins": ["@monocov/nx"]).
import { createNodesV2 } from './plugins/plugin';

export { createNodesV2 };
// Nx 22 reads createNodesV2; later majors read the same tuple under the name createNodes.
export const createNodes = createNodesV2;
export type { MonocovPluginOptions } from './plugins/plugin';
