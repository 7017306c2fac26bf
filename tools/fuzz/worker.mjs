// The fuzz worker (see fuzz.mjs): builds one real workspace with real data, then runs cases
// [first, total) and prints one JSON line before ({ start }) and after each case.
// Usage (from fuzz.mjs): node worker.mjs <seed> <first> <total>
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const { main } = require(join(REPO, 'packages/core/dist/cli/main.js'));
const { V8Conversion } = require(join(REPO, 'packages/core/dist/convert/index.js'));
const { isMonocovError } = require(join(REPO, 'packages/core/dist/errors.js'));

const [seed, first, total] = process.argv.slice(2).map(Number);
/** A path a hostile value names; it must never come to exist. */
const ESCAPE = join(tmpdir(), 'monocov-fuzz-escape');

// ---------------------------------------------------------------------------------------------
// The workspace: two projects whose data is made by real `monocov run`s, a raw V8 file of a real
// process, and a valid .coveragerc.json.

const home = mkdtempSync(join(tmpdir(), 'monocov-fuzz-'));
const root = join(home, 'ws');
const sentinel = join(home, 'sentinel');
mkdirSync(sentinel);
writeFileSync(join(sentinel, 'keep'), 'keep');
const files = {
  'package.json': JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }),
  '.coveragerc.json': JSON.stringify({
    run: { include: ['src/**'], all: true },
    report: { failUnder: 10, perFile: 5, perProject: { 'packages/a': { lines: 20 } } },
    reporters: ['text', 'lcov', 'json', 'json-summary', 'cobertura', 'html', 'markdown'],
  }),
  'packages/a/package.json': JSON.stringify({ name: 'a' }),
  'packages/a/src/lib.js': 'exports.pick = function pick(x) {\n  if (x > 1) return "big";\n  return x ? "one" : "none";\n};\nexports.unused = () => 0;\n',
  'packages/a/test.js': 'const { pick } = require("./src/lib.js");\npick(2);\npick(0);\n',
  'packages/b/package.json': JSON.stringify({ name: 'b' }),
  'packages/b/src/b.js': 'module.exports = function twice(list) {\n  return list.map((x) => x * 2);\n};\n',
  'packages/b/test.js': 'require("./src/b.js")([1, 2]);\n',
  '.git/config': '[remote "origin"]\n\turl = https://token-SECRET@example.com/repo\n',
  '.env': 'TOKEN=SECRET\n',
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

function sink() {
  let text = '';
  return { stream: new Writable({ write: (chunk, _e, done) => ((text += chunk), done()) }), text: () => text };
}

async function cli(cwd, args) {
  const out = sink();
  const err = sink();
  const status = await main(args, { cwd, env: { ...process.env, MONOCOV_CACHE: 'off' }, stdout: out.stream, stderr: err.stream });
  return { status, stdout: out.text(), stderr: err.text() };
}

for (const project of ['a', 'b']) {
  const made = await cli(join(root, 'packages', project), ['run', '--', process.execPath, 'test.js']);
  if (made.status !== 0) throw new Error(`setup: monocov run in ${project} gave ${made.status}\n${made.stderr}`);
}
const rawDir = join(home, 'raw-base');
spawnSync(process.execPath, ['test.js'], { cwd: join(root, 'packages/a'), env: { ...process.env, NODE_V8_COVERAGE: rawDir } });
const rawName = readdirSync(rawDir).find((name) => name.startsWith('coverage-'));
const dataFolder = join(root, 'coverage/projects/packages/a');
const BASE = {
  data: readFileSync(join(dataFolder, 'coverage-final.json'), 'utf8'),
  meta: readFileSync(join(dataFolder, 'meta.json'), 'utf8'),
  raw: readFileSync(join(rawDir, rawName), 'utf8'),
  rc: files['.coveragerc.json'],
};
const first_merge = await cli(root, ['merge']);
if (first_merge.status !== 0 && first_merge.status !== 2) throw new Error(`setup: merge gave ${first_merge.status}\n${first_merge.stderr}`);

// ---------------------------------------------------------------------------------------------
// Mutations

function rng(caseSeed) {
  let state = caseSeed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** Largest text mutated again. */
const MAX_MUTATED = 4 * 2 ** 20;

const HOSTILE_VALUES = [
  null,
  true,
  false,
  -1,
  0,
  1.5,
  2 ** 53,
  1e308,
  30_000_000,
  '',
  'x',
  '../../etc/passwd',
  '/etc/passwd',
  '.git/config',
  '.env',
  'a\nSF:/etc/passwd',
  '<img src=x onerror=alert(1)>',
  '\u001b[2J',
  '\ud800',
  {},
  [],
  [null],
  { start: {}, end: {} },
  { start: { line: 30_000_000, column: 0 }, end: { line: 30_000_000, column: 1 } },
  { line: -5, column: 2 ** 60 },
  ESCAPE,
  `${ESCAPE}/x`,
  '../..',
  'packages/a/src/lib.js',
  'coverage',
  '.',
  '__proto__',
];
const HOSTILE_KEYS = ['__proto__', 'constructor', '.', 'a/..', '../x', '.git/config', '.env', 'x\ny', '/proc/self/environ', '0', '-1', '999999999', 'packages/a/src', ESCAPE];
const pick = (random, list) => list[Math.floor(random() * list.length)];

/** Every [parent, key] of a parsed JSON value, breadth first, at most `limit`. */
function slots(value, limit = 2000) {
  const found = [];
  const queue = [value];
  while (queue.length > 0 && found.length < limit) {
    const parent = queue.shift();
    if (parent === null || typeof parent !== 'object') continue;
    for (const key of Object.keys(parent)) {
      found.push([parent, key]);
      queue.push(parent[key]);
    }
  }
  return found;
}

function deepNest(depth) {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** One mutation of `text`; returns [new text, description]. */
function mutate(text, random) {
  try {
    return mutateOnce(text, random);
  } catch {
    return [text, 'none (too deep to mutate as JSON)']; // JSON.stringify of an earlier deep nesting
  }
}

function mutateOnce(text, random) {
  const op = Math.floor(random() * 10);
  if (op === 0) {
    const at = Math.floor(random() * text.length);
    return [text.slice(0, at), `truncate at ${at}`];
  }
  if (op === 1) {
    const at = Math.floor(random() * text.length);
    const char = String.fromCharCode(Math.floor(random() * 128));
    return [text.slice(0, at) + char + text.slice(at + 1), `byte ${at} → ${JSON.stringify(char)}`];
  }
  if (op === 2) {
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
    if (numbers.length === 0) return [text, 'none'];
    const target = pick(random, numbers);
    const literal = pick(random, ['1e400', '-1e400', '-0', '1e-400', '99999999999999999999', '3.5', '-7']);
    return [text.slice(0, target.index) + literal + text.slice(target.index + target[0].length), `number at ${target.index} → ${literal}`];
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [text, 'unparsable base'];
  }
  const all = slots(value);
  if (all.length === 0) return [text, 'no slots'];
  const [parent, key] = pick(random, all);
  if (op <= 5) {
    const replacement = pick(random, HOSTILE_VALUES);
    parent[key] = structuredClone(replacement);
    return [JSON.stringify(value), `${key} → ${JSON.stringify(replacement)}`];
  }
  if (op === 6) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    return [JSON.stringify(value), `delete ${key}`];
  }
  if (op === 7 && !Array.isArray(parent)) {
    const renamed = pick(random, HOSTILE_KEYS);
    Object.defineProperty(parent, renamed, { value: parent[key], enumerable: true, writable: true, configurable: true });
    if (renamed !== key) delete parent[key];
    return [JSON.stringify(value), `key ${key} → ${JSON.stringify(renamed)}`];
  }
  if (op === 8) {
    const marker = '"__DEEP__"';
    parent[key] = '__DEEP__';
    const depth = pick(random, [100, 3000, 20000]);
    return [JSON.stringify(value).replace(marker, deepNest(depth)), `${key} → nested ${depth} deep`];
  }
  const size = pick(random, [1000, 100_000]);
  // Copies of a small value only: 100,000 copies of a map would make a string of gigabytes.
  const first = Array.isArray(parent[key]) ? parent[key][0] : undefined;
  const item = first !== null && typeof first === 'object' && JSON.stringify(first).length > 200 ? 0 : (first ?? 0);
  parent[key] = Array.from({ length: size }, (_, i) => (first === undefined ? i : item));
  return [JSON.stringify(value), `${key} → array of ${size}`];
}

// ---------------------------------------------------------------------------------------------
// Checks: nothing outside the output folder changes

/** The workspace's files other than coverage/, with sizes and times, and the sentinel folder. */
function outsideState() {
  const entries = [];
  const walk = (dir, prefix) => {
    for (const name of readdirSync(dir).sort()) {
      if (prefix === '' && name === 'coverage') continue;
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path, `${prefix}${name}/`);
      // The rc file is rewritten by every case (restore()): its bytes are compared, not its time.
      else if (path === join(root, '.coveragerc.json')) entries.push(`${prefix}${name}:${readFileSync(path, 'utf8') === BASE.rc}`);
      else entries.push(`${prefix}${name}:${stat.size}:${stat.mtimeMs}`);
    }
  };
  walk(root, '');
  walk(home, '~/');
  return entries.filter((entry) => !entry.startsWith('~/ws/') && !entry.startsWith('~/raw-')).join('\n');
}
const baseline = outsideState();

// ---------------------------------------------------------------------------------------------
// Cases

const KINDS = ['data', 'meta', 'raw', 'rc'];
const emit = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function restore() {
  writeFileSync(join(dataFolder, 'coverage-final.json'), BASE.data);
  writeFileSync(join(dataFolder, 'meta.json'), BASE.meta);
  writeFileSync(join(root, '.coveragerc.json'), BASE.rc);
}

const unexpected = (result) => result.status === 70 || /unexpected error/.test(result.stderr) || /^\s+at /m.test(result.stderr);

for (let index = first; index < total; index++) {
  const random = rng(seed * 1_000_003 + index * 7919 + 1);
  const kind = KINDS[index % KINDS.length];
  emit({ start: index, kind });
  let text = BASE[kind];
  const mutations = [];
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    // Past 4 MB a further mutation costs the fuzzer more than the case costs monocov.
    if (text.length > MAX_MUTATED) break;
    const [next, description] = mutate(text, random);
    text = next;
    mutations.push(description);
  }
  const mutation = mutations.join('; ').slice(0, 300);
  const started = performance.now();
  let outcome;
  let failure = false;
  let detail;
  try {
    if (kind === 'raw') {
      const dir = mkdtempSync(join(home, 'raw-'));
      writeFileSync(join(dir, rawName), text);
      let skipped = 0;
      let dropped = 0;
      try {
        const conversion = new V8Conversion({
          rawDir: dir,
          include: (path) => path.startsWith(join(root, 'packages/a/src')),
          onSkippedRawFile: () => skipped++,
          onUnparsableSource: () => dropped++,
        });
        const coverage = await conversion.finish();
        outcome = skipped > 0 ? 'process dropped' : dropped > 0 ? 'source dropped' : `converted (${Object.keys(coverage).length} file)`;
      } catch (error) {
        if (!isMonocovError(error)) {
          failure = true;
          detail = error?.stack ?? String(error);
        }
        outcome = isMonocovError(error) ? `error ${error.code}` : 'stack trace';
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const target = { data: join(dataFolder, 'coverage-final.json'), meta: join(dataFolder, 'meta.json'), rc: join(root, '.coveragerc.json') }[kind];
      writeFileSync(target, text);
      // Every reporter (HTML included) in one case of 20, the file reporters CI reads in the others,
      // and `monocov report` of the merged data in one case of 4: the HTML report's assets are most
      // of a case's time.
      const reporters = Math.floor(index / 4) % 5 === 0 ? [] : ['json', 'lcov', 'cobertura', 'json-summary', 'markdown', 'text'].flatMap((name) => ['--reporter', name]);
      const merge = await cli(root, ['merge', ...reporters]);
      const report = Math.floor(index / 4) % 4 === 1 ? await cli(root, ['report', ...reporters]) : undefined;
      outcome = report ? `merge ${merge.status}, report ${report.status}` : `merge ${merge.status}`;
      if (unexpected(merge) || (report && unexpected(report))) {
        failure = true;
        detail = `${merge.stderr}\n${report?.stderr ?? ''}`.slice(-2000);
      }
      restore();
    }
  } catch (error) {
    failure = true;
    outcome = 'stack trace';
    detail = error?.stack ?? String(error);
    restore();
  }
  const after = outsideState();
  if (after !== baseline || existsSync(ESCAPE)) {
    failure = true;
    outcome = 'wrote outside the output folder';
    detail = after;
  }
  const ms = Math.round(performance.now() - started);
  emit({ index, kind, mutation, outcome, failure, ms, ...(detail ? { detail: detail.slice(0, 2000) } : {}) });
}
rmSync(home, { recursive: true, force: true });
