// @monocov/nx: the Nx adapter over @monocov/core. Nx finds the executors through executors.json.
export { default as coverageExecutor } from './executors/coverage/coverage.impl';
