#!/usr/bin/env node
'use strict';
// Kept tiny on purpose: every decision, the exit code included, is made in cli/main.
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((exitCode) => {
    process.exitCode = exitCode;
  });
