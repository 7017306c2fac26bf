export interface CoverageExecutorOptions {
  testTarget?: string;
  testConfiguration?: string;
  include?: string[];
  omit?: string[];
  all?: boolean;
  source?: 'project' | 'workspace';
}
