import type { MonocovErrorCode } from '../errors';

/**
 * The CLI's exit statuses (documented in docs/troubleshooting.md; keep them stable).
 * `monocov run` returns the test command's own status when the tests fail, so a red test run
 * stays red with the status the user knows.
 */
export const EXIT = {
  ok: 0,
  testsFailed: 1,
  thresholdMissed: 2,
  configError: 3,
  dataError: 4,
  noData: 5,
  usage: 64,
  internal: 70,
  environment: 74,
} as const;

export function exitCodeFor(code: MonocovErrorCode): number {
  switch (code) {
    case 'CONFIG':
      return EXIT.configError;
    case 'DATA':
      return EXIT.dataError;
    case 'NO_DATA':
      return EXIT.noData;
    case 'ENVIRONMENT':
      return EXIT.environment;
  }
}
