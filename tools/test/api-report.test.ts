// The API reports (packages/<pkg>/api/<pkg>.api.md) match what the built packages export, so a change to the public
// API shows in review; when they differ, the failure names the command that updates them. Run after `npm run build`
// (npm test builds first).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repo = join(__dirname, '..', '..');

function check(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(root, 'tools', 'api-report.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

test('the committed API reports match the built packages', () => {
  const { status, output } = check(repo);
  assert.is(status, 0, `${output}\n(after \`npm run build\`: run \`npm run api\` and commit the reports)`);
  assert.match(output, 'packages/core/api/core.api.md: up to date');
  assert.match(output, 'packages/nx/api/nx.api.md: up to date');
});

test('an export missing from the report fails the check, naming the command to run', () => {
  const root = mkdtempSync(join(tmpdir(), 'monocov-api-'));
  try {
    mkdirSync(join(root, 'tools'));
    cpSync(join(repo, 'tools', 'api-report.mjs'), join(root, 'tools', 'api-report.mjs'));
    cpSync(join(repo, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
    for (const pkg of ['core', 'nx']) {
      for (const entry of ['api-extractor.json', 'tsconfig.json', 'package.json', 'api', 'dist', 'src']) {
        cpSync(join(repo, 'packages', pkg, entry), join(root, 'packages', pkg, entry), { recursive: true });
      }
    }
    const report = join(root, 'packages', 'core', 'api', 'core.api.md');
    const text = readFileSync(report, 'utf8');
    writeFileSync(report, text.replace(/\n\/\/ @public\nexport function loadConfig\([^\n]*\n/, '\n'));
    assert.is.not(readFileSync(report, 'utf8'), text, 'the fixture report lost loadConfig');
    const { status, output } = check(root);
    assert.is(status, 1, output);
    assert.match(output, 'packages/core/api/core.api.md differs from the public API of the built @monocov/core: run `npm run api` and commit packages/core/api/core.api.md');
    assert.match(output, 'packages/nx/api/nx.api.md: up to date');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
