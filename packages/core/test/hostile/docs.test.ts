import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_CONFIG_DEPTH } from '../../src/config/load';
import { wholeParseLimit } from '../../src/store/read';
import { MAX_ENTRY_DEPTH } from '../../src/store/shape';
import { MAX_SOURCE_BYTES } from '../../src/workspace-source';

// Issue 17, item 1: docs/security.md states the threat model and the guarantees this suite
// checks, and its limits are the code's: a changed constant cannot leave the page behind.

const DOC = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'security.md'), 'utf8');

function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/security.md has a "## ${title}" section`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end === -1 ? undefined : end);
}

test('the threat model names every untrusted input and what a report may reveal', () => {
  const model = section('Threat model');
  for (const input of ['coverage-final.json', 'meta.json', 'contexts.json', 'raw V8 files', 'map cache', '.coveragerc.json', 'file and folder names', '--baseline-ref']) {
    assert.ok(model.includes(input), `the threat model names ${input}`);
  }
  assert.match(model, '**What a report may reveal:**');
});

test('seven guarantees; every test file of this folder says what its cases guard', () => {
  const guarantees = [...section('Guarantees').matchAll(/^(\d+)\. \*\*(.+?)\*\*/gm)].map(([, number, title]) => `${number}. ${title}`);
  assert.is(guarantees.length, 7, guarantees.join('\n'));
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.ts') && name !== 'docs.test.ts');
  for (const file of files) assert.match(readFileSync(join(__dirname, file), 'utf8'), /\/\/ Guards: /, `${file} says what each case guards`);
});

test("the limits table gives the code's limits", () => {
  const limits = Object.fromEntries([...section('Limits').matchAll(/^\| (.+?) \| (.+?) \| .+ \|$/gm)].map(([, limit, value]) => [limit!, value!]));
  assert.is(limits['`.coveragerc.json` nesting'], `${MAX_CONFIG_DEPTH} levels`);
  assert.is(limits["nesting of a data file's entry"], `${MAX_ENTRY_DEPTH} levels (istanbul's own is 6)`);
  assert.is(limits['source file shown in the HTML report'], `${MAX_SOURCE_BYTES / 2 ** 20} MiB`);
  assert.is(limits['data file parsed as one string'], `${wholeParseLimit() / 2 ** 20} MiB`);
});

test('the fuzzing section gives a run of at least 10,000 cases, its outcomes by input and its slowest case', () => {
  const fuzzing = section('Fuzzing');
  const cases = /\*\*([\d,]+) cases\*\*/.exec(fuzzing);
  assert.ok(cases && Number(cases[1]!.replace(/,/g, '')) >= 10_000, 'a run of at least 10,000 cases');
  for (const input of ['coverage-final.json', 'meta.json', 'raw V8 file', '.coveragerc.json'])
    assert.match(fuzzing, new RegExp(`^\\| ${input.replace(/\./g, '\\.')} \\| [\\d,]+ \\|`, 'm'));
  assert.match(fuzzing, /^Slowest case: /m);
});

test.run();
