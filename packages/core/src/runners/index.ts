// Jest, Vitest and other runners that make their own coverage: detection, the flags and hook
// that point their coverage at monocov's raw folder, and reading what they write.
export { RUNNER_LABELS, TEST_RUNNERS, detectCommandRunner, detectTargetRunner, runnerOfExecutor, runnersInCommand, type RunnerDetection, type TargetDescription, type TestRunner } from './detect';
export { flagsToArgv, runnerFlags, type FlagValue, type RunnerFlags, type RunnerFlagsOptions } from './flags';
export { RUNNER_HOOK_VARIABLE, runnerHookVariables } from './hook';
export { readIstanbulJson, readRunnerOutput, type IstanbulInput, type PathRoots } from './read-output';
export { resolveCollection, type CollectionRoute, type ResolveCollectionOptions } from './collector';
