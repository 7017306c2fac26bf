import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CoverageConfig } from '../src/config/types';
import { groupByProject } from '../src/report/projects';
import { checkThresholds } from '../src/report/thresholds';
import { coverageOf } from './fixtures/merge/helpers';

// Workspace: statements 6/12 = 50%, branches 5/7 = 71.42% (istanbul truncates), functions 3/4 = 75%, lines 50%.
// packages/core: statements 2/4, branches 1/2, functions 1/2 (its one file x.ts).
// packages/web (name @ws/web): statements 4/8, branches 4/5, functions 2/2; files w.ts (4/4) and z.ts (0/4).
const coverage = coverageOf({
  'packages/core/src/x.ts': { s: [1, 0, 2, 0], f: [1, 0], b: [[1, 0]] },
  'packages/web/src/w.ts': { s: [3, 3, 1, 1], f: [2, 1], b: [[1, 1, 1]] },
  'packages/web/src/z.ts': { s: [0, 0, 0, 0], b: [[1, 0]] },
});
const groups = groupByProject(coverage, [
  { projectRoot: 'packages/core', project: 'core' },
  { projectRoot: 'packages/web', project: '@ws/web' },
]);

type Report = Partial<Pick<CoverageConfig['report'], 'failUnder' | 'perProject' | 'perFile' | 'precision'>>;
const cases: Array<[string, Report, string[]]> = [
  ['nothing configured', {}, []],
  ['a number met', { failUnder: 50 }, []],
  [
    'a number applies to all four metrics',
    { failUnder: 80 },
    ['statements 50% < 80% (workspace total)', 'branches 71.42% < 80% (workspace total)', 'functions 75% < 80% (workspace total)', 'lines 50% < 80% (workspace total)'],
  ],
  ['per metric', { failUnder: { branches: 80, functions: 70 } }, ['branches 71.42% < 80% (workspace total)']],
  ['precision in messages', { failUnder: { branches: 80 }, precision: 0 }, ['branches 71% < 80% (workspace total)']],
  ['never rounded up onto the threshold (71.428…% shows as 71.42%)', { failUnder: { branches: 71.43 } }, ['branches 71.42% < 71.43% (workspace total)']],
  ['perProject by root', { perProject: { 'packages/core': { lines: 90 } } }, ['lines 50% < 90% (project packages/core)']],
  ['perProject by root with ./ and a trailing slash', { perProject: { './packages/core/': { lines: 90 } } }, ['lines 50% < 90% (project ./packages/core/)']],
  ['perProject by name', { perProject: { '@ws/web': { statements: 60, branches: 80 } } }, ['statements 50% < 60% (project @ws/web)']],
  [
    'perProject naming no project is a miss, not a silent pass',
    { perProject: { 'packages/cor': 90 } },
    ['report.perProject "packages/cor": no project with this root or name in the data (projects: packages/core, packages/web)'],
  ],
  ['perFile', { perFile: { statements: 50 } }, ['statements 0% < 50% (file packages/web/src/z.ts)']],
  ['perFile: a file without functions counts as fully covered', { perFile: { functions: 100 } }, ['functions 50% < 100% (file packages/core/src/x.ts)']],
  [
    'all three at once, in order: workspace, projects, files',
    { failUnder: { lines: 60 }, perProject: { core: { functions: 60 } }, perFile: { lines: 10 } },
    ['lines 50% < 60% (workspace total)', 'functions 50% < 60% (project core)', 'lines 0% < 10% (file packages/web/src/z.ts)'],
  ],
];

for (const [name, report, expected] of cases) {
  test(`thresholds: ${name}`, () => {
    const result = checkThresholds({ coverage, groups, report: { perProject: {}, precision: 2, ...report } });
    assert.equal(
      result.misses.map((miss) => miss.message),
      expected,
    );
  });
}

test('a miss carries what, where, measured and required', () => {
  const { misses, checked } = checkThresholds({ coverage, groups, report: { perProject: { 'packages/web': { branches: 90 } }, precision: 2 } });
  assert.is(checked, 1);
  assert.equal(misses, [{ scope: 'project', subject: 'packages/web', metric: 'branches', measured: 80, required: 90, message: 'branches 80% < 90% (project packages/web)' }]);
});

test('an empty workspace meets every threshold (nothing to cover counts as 100%)', () => {
  const { misses, checked } = checkThresholds({ coverage: {}, groups: [], report: { failUnder: 100, perProject: {}, precision: 2 } });
  assert.equal(misses, []);
  assert.is(checked, 4);
});

test.run();
