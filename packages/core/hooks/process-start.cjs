'use strict';
// monocov's process-start mark, preloaded (NODE_OPTIONS=--require) into every Node process a
// covered test command starts on the V8 route. Node writes a process's coverage only when it exits,
// so a process that outlives the test command (detached, or not waited for) or that ends without
// writing (killed by a signal) would leave no trace: this mark, written into the raw folder at
// start, lets monocov name it. Plain CommonJS without dependencies: Node loads it as is, in every
// process the tests start, so it loads nothing it does not need (node:worker_threads cost ~5 ms a
// process under NODE_V8_COVERAGE).
const rawDir = process.env.MONOCOV_STARTED_DIR;
// Only a process whose coverage goes to monocov's raw folder: one that another tool (c8) points
// elsewhere is not monocov's to miss.
if (rawDir && process.env.NODE_V8_COVERAGE === rawDir && !runsTestFilesInChildren(process.execArgv)) {
  try {
    const { join } = require('node:path');
    // 'wx': the process's main thread makes its mark; a worker thread (preloads run there too) finds it made.
    require('node:fs').writeFileSync(join(rawDir, `monocov-started-${process.pid}.json`), JSON.stringify({ script: process.argv[1] ?? null }), { flag: 'wx' });
  } catch {
    // A raw folder already removed (a process started after monocov read it), or a worker thread:
    // nothing to mark, and the mark must never fail the process.
  }
}

/**
 * `node --test` runs each test file in a child process and writes no coverage of its own (Node 20
 * and 22), so its mark would name it as a process that lost its hits. With test isolation "none"
 * the tests run in it, and it writes its coverage like any process.
 */
function runsTestFilesInChildren(execArgv) {
  if (!execArgv.includes('--test')) return false;
  const at = execArgv.findLastIndex((arg) => /^--(experimental-)?test-isolation(=|$)/.test(arg));
  if (at === -1) return true;
  const isolation = execArgv[at].includes('=') ? execArgv[at].slice(execArgv[at].indexOf('=') + 1) : execArgv[at + 1];
  return isolation !== 'none';
}
