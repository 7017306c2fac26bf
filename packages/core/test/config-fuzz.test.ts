import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../src/errors';
import { loadConfig } from '../src/config';

// 200 mutations of a valid rc file: each must load or fail with a one-paragraph ConfigError,
// never with another exception. The PRNG is seeded so a failure replays exactly.

const VALID = {
  $schema: './node_modules/@monocov/core/coveragerc.schema.json',
  run: { include: ['src/**'], omit: ['**/*.test.ts', '**/generated/**'], all: true, dataDir: 'coverage', source: 'project' },
  paths: { source: ['packages/', '/ci/agent-*/work/packages/'] },
  report: {
    failUnder: 80,
    perProject: { 'packages/core': { lines: 90 } },
    perFile: { branches: 10 },
    skipCovered: false,
    skipEmpty: false,
    showMissing: true,
    precision: 2,
    sort: 'name',
  },
  reporters: ['text', 'lcov', 'json', 'json-summary', 'cobertura', 'html'],
};

/** mulberry32: small, fast, good enough to spread mutations. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(0xc0ffee);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, 101, 2.5, '', 'eighty', '../x', '/abs', true, [], [1], {}, { lines: 'x' }, '__proto__', ['!a'], 'C:\\x'];
const ODD_KEYS = ['includ', 'failUnder', 'fail_under', '', '__proto__', 'constructor', 'run', 'report.failUnder', 'x'.repeat(200), 'lines'];

/** Every object/array inside `value`, with a way to reach it. */
function containers(value: unknown, found: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (value !== null && typeof value === 'object') {
    found.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) containers(child, found);
  }
  return found;
}

function mutate(): string {
  const config: unknown = structuredClone(VALID);
  const mutations = 1 + Math.floor(random() * 3);
  for (let i = 0; i < mutations; i++) {
    const target = pick(containers(config));
    const keys = Object.keys(target);
    switch (pick(['delete', 'insert', 'retype', 'retype', 'truncate'] as const)) {
      case 'delete':
        if (keys.length > 0) {
          if (Array.isArray(target)) target.splice(Number(pick(keys)), 1);
          else delete target[pick(keys)];
        }
        break;
      case 'insert':
        if (Array.isArray(target)) target.push(pick(ODD_VALUES));
        else Object.defineProperty(target, pick(ODD_KEYS), { value: pick(ODD_VALUES), enumerable: true, writable: true, configurable: true });
        break;
      case 'retype':
        if (keys.length > 0) (target as Record<string, unknown>)[pick(keys)] = pick(ODD_VALUES);
        break;
      case 'truncate': {
        const text = JSON.stringify(config, null, 2);
        return text.slice(0, Math.floor(random() * text.length));
      }
    }
  }
  const text = JSON.stringify(config, null, random() < 0.5 ? 2 : 0);
  // Sometimes damage the text itself: a stray character where JSON cannot have one.
  if (random() < 0.15) {
    const at = Math.floor(random() * text.length);
    return text.slice(0, at) + pick([',', '}', ']', '"', '//', "'", '\\', '\u0001']) + text.slice(at);
  }
  return text;
}

test('200 mutated rc files: accepted, or a one-paragraph ConfigError', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'monocov-fuzz-')));
  let accepted = 0;
  let rejected = 0;
  try {
    for (let i = 0; i < 200; i++) {
      const text = mutate();
      writeFileSync(join(root, '.coveragerc.json'), text);
      try {
        loadConfig({ workspaceRoot: root });
        accepted++;
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          assert.unreachable(`case ${i} threw ${String(error)} for:\n${text}`);
        }
        const message = (error as Error).message;
        assert.ok(message.length > 0, `case ${i}: empty message`);
        assert.not.match(message, /\n\s*\n/, `case ${i}: more than one paragraph:\n${message}`);
        assert.not.match(message, /^\s*at /m, `case ${i}: stack lines:\n${message}`);
        for (const line of message.split('\n')) assert.match(line, /^`\.coveragerc\.json`/, `case ${i}: every line names the file`);
        rejected++;
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  // Both outcomes must occur, or the mutations are not exercising anything.
  assert.ok(accepted > 5 && rejected > 50, `accepted ${accepted}, rejected ${rejected}`);
});

test.run();
