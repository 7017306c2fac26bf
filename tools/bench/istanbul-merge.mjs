// The plain way to merge istanbul JSON files: istanbul-lib-coverage's CoverageMap.merge, then
// istanbul-reports' lcov, json-summary and cobertura writers. A reference point for the benchmark.
// Usage: node tools/bench/istanbul-merge.mjs <folder of *.json> <output folder>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const libCoverage = require('istanbul-lib-coverage');
const libReport = require('istanbul-lib-report');
const reports = require('istanbul-reports');

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node tools/bench/istanbul-merge.mjs <folder of *.json> <output folder>');
  process.exit(2);
}
const map = libCoverage.createCoverageMap({});
for (const name of readdirSync(input)
  .filter((entry) => entry.endsWith('.json'))
  .sort()) {
  map.merge(JSON.parse(readFileSync(join(input, name), 'utf8')));
}
mkdirSync(output, { recursive: true });
writeFileSync(join(output, 'coverage-final.json'), JSON.stringify(map.toJSON()));
const context = libReport.createContext({ dir: output, coverageMap: map, defaultSummarizer: 'pkg' });
for (const [name, file] of [
  ['lcovonly', 'lcov.info'],
  ['json-summary', 'coverage-summary.json'],
  ['cobertura', 'cobertura-coverage.xml'],
]) {
  reports.create(name, { file, projectRoot: process.cwd() }).execute(context);
}
