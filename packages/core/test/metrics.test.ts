// A file's totals and line hits are counted from the data (report/metrics.ts), not through
// istanbul-lib-coverage's objects: they must be istanbul's own, key for key, on real data.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertV8Directory, emptyFileCoverage } from '../src/convert';
import { mergeCoverageMaps } from '../src/merge';
import { fileTotals, lineHits, sumTotals } from '../src/report/metrics';
import { copyFixture, removeCopies, run, runCovered } from './convert-harness';

test.after(removeCopies);

/** Every file of a fixture run for real under V8 coverage, converted as `monocov run` converts it. */
async function converted(fixture: string, args: string[]): Promise<CoverageMapData> {
  const dir = copyFixture(fixture);
  const rawDir = runCovered(dir, args);
  return convertV8Directory({ rawDir, include: (path) => path.startsWith(dir) });
}

// Untyped package: the part used here, as convert-harness.ts declares it.
const { createInstrumenter } = require('istanbul-lib-instrument') as {
  createInstrumenter(options: { reportLogic: boolean }): { instrumentSync(code: string, filename: string): string };
};

/** istanbul-lib-instrument's own data for a fixture's file, counted by running it (with `bT` when asked). */
function instrumented(fixture: string, subject: string, args: string[], reportLogic: boolean): FileCoverageData {
  const dir = copyFixture(fixture);
  const path = join(dir, subject);
  const instrumenter = createInstrumenter({ reportLogic });
  const code = instrumenter.instrumentSync(readFileSync(path, 'utf8'), path);
  const out = join(dir, 'istanbul.json');
  writeFileSync(path, `${code};process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(globalThis.__coverage__)));\n`);
  run(dir, args);
  return (JSON.parse(readFileSync(out, 'utf8')) as CoverageMapData)[path]!;
}

/** The same values with keys in the same order: the json-summary report writes a file's totals as they are. */
function assertIstanbulsOwn(coverage: CoverageMapData): void {
  for (const [path, file] of Object.entries(coverage)) {
    const istanbul = libCoverage.createFileCoverage(structuredClone(file));
    assert.is(JSON.stringify(fileTotals(file)), JSON.stringify(istanbul.toSummary().toJSON()), `${path}: totals`);
    assert.is(JSON.stringify(lineHits(file)), JSON.stringify(istanbul.getLineCoverage()), `${path}: line hits`);
  }
  const summary = libCoverage.createCoverageMap(structuredClone(coverage)).getCoverageSummary();
  const sums = sumTotals(coverage);
  for (const metric of ['statements', 'branches', 'functions', 'lines'] as const) {
    assert.equal(sums[metric], { covered: summary[metric].covered, total: summary[metric].total }, `sum of ${metric}`);
  }
}

test("converted V8 data: a file's totals and line hits are istanbul's, for every fixture", async () => {
  const runs = await Promise.all([
    converted('js-cjs', ['driver.js']),
    converted('js-esm', ['driver.mjs']),
    converted('child', ['parent.js']),
    converted('hints', ['driver.js']),
    converted('ts', ['--import', 'tsx', 'src/driver.ts']),
    converted('ts-oneline', ['--import', 'tsx', 'src/driver.ts']),
  ]);
  for (const coverage of runs) {
    assert.ok(Object.keys(coverage).length > 0);
    assertIstanbulsOwn(coverage);
  }
  // What the check covers: branches of several arms, arms never taken, statements sharing a line.
  const all = Object.values(Object.assign({}, ...runs) as CoverageMapData);
  assert.ok(all.some((file) => Object.values(file.b).some((arms) => arms.length > 2)));
  assert.ok(all.some((file) => Object.values(file.b).some((arms) => arms.includes(0) && arms.some((count) => count > 0))));
  assert.ok(all.some((file) => Object.values(lineHits(file)).length < Object.keys(file.s).length));
});

test("files without statements, never-loaded files and merged data: istanbul's totals", async () => {
  const dir = copyFixture('js-cjs');
  writeFileSync(join(dir, 'empty.js'), '// nothing to run\n');
  writeFileSync(join(dir, 'types.js'), '');
  const empty = await emptyFileCoverage(join(dir, 'empty.js'));
  assert.is(Object.keys(empty.s).length, 0);
  const blank = await emptyFileCoverage(join(dir, 'types.js'));
  const neverLoaded = { ...(await emptyFileCoverage(join(dir, 'lib.js'))), all: true } as FileCoverageData;
  assertIstanbulsOwn({ [empty.path]: empty, [blank.path]: blank, [neverLoaded.path]: neverLoaded });
  assert.is(fileTotals(empty).lines.total, 0);

  // Two runs of the same files merged, as `monocov merge` merges projects, with a never-loaded file's zeros.
  const include = (path: string) => path.startsWith(dir) && path.endsWith('.js');
  const full = await convertV8Directory({ rawDir: runCovered(dir, ['driver.js']), include });
  const partial = await convertV8Directory({ rawDir: runCovered(dir, ['-e', "require('./lib.js').pick(true); require('./lib.js').grade(3)"]), include });
  const merged = mergeCoverageMaps([full, partial, { [empty.path]: { ...empty, all: true } as FileCoverageData }]);
  assert.equal(Object.keys(merged).sort(), [join(dir, 'driver.js'), empty.path, join(dir, 'lib.js')].sort());
  assertIstanbulsOwn(merged);
});

test("istanbul-lib-instrument's own data, with the arms' truthy values (bT, reportLogic) and without", () => {
  for (const reportLogic of [false, true]) {
    const file = instrumented('js-cjs', 'lib.js', ['driver.js'], reportLogic);
    assert.is('bT' in file, reportLogic);
    assertIstanbulsOwn({ [file.path]: file });
    assert.is('branchesTrue' in fileTotals(file), reportLogic);
  }
});

test.run();
