import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertV8Directory } from '../src/convert';

// A CommonJS module's first statement sits at offset 0, where the script's own top-level range
// starts: it ran once, like every statement after it. (Guards range-tree's indexAt, which passes
// over a function starting exactly at a probe — but never the top-level range, which has no parent.)
test('statements at the very start of a CommonJS module count their one run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'monocov-toplevel-'));
  try {
    writeFileSync(join(dir, 'math.js'), 'exports.add = (a, b) => a + b;\n\nexports.mul = (a, b) => {\n  return a * b;\n};\n');
    writeFileSync(join(dir, 'run.js'), "require('./math').add(1, 2);\n");
    const rawDir = join(dir, 'raw');
    spawnSync(process.execPath, [join(dir, 'run.js')], { env: { ...process.env, NODE_V8_COVERAGE: rawDir } });
    const coverage = await convertV8Directory({ rawDir, include: (path) => path.endsWith('math.js') });
    const math = coverage[join(dir, 'math.js')]!;
    const byLine = Object.entries(math.statementMap).map(([id, loc]) => [loc.start.line, loc.start.column, math.s[id]]);
    assert.equal(byLine, [
      [1, 0, 1],
      [1, 24, 1],
      [3, 0, 1],
      [4, 2, 0],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
