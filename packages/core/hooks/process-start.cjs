'use strict';
// Preloaded (NODE_OPTIONS=--require) into every Node process a covered test command starts on the
// V8 route. Its main job is the process-start mark: Node writes a process's coverage only when it
// exits, so a process that outlives the test command (detached, or not waited for) or that ends
// without writing (killed by a signal) would leave no trace; this mark, written into the raw folder
// at start, lets monocov name it. It also switches off the coverage of a package manager that runs
// the test script. Plain CommonJS without dependencies: Node loads it as is, in every process the
// tests start, so it loads nothing it does not need (node:worker_threads cost ~5 ms a process under
// NODE_V8_COVERAGE).

/** The package managers' own entry scripts, as installed (npm and npx ship with Node; corepack's shims start the others). */
const PACKAGE_MANAGER_SCRIPT =
  /[\\/]node_modules[\\/](?:npm[\\/]bin[\\/]np[mx]-cli\.js|pnpm[\\/]bin[\\/]pnpm\.c?js|yarn[\\/]bin[\\/]yarn\.js|corepack[\\/]dist[\\/](?:npm|npx|pnpm|pnpx|yarn|yarnpkg)\.js)$/;

const rawDir = process.env.MONOCOV_STARTED_DIR;
// Only a process whose coverage goes to monocov's raw folder: one that another tool (c8) points
// elsewhere is not monocov's to miss.
if (rawDir && process.env.NODE_V8_COVERAGE === rawDir && isPackageManager(process.argv[1])) {
  // `npm test`, `pnpm run test:unit`: the package manager only starts the script, in a child process
  // that keeps NODE_V8_COVERAGE. Its own code lives under node_modules, never the project's, and
  // counting and writing it cost ~50 ms of CPU a run and a 0.5 MB raw file to read.
  require('node:v8').stopCoverage();
  closeStderrAtExit();
} else if (rawDir && process.env.NODE_V8_COVERAGE === rawDir && !runsTestFilesInChildren(process.execArgv)) {
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

/** Whether the process runs a package manager's CLI: its script's name first (a cheap test), then where it really is. */
function isPackageManager(script) {
  if (!script || !/(?:^|[\\/])(?:np[mx]|pnpm|pnpx|yarn|yarnpkg)(?:-cli)?(?:\.c?js)?$/.test(script)) return false;
  try {
    return PACKAGE_MANAGER_SCRIPT.test(require('node:fs').realpathSync(script));
  } catch {
    return false;
  }
}

/**
 * Node still asks for the stopped coverage as the process ends, and prints "'result' from coverage
 * profile response is not an object" on stderr (from C++, after the last 'exit' listener). Stderr
 * is closed once the package manager's own 'exit' listeners have written what they had to say;
 * not after an uncaught exception, whose report Node prints after 'exit' too.
 */
function closeStderrAtExit() {
  let uncaught = false;
  process.on('uncaughtExceptionMonitor', () => {
    uncaught = true;
  });
  const emit = process.emit;
  process.emit = function (event, ...args) {
    const result = emit.call(this, event, ...args);
    if (event === 'exit' && !uncaught) require('node:fs').closeSync(2);
    return result;
  };
}
