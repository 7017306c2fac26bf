'use strict';
// monocov's process-start mark, preloaded (NODE_OPTIONS=--require) into every Node process a
// covered test command starts on the V8 route. Node writes a process's coverage only when it exits,
// so a process that outlives the test command (detached, or not waited for) or that ends without
// writing (killed by a signal) would leave no trace: this mark, written into the raw folder at
// start, lets monocov name it. Plain CommonJS without dependencies: Node loads it as is.
const rawDir = process.env.MONOCOV_STARTED_DIR;
// Only a process whose coverage goes to monocov's raw folder: one that another tool (c8) points
// elsewhere is not monocov's to miss.
if (rawDir && process.env.NODE_V8_COVERAGE === rawDir && require('node:worker_threads').isMainThread) {
  try {
    const { join } = require('node:path');
    require('node:fs').writeFileSync(join(rawDir, `monocov-started-${process.pid}.json`), JSON.stringify({ script: process.argv[1] ?? null }));
  } catch {
    // A raw folder already removed (a process started after monocov read it): nothing to mark, and
    // the mark must never fail the process.
  }
}
