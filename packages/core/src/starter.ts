import { toPosix } from './workspace-path';

/**
 * What both set-ups write — `monocov init` outside Nx and `nx g @monocov/nx:init` — so the two
 * cannot drift: the starter rc file and the ignore-file entry of the data folder.
 */

/** The rc file `monocov init` and `nx g @monocov/nx:init` write when there is none. */
export function starterConfig(): Record<string, unknown> {
  return {
    $schema: './node_modules/@monocov/core/coveragerc.schema.json',
    // No `include`: the default measures every JS/TS file of a project but tests, configs, build
    // output and node_modules (as nyc does), wherever its code lives (src/, lib/, the root).
    run: { all: true },
    report: { showMissing: true },
    reporters: ['text', 'lcov', 'json', 'json-summary', 'cobertura', 'html'],
  };
}

/** `text` with `/<dataDir>` added (under a comment) unless an entry already ignores it; unchanged otherwise. */
export function withIgnoredDataDir(text: string, dataDir: string): string {
  const dir = toPosix(dataDir).replace(/^\.\//, '').replace(/\/$/, '');
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if ([dir, `/${dir}`, `${dir}/`, `/${dir}/`, `${dir}/**`, `/${dir}/**`].some((entry) => lines.includes(entry))) return text;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${text === '' ? '' : '\n'}# monocov coverage data and reports\n/${dir}\n`;
}
