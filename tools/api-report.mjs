#!/usr/bin/env node
// The API reports of the published packages (API Extractor): packages/<pkg>/api/<pkg>.api.md lists every export and
// its signature, so a change to the public API shows in review.
//   npm run api                            build, then rewrite the reports (commit them)
//   node tools/api-report.mjs --check      fail when a report differs from what the built packages export
//                                          (run by tools/test/api-report.test.ts, so by npm test)
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const PACKAGES = ['core', 'nx'];

let failed = false;
for (const pkg of PACKAGES) {
  const config = ExtractorConfig.loadFileAndPrepare(join(root, 'packages', pkg, 'api-extractor.json'));
  const messages = [];
  const notes = [];
  const result = Extractor.invoke(config, {
    localBuild: !check,
    messageCallback: (message) => {
      // Warnings about the API are failures here (an export whose types are not exported, a broken declaration);
      // API Extractor's own console notes (a report written or changed) are printed as they are.
      const text = message.formatMessageWithLocation(root);
      if (message.messageId.startsWith('console-')) notes.push(text);
      else if (message.logLevel === 'warning' || message.logLevel === 'error') messages.push(text);
      message.handled = true;
    },
  });
  const report = `packages/${pkg}/api/${pkg}.api.md`;
  if (!check) for (const note of notes) console.log(`${report}: ${note}`);
  for (const message of messages) console.error(`${report}: ${message}`);
  if (check && result.apiReportChanged) {
    console.error(
      `${report} differs from the public API of the built @monocov/${pkg}: run \`npm run api\` and commit ${report} (review the change: it is the package's public API).`,
    );
  }
  if (!result.succeeded || messages.length > 0 || (check && result.apiReportChanged)) failed = true;
  else console.log(`${report}: ${check ? 'up to date' : 'written'}`);
}
process.exitCode = failed ? 1 : 0;
