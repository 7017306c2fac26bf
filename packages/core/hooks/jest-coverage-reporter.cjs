'use strict';
// The coverage reporter monocov names in Jest's `coverageReporters` (Jest requires a reporter by
// path when it is not one of istanbul's own). It writes the data istanbul's `json` reporter writes,
// `coverage-final.json`, into the folder named by MONOCOV_JEST_OUTPUT_DIR instead of Jest's
// `coverageDirectory`: that option is part of the key of Jest's transform cache, so a folder of
// each run's own there made every run re-transform every file. The variable is set in Jest's
// process by the runner hook, or by the Nx executor around @nx/jest. Plain CommonJS without
// dependencies: it runs in Jest's process, whatever its version.
const { closeSync, mkdirSync, openSync, renameSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const OUTPUT_VARIABLE = 'MONOCOV_JEST_OUTPUT_DIR'; // JEST_OUTPUT_VARIABLE in src/runners/flags.ts
const COVERAGE_FILE = 'coverage-final.json';

/**
 * An istanbul report: Jest 25 and later call `execute` with the report context; Jest 24 walks its
 * own tree with the report as the visitor. One file's entry is written at a time, as istanbul's
 * json reporter streams them.
 */
class MonocovJestCoverageReporter {
  execute(context) {
    context.getTree('flat').visit(this, context);
  }

  onStart() {
    const outputDir = process.env[OUTPUT_VARIABLE];
    if (!outputDir) throw new Error(`${OUTPUT_VARIABLE} is not set: this reporter runs under monocov only`);
    mkdirSync(outputDir, { recursive: true });
    // Written under another name and renamed once complete: a Jest killed while writing leaves no
    // file monocov could take for the whole run's data.
    this.file = join(outputDir, COVERAGE_FILE);
    this.fd = openSync(`${this.file}.partial`, 'w');
    this.separator = '{';
  }

  onDetail(node) {
    const file = node.getFileCoverage();
    writeSync(this.fd, `${this.separator}${JSON.stringify(file.path)}:${JSON.stringify(file)}\n`);
    this.separator = ',';
  }

  onEnd() {
    writeSync(this.fd, this.separator === '{' ? '{}\n' : '}\n');
    closeSync(this.fd);
    renameSync(`${this.file}.partial`, this.file);
  }
}

module.exports = MonocovJestCoverageReporter;
