export interface MergeExecutorOptions {
  inputs?: string[];
  outputDir?: string;
  ignoreErrors?: boolean;
  files?: boolean;
  diff?: boolean | string;
  requireComplete?: boolean;
  carryForward?: string;
  baseline?: string;
  baselineRef?: string;
}
