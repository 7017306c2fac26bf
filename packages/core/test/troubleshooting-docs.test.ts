import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT, exitCodeFor } from '../src/cli/exit-codes';
import { checkCommand } from '../src/cli/commands/check';
import { mergeCommand } from '../src/cli/commands/merge';
import { reportCommand } from '../src/cli/commands/report';

// Issue 7, item 7: the exit statuses are stable and documented in docs/troubleshooting.md, and
// every message that page lists is one the code can print, word for word (so an edited message
// cannot leave the docs behind).

const REPO = join(__dirname, '..', '..', '..');
const DOC = readFileSync(join(REPO, 'docs', 'troubleshooting.md'), 'utf8');

function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/troubleshooting.md has a "## ${title}" section`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end === -1 ? undefined : end);
}

// Guards: the numbers scripts and CI configurations depend on.
test('the exit statuses are locked', () => {
  assert.equal(EXIT, { ok: 0, testsFailed: 1, thresholdMissed: 2, configError: 3, dataError: 4, noData: 5, usage: 64, internal: 70, environment: 74 });
  assert.is(exitCodeFor('ENVIRONMENT'), 74);
  assert.is(exitCodeFor('CONFIG'), 3);
  assert.is(exitCodeFor('DATA'), 4);
  assert.is(exitCodeFor('NO_DATA'), 5);
});

test('docs/troubleshooting.md documents every exit status, and only those', () => {
  const rows = [...section('Exit statuses').matchAll(/^\| (\d+) \| (.+) \|$/gm)].map(([, status, meaning]) => [Number(status), meaning!] as const);
  assert.equal(
    rows.map(([status]) => status).sort((a, b) => a - b),
    Object.values(EXIT).sort((a, b) => a - b),
  );
  const meaning = new Map(rows);
  assert.match(meaning.get(EXIT.testsFailed)!, 'tests failed');
  assert.match(meaning.get(EXIT.thresholdMissed)!, 'threshold was missed');
  assert.match(meaning.get(EXIT.configError)!, 'configuration error');
  assert.match(meaning.get(EXIT.dataError)!, 'data file could not be read');
  assert.match(meaning.get(EXIT.noData)!, 'no coverage data');
  assert.match(meaning.get(EXIT.usage)!, 'usage');
  assert.match(meaning.get(EXIT.internal)!, 'unexpected error');
});

test("each command's --help names only documented exit statuses", () => {
  const known = new Set<number>(Object.values(EXIT));
  for (const command of [mergeCommand, reportCommand, checkCommand]) {
    const paragraph = /Exit status: ([^]*?)\n\n/.exec(command.usage)?.[1];
    assert.ok(paragraph, `${command.summary}: an "Exit status:" paragraph`);
    for (const [status] of paragraph!.matchAll(/\b\d+\b/g)) assert.ok(known.has(Number(status)), `${command.summary}: status ${status}`);
  }
});

/** Every TypeScript source of the packages, with template-literal backquotes unescaped. */
function sources(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const pkg of readdirSync(join(REPO, 'packages'))) {
    try {
      walk(join(REPO, 'packages', pkg, 'src'));
    } catch {
      // a package without sources
    }
  }
  return texts.join('\n').replace(/\\`/g, '`');
}

/**
 * The fixed text of a documented message: the parts between placeholders (`<…>`) and quoted
 * names (`…`, which the code fills in), without edge punctuation. Parts shorter than 12
 * characters are too generic to prove anything and are not checked.
 */
function fixedParts(message: string): string[] {
  return message
    .replace(/<[^>]*>|`[^`]*`/g, '\u0000')
    .split('\u0000')
    .map((part) => part.replace(/^[\s()[\]:;,.'"?!|—]+|[\s()[\]:;,.'"?!|—]+$/g, ''))
    .filter((part) => part.length >= 12);
}

// Guards: the docs' wording against the code's. Rewording a message in the code fails here until
// docs/troubleshooting.md says the same.
test('every message listed under "Messages and their fixes" is printed by the code, with a fix beside it', () => {
  const code = sources();
  const rows = [...section('Messages and their fixes').matchAll(/^\| (``? .+? ``?|`[^`]+`) \| (.+) \|$/gm)];
  assert.ok(rows.length >= 24, `found ${rows.length} message rows`);
  let checked = 0;
  for (const [, cell, fix] of rows) {
    const message = cell!.replace(/^``? ?|\s?``?$/g, '');
    assert.ok(fix!.trim().length > 20, `a fix for ${message}`);
    for (const part of fixedParts(message)) {
      assert.ok(code.includes(part), `"${part}" (from the documented message ${message}) is not in packages/*/src`);
      checked++;
    }
  }
  assert.ok(checked >= 30, `checked ${checked} message parts`);
});

test('the memory budget in the docs is the one the scale test asserts', () => {
  const scale = readFileSync(join(__dirname, 'fault-scale.test.ts'), 'utf8');
  const budget = /const BUDGET_MB = (\d+);/.exec(scale)?.[1];
  assert.ok(budget);
  assert.match(section('Messages and their fixes'), `whose budget is ${budget} MB`);
});

test.run();
