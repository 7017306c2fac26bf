// Jest, Vitest and other runners that make their own coverage: detection, the flags and hook
// that point their coverage at monocov's raw folder, and reading what they write.
export { RUNNER_LABELS, detectCommandRunner, detectTargetRunner, runnerOfExecutor, runnersInCommand, type RunnerDetection, type TestRunner } from './detect';
export { testCommandKind, whyNotTests, withoutRepeats, type TestCommandKind, type TestRun } from './test-commands';
export { runnerFlags, type FlagValue } from './flags';
export { REFUSAL_FILE, mergeRunnerArgs, runnerHookVariables, type MergedRunnerArgs } from './hook';
export { readIstanbulJson, readRunnerOutput, readRunnerRefusal, type IstanbulInput } from './read-output';
