// Jest, Vitest and other runners that make their own coverage: detection, the flags and hook
// that point their coverage at monocov's raw folder, and reading what they write.
export {
  RUNNER_LABELS,
  detectCommandRunner,
  detectTargetRunner,
  runnerOfExecutor,
  runnersInCommand,
  type RunnerDetection,
  type TestRunner,
} from './detect';
export { flagsToArgv, runnerFlags, type FlagValue } from './flags';
export { runnerHookVariables } from './hook';
export { readIstanbulJson, readRunnerOutput, type IstanbulInput } from './read-output';
export { resolveCollection, type CollectionRoute } from './collector';
