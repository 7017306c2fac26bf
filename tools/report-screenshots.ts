// Regenerates the screenshots of the workspace HTML report in docs/images/ (shown in
// docs/html-report.md): the workspace of the report-ui e2e (tools/e2e/report-workspace.ts),
// measured with this repository's build, opened in headless Chromium at 1280x800.
// Usage: npm run build && npx tsx tools/report-screenshots.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Browser } from './e2e/chromium';
import { REPO_ROOT } from './e2e/lib';
import { REPORT_PROJECTS, buildReportWorkspace, writeReportWorkspace } from './e2e/report-workspace';

const BIN = join(REPO_ROOT, 'packages/core/bin/monocov.js');
const OUT = join(REPO_ROOT, 'docs/images');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'monocov-screenshots-'));
  const browser = Browser.launch();
  try {
    const root = join(dir, 'workspace');
    writeReportWorkspace(root);
    // A fixed report time, so the pictures change only when the report does.
    const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1767225600', NO_COLOR: '1' };
    delete env.NODE_V8_COVERAGE; // measuring the tests of this script's caller is not wanted
    buildReportWorkspace(root, (cwd, args, status = 0) => {
      const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
      if (result.status !== status) throw new Error(`monocov ${args.join(' ')}: exit ${result.status}, expected ${status}\n${result.stdout}${result.stderr}`);
      return result.stdout;
    });
    const index = pathToFileURL(join(root, 'coverage/workspace/html/index.html')).href;
    const page = await browser.newPage(1280, 800);
    mkdirSync(OUT, { recursive: true });
    const shoot = async (url: string, ready: string, name: string) => {
      await page.goto(url);
      await page.waitFor(ready);
      writeFileSync(join(OUT, name), await page.screenshot());
      console.log(`wrote docs/images/${name}`);
    };
    await shoot(index, `document.querySelector('tr[data-project]')`, 'report-projects.png');
    await shoot(`${index}#v=picture`, `document.querySelector('.treemap .tile')`, 'report-picture.png');
    const strings = Object.keys(REPORT_PROJECTS).sort().indexOf('libs/strings');
    await shoot(`${index}#v=picture&p=${strings}`, `document.querySelector('.treemap .tile')`, 'report-project-picture.png');
    await shoot(new URL('libs/strings/src/strings.js.html', index).href, `document.querySelector('.monocov-project')`, 'report-file.png');
    if (page.errors.length > 0) throw new Error(`the page reported errors:\n${page.errors.join('\n')}`);
  } finally {
    browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
