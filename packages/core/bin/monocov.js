#!/usr/bin/env node
'use strict';
// Kept tiny on purpose: every decision, the exit code included, is made in cli/main, which runs from
// its bundle (dist/monocov-cli.js) with V8's code cache (dist/cli-loader.js).
const argv = process.argv.slice(2);
const cli = require('../dist/cli-loader.js').loadCli(argv[0]);
cli.main(argv).then((exitCode) => {
  process.exitCode = exitCode;
  cli.saveCodeCache(exitCode);
});
