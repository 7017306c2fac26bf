export interface InitGeneratorOptions {
  targetName?: string;
  testTargetName?: string[];
}
