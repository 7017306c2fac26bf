export interface CoverageExecutorOptions {
  testTarget?: string | string[];
  testConfiguration?: string;
  include?: string[];
  omit?: string[];
  all?: boolean;
  source?: 'project' | 'workspace';
  collector?: 'auto' | 'v8' | 'jest' | 'vitest' | 'istanbul-json';
  istanbulJsonPath?: string;
}
