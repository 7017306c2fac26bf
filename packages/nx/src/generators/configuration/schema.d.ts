export interface ConfigurationGeneratorOptions {
  project: string;
  testTarget?: string;
  targetName?: string;
}
