#!/usr/bin/env node
'use strict';
// Nx's runtime input for the coverage targets (@monocov/nx): prints the hash of the resolved
// `run` options of the rc file in the current folder (the workspace root) — what meta.json
// records as `configHash`. Only `run` shapes a project's data, so editing thresholds or
// reporters leaves every project's task hash alone and reruns only the merge. It loads the
// config modules alone (no Babel, no istanbul): Nx runs it once per command that hashes tasks.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

let printed;
try {
  const { loadConfig } = require('../dist/config/load.js');
  printed = `run ${loadConfig({ workspaceRoot: process.cwd() }).hash}`;
} catch {
  // A broken rc file (or an unbuilt @monocov/core): hash the file's bytes, so each edit reruns
  // the tasks, which then report the problem.
  let bytes = '';
  try {
    bytes = readFileSync('.coveragerc.json');
  } catch {
    // no file, or unreadable: the coverage task names the problem
  }
  printed = `file ${createHash('sha256').update(bytes).digest('hex')}`;
}
process.stdout.write(`${printed}\n`);
