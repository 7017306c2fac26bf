// Preloaded (-r) into the monocov process by timeline.mjs: notes when monocov's own code can
// first run, when it starts the test command, when that command exits and when the process
// exits, as epoch milliseconds, in the file MONOCOV_TIMELINE_OUT names.
'use strict';
const { ChildProcess } = require('node:child_process');
const { writeFileSync } = require('node:fs');

const now = () => performance.timeOrigin + performance.now();
const marks = { processStart: performance.timeOrigin, hookLoaded: now() };
const out = process.env.MONOCOV_TIMELINE_OUT;
// The test command must not inherit the file, or its own node processes would overwrite it.
delete process.env.MONOCOV_TIMELINE_OUT;

const spawn = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function timedSpawn(options) {
  const result = spawn.call(this, options);
  // The first child is the test command; later ones (none in a V8 run) are not timed.
  if (marks.testStart === undefined) {
    marks.testStart = now();
    this.once('exit', () => {
      marks.testExit = now();
    });
  }
  return result;
};

process.once('exit', () => {
  marks.processExit = now();
  writeFileSync(out, JSON.stringify(marks));
});
