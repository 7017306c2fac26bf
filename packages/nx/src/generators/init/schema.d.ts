export interface InitGeneratorOptions {
  targetName?: string;
  testTargetName?: string;
  skipFormat?: boolean;
}
