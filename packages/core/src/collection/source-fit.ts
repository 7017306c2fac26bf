import type { FileCoverageData } from 'istanbul-lib-coverage';

interface Position {
  line?: number | null;
  column?: number | null;
}

/**
 * Where a runner's file coverage names a place its source does not have: a line beyond the file,
 * or a column beyond the end of its line. Such data was made from other code than the file, in
 * practice a transform's output counted without a source map back to the source (ts-jest with
 * `"sourceMap": false` in its tsconfig); undefined when every statement, function and branch fits.
 */
export function placeOutsideSource(coverage: FileCoverageData, text: string): string | undefined {
  const lengths = text.split(/\r\n|\r|\n/).map((line) => line.length);
  const outside = (at: Position | undefined): string | undefined => {
    const line = at?.line;
    if (typeof line !== 'number') return undefined;
    if (line > lengths.length) return `line ${line}, beyond the ${lengths.length} line(s) of the file`;
    const column = at?.column;
    const length = lengths[line - 1] ?? 0;
    return typeof column === 'number' && column > length ? `line ${line} column ${column}, beyond the ${length} character(s) of that line` : undefined;
  };
  const ranges = [
    ...Object.values(coverage.statementMap),
    ...Object.values(coverage.fnMap).flatMap((fn) => [fn.decl, fn.loc]),
    ...Object.values(coverage.branchMap).flatMap((branch) => [branch.loc, ...branch.locations]),
  ];
  for (const range of ranges) {
    const found = outside(range?.start) ?? outside(range?.end);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The error for runner data that does not fit its sources, with the likely cause for the collector that wrote it. */
export function outsideSourcesMessage(collector: string, misfits: Array<{ path: string; place: string }>): string {
  const shown = misfits
    .slice(0, 3)
    .map(({ path, place }) => `${path} (${place})`)
    .join(', ');
  const more = misfits.length > 3 ? ` and ${misfits.length - 3} more` : '';
  const cause = collector.startsWith('jest')
    ? 'Jest counted the code its transform produced, which came without a source map back to the source: ts-jest takes "sourceMap" from its tsconfig, and ' +
      '"sourceMap": false there (often inherited from tsconfig.base.json) leaves Jest counting the compiled JavaScript, in its own reports too; ' +
      'set "sourceMap": true in the tsconfig ts-jest uses (its `tsconfig` option, e.g. tsconfig.spec.json), or make your transform return a source map'
    : 'the coverage was made from other code than these files: a transform without a source map back to the source, or sources changed since the coverage was written';
  return `${collector} coverage names places its sources do not have: ${shown}${more}. ${cause}. No data was written; the project's earlier data is kept`;
}
