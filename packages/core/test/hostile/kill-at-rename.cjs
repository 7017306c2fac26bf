// Fault injection for the kill-at-every-rename test (outputs.test.ts), loaded with `node -r`:
// the process kills itself with SIGKILL just before its Nth rename (KILL_AT_RENAME=N), as a CI
// timeout or the out-of-memory killer would at that moment. Every rename monocov makes goes
// through fs.renameSync.
'use strict';
const fs = require('node:fs');
const at = Number(process.env.KILL_AT_RENAME);
let count = 0;
const renameSync = fs.renameSync;
fs.renameSync = function (...args) {
  if (++count === at) process.kill(process.pid, 'SIGKILL');
  return renameSync.apply(this, args);
};
