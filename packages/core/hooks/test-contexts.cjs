'use strict';
// monocov's test-context hook (`run.contexts: "test"`), preloaded (NODE_OPTIONS=--require) into
// every Node process a covered test command starts. Around each test of node:test, uvu and mocha it
// takes V8's precise coverage (the hits counted since the previous take; taking resets the
// counters), writes it into NODE_V8_COVERAGE and logs which test that file belongs to. monocov
// then converts each test's files on their own: the lines with hits are the lines that test ran.
// A process started during a test (a CLI the test spawns) counts for that test as a whole.
// Plain CommonJS without dependencies: Node loads it as is. See docs/contexts.md.
const { appendFileSync, existsSync, renameSync, writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');
const Module = require('node:module');
const { findSourceMap } = Module;
const { join } = require('node:path');
const { fileURLToPath } = require('node:url');
const v8 = require('node:v8');
const { isMainThread, threadId } = require('node:worker_threads');

/** Carries the running test's name to the processes it starts. */
const INHERITED = 'MONOCOV_TEST_CONTEXT';
const rawDir = process.env.NODE_V8_COVERAGE;
if (rawDir) install(rawDir);

function install(rawDir) {
  const log = join(rawDir, `monocov-contexts-${process.pid}-${threadId}.jsonl`);
  const inherited = parseContext(process.env[INHERITED]);
  /** The tests running now, innermost last (subtests nest). */
  const running = [];
  let taken = 0;

  const current = () => (running.length > 0 ? running[running.length - 1] : inherited);
  const write = (entry) => appendFileSync(log, `${JSON.stringify(entry)}\n`);
  let session;
  /**
   * Everything run since the previous take counts for `context` (null: no test). V8's counters
   * are per process, so a take resets them for Node's own last file too, and each file, named
   * coverage-*.json like Node's, counts in the totals as well.
   */
  const take = (context) => {
    const file = session ? takeWithSession() : takeFirst();
    if (file) write({ file, context });
  };
  /**
   * The first take goes through Node (all hits since the process started), then this hook's own
   * inspector session starts precise coverage, which restarts V8's call counts: nothing has run
   * since the take.
   */
  const takeFirst = () => {
    const before = Date.now();
    v8.takeCoverage();
    const after = Date.now();
    session = new Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    // Node names it coverage-<pid>-<ms>-<thread>.json, which its last file could reuse: renamed.
    for (let ms = before; ms <= after; ms++) {
      const written = join(rawDir, `coverage-${process.pid}-${ms}-${threadId}.json`);
      if (!existsSync(written)) continue;
      const file = `coverage-${process.pid}-${threadId}-take${++taken}.json`;
      renameSync(written, join(rawDir, file));
      return file;
    }
    return null;
  };
  /**
   * Later takes read the hits through the session and write only what can be a source, with
   * its source maps: Node would repeat every cached source map (node_modules' included) in every
   * file, which made a take several times slower.
   */
  const takeWithSession = () => {
    let scripts = [];
    session.post('Profiler.takePreciseCoverage', (error, coverage) => {
      if (!error) scripts = coverage.result;
    });
    const result = scripts.filter((script) => script.url !== '' && !script.url.startsWith('node:') && !/[\\/]node_modules[\\/]/.test(script.url));
    const sourceMaps = {};
    for (const script of result) {
      const map = findSourceMap(script.url);
      if (map) sourceMaps[script.url] = { lineLengths: map.lineLengths, data: map.payload, url: null };
    }
    const file = `coverage-${process.pid}-${threadId}-take${++taken}.json`;
    writeFileSync(join(rawDir, file), JSON.stringify({ result, 'source-map-cache': sourceMaps }));
    return file;
  };
  const enter = (context) => {
    take(current());
    running.push(context);
    process.env[INHERITED] = JSON.stringify(context);
  };
  const leave = () => {
    take(current());
    running.pop();
    if (current()) process.env[INHERITED] = JSON.stringify(current());
    else delete process.env[INHERITED];
  };

  if (inherited) write({ inherited });

  /** `fn` run as the test `context`, whether it returns or resolves. */
  const asContext = (context, fn) => {
    const wrapped = function (...args) {
      enter(context);
      let result;
      try {
        result = fn.apply(this, args);
      } catch (error) {
        leave();
        throw error;
      }
      if (result && typeof result.then === 'function') {
        return result.then(
          (value) => {
            leave();
            return value;
          },
          (error) => {
            leave();
            throw error;
          },
        );
      }
      leave();
      return result;
    };
    Object.defineProperty(wrapped, 'length', { value: fn.length });
    Object.defineProperty(wrapped, 'name', { value: fn.name });
    return wrapped;
  };

  // A process a test started inherits NODE_TEST_CONTEXT too, but runs no tests: hooks would make
  // node:test report (an empty run) on its stdout.
  if (!inherited) hookNodeTest(enter, leave);
  hookRequire([uvuPatch(asContext), mochaPatch(enter, leave)]);
}

/**
 * node:test, in the processes `node --test` runs test files in (it sets NODE_TEST_CONTEXT):
 * root-level beforeEach/afterEach hooks, which every test and subtest of the file inherits.
 * Registered before the file's own hooks, so its beforeEach hooks count for the test and its
 * afterEach hooks do not. `t.fullName` names nested tests (`suite > test > subtest`).
 */
function hookNodeTest(enter, leave) {
  if (!process.env.NODE_TEST_CONTEXT || !process.argv[1] || !isMainThread) return;
  const { beforeEach, afterEach } = require('node:test');
  const file = process.argv[1];
  beforeEach((t) => enter([file, t.fullName ?? t.name]));
  afterEach(() => leave());
}

/** Patches a test runner's module the first time it is required: the first of `patches` whose `matches` accepts it. */
function hookRequire(patches) {
  const patched = new WeakSet();
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    const exports = originalLoad.call(this, request, ...rest);
    if (exports && (typeof exports === 'object' || typeof exports === 'function') && !patched.has(exports)) {
      const patch = patches.find((candidate) => candidate.matches(request, exports));
      if (patch) {
        patched.add(exports);
        patch.apply(exports);
      }
    }
    return exports;
  };
}

/**
 * uvu, loaded through require (CommonJS tests, TypeScript through tsx's CJS hook): every suite's
 * tests, named by suite and title. uvu's ESM build (tests that `import` it natively) is not hooked.
 */
function uvuPatch(asContext) {
  return {
    matches: (request, exports) => request === 'uvu' && typeof exports.suite === 'function',
    apply(exports) {
      const wrapSuite = (suite, name) => {
        const handler = (title, fn) => (typeof fn === 'function' ? asContext([callerFile(), name, title].filter(Boolean), fn) : fn);
        const wrapped = (title, fn) => suite(title, handler(title, fn));
        Object.assign(wrapped, suite, { only: (title, fn) => suite.only(title, handler(title, fn)) });
        return wrapped;
      };
      const originalSuite = exports.suite;
      exports.test = wrapSuite(exports.test, '');
      exports.suite = (name, state) => wrapSuite(originalSuite(name, state), name);
    },
  };
}

/**
 * mocha: its Runner's `test` and `test end` events (serial and --parallel workers alike), named by
 * the test's file and title path. `test` comes before the beforeEach hooks, `test end` before the
 * afterEach hooks; a pending test ends without having begun.
 */
function mochaPatch(enter, leave) {
  return {
    matches: (request, exports) =>
      /(^|[\\/])runner(\.js)?$/.test(request) &&
      typeof exports === 'function' &&
      exports.constants?.EVENT_TEST_BEGIN === 'test' &&
      typeof exports.prototype.runTests === 'function',
    apply(Runner) {
      const { EVENT_TEST_BEGIN, EVENT_TEST_END } = Runner.constants;
      const begun = new WeakSet();
      const emit = Runner.prototype.emit;
      Runner.prototype.emit = function (event, test, ...rest) {
        if (event === EVENT_TEST_BEGIN && test) {
          begun.add(test);
          enter([test.file ?? '<unknown file>', ...test.titlePath()]);
        }
        const result = emit.call(this, event, test, ...rest);
        if (event === EVENT_TEST_END && begun.has(test)) {
          begun.delete(test);
          leave();
        }
        return result;
      };
    },
  };
}

/** The file that registered a test: the first stack frame outside node internals, dependencies and this hook. */
function callerFile() {
  const previous = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites;
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    sites = new Error().stack;
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = limit;
  }
  for (const site of Array.isArray(sites) ? sites : []) {
    let file = site.getFileName();
    if (!file || file === __filename || file.startsWith('node:') || /[\\/]node_modules[\\/]/.test(file)) continue;
    if (file.startsWith('file:')) file = fileURLToPath(file);
    return file;
  }
  return '<unknown file>';
}

function parseContext(text) {
  try {
    const value = JSON.parse(text || 'null');
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
