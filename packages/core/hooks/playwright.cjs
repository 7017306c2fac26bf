'use strict';
// monocov's Playwright hook, preloaded (NODE_OPTIONS=--require) into every Node process of a
// covered test command (the V8 route). In a process that loads Playwright Test (its runner, its
// workers), it adds one fixture to the `test` that `@playwright/test` and `playwright/test` export,
// before any spec or fixtures file can use or extend it: Playwright's `context` fixture, measured
// (dist/collection/playwright-fixture.js: pages, and workers through chromium-workers.js). So the
// tests need no import of monocov's, ESM or CommonJS, and every `test.extend` of theirs inherits
// it. Plain CommonJS without dependencies: Node loads it as is. See docs/browser.md.
const Module = require('node:module');
const { join } = require('node:path');

if (process.env.NODE_V8_COVERAGE) install();

function install() {
  const originalLoad = Module._load;
  const measured = new WeakSet();
  Module._load = function (request, ...rest) {
    const exports = originalLoad.call(this, request, ...rest);
    // Playwright Test's entry (playwright/lib/index.js), whichever file required it: `in` reads no getter of other modules.
    if (exports !== null && typeof exports === 'object' && '_baseTest' in exports && 'test' in exports && !measured.has(exports)) {
      measured.add(exports);
      addFixture(exports.test);
    }
    return exports;
  };
}

/**
 * Appends the fixture to the fixtures of Playwright's `test` (its TestTypeImpl, under the
 * `Symbol(testType)` key that `mergeTests` reads): `test.extend` copies that list, so tests and
 * extensions made from now on have it.
 */
function addFixture(test) {
  const key = typeof test === 'function' ? Object.getOwnPropertySymbols(test).find((symbol) => symbol.description === 'testType') : undefined;
  const fixtures = key && test[key] && test[key].fixtures;
  if (!Array.isArray(fixtures)) {
    process.emitWarning('monocov: this version of Playwright Test is not one monocov knows how to measure in the browser: only its Node processes are measured (docs/browser.md)');
    return;
  }
  const { contextFixture, watchChromiumLaunches } = require(join(__dirname, '..', 'dist', 'collection', 'playwright-fixture.js'));
  watchChromiumLaunches();
  fixtures.push({ fixtures: { context: [contextFixture, { box: true }] }, location: { file: __filename, line: 1, column: 1 } });
}
