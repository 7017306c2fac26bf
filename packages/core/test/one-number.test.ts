import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coverageOf, makeWorkspace, runCli as monocov, source, writeProject } from './fixtures/merge/helpers';

// One percentage everywhere: `monocov merge` prints the table and the threshold misses and writes
// HTML, json-summary, cobertura and the Markdown summary; every one of them shows the same digits.
// The fixture's percentages differ between rounding and truncation (2/3 is 66.67 rounded, 66.66
// truncated; 1/6 is 16.67 and 16.66), which is how the text table once disagreed with the rest.

const roots: string[] = [];
test.after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;
type Metric = (typeof METRICS)[number];

test('text table, HTML, json-summary, cobertura, Markdown summary and threshold messages agree to the last digit', async () => {
  const root = makeWorkspace({
    'nx.json': '{}',
    '.coveragerc.json': JSON.stringify({ report: { failUnder: 70 }, reporters: ['text', 'json-summary', 'cobertura', 'html', 'markdown'] }),
    'packages/a/src/a.ts': source(3),
  });
  roots.push(root);
  // statements and lines 2/3, functions 2/3, branches 1/6 (one switch of six cases).
  writeProject(root, { projectRoot: 'packages/a', coverage: coverageOf({ 'packages/a/src/a.ts': { s: [1, 1, 0], f: [1, 1, 0], b: [[1, 0, 0, 0, 0, 0]] } }) });

  const result = await monocov(root, ['merge']);
  assert.is(result.status, 2, result.stderr);
  const expected: Record<Metric, string> = { statements: '66.66', branches: '16.66', functions: '66.66', lines: '66.66' };
  const out = join(root, 'coverage/workspace');

  const tableRow = /^All files\s+\|\s+([\d.]+) \|\s+([\d.]+) \|\s+([\d.]+) \|\s+([\d.]+)$/m.exec(result.stdout);
  assert.ok(tableRow, result.stdout);
  const table = Object.fromEntries(METRICS.map((metric, i) => [metric, tableRow![i + 1]]));

  // The file's page (one file: its numbers are the total's) and the projects page's data.
  const html = readFileSync(join(out, 'html/a.ts.html'), 'utf8'); // istanbul names pages below the files' common folder
  const page = JSON.parse(/<script type="application\/json" id="monocov-data">([\s\S]*?)<\/script>/.exec(readFileSync(join(out, 'html/index.html'), 'utf8'))![1]!);
  const projectsPage = Object.fromEntries(METRICS.map((metric, i) => [metric, (page.total.metrics[i][2] as number).toFixed(2)]));
  const projectRow = Object.fromEntries(METRICS.map((metric, i) => [metric, (page.projects[0].metrics[i][2] as number).toFixed(2)]));
  const htmlHeader = Object.fromEntries(
    METRICS.map((metric) => {
      const label = metric[0]!.toUpperCase() + metric.slice(1);
      return [metric, new RegExp(`<span class="strong">([\\d.]+)% </span>\\s*<span class="quiet">${label}</span>`).exec(html)?.[1]];
    }),
  );

  const summary = JSON.parse(readFileSync(join(out, 'coverage-summary.json'), 'utf8')).total;
  const jsonSummary = Object.fromEntries(METRICS.map((metric) => [metric, summary[metric].pct.toFixed(2)]));

  const cobertura = readFileSync(join(out, 'cobertura-coverage.xml'), 'utf8');
  const rate = (name: string): string => {
    const value = new RegExp(`<coverage [^>]*${name}="([\\d.]+)"`).exec(cobertura)?.[1];
    assert.ok(value, `${name} in cobertura`);
    return (Number(value) * 100).toFixed(2); // cobertura writes a ratio: 0.6666
  };

  const markdown = readFileSync(join(out, 'summary.md'), 'utf8');
  const totalRow = /^\| \*\*Total\*\* \| \*\*([\d.]+)%\*\* \| \*\*([\d.]+)%\*\* \| \*\*([\d.]+)%\*\* \| \*\*([\d.]+)%\*\* \|$/m.exec(markdown);
  assert.ok(totalRow, markdown);
  const markdownTotal = Object.fromEntries(METRICS.map((metric, i) => [metric, totalRow![i + 1]]));

  const misses = Object.fromEntries(METRICS.map((metric) => [metric, new RegExp(`threshold missed: ${metric} ([\\d.]+)% < 70% \\(workspace total\\)`).exec(result.stderr)?.[1]]));

  for (const metric of METRICS) {
    assert.is(table[metric], expected[metric], `text table ${metric}`);
    assert.is(htmlHeader[metric], expected[metric], `HTML ${metric}`);
    assert.is(projectsPage[metric], expected[metric], `HTML projects page total ${metric}`);
    assert.is(projectRow[metric], expected[metric], `HTML projects page row ${metric}`);
    assert.is(jsonSummary[metric], expected[metric], `json-summary ${metric}`);
    assert.is(markdownTotal[metric], expected[metric], `Markdown ${metric}`);
    assert.is(misses[metric], expected[metric], `threshold message ${metric}`);
  }
  assert.is(rate('line-rate'), expected.lines, 'cobertura line-rate');
  assert.is(rate('branch-rate'), expected.branches, 'cobertura branch-rate');
  // The Markdown summary also lists the misses, with the same number.
  assert.match(markdown, 'statements 66.66% \\< 70% (workspace total)'); // `<` escaped for Markdown
});

test.run();
