// Writes the two files generated from the option table (packages/core/src/config/options.ts):
//   packages/core/coveragerc.schema.json   the JSON Schema editors use
//   docs/configuration.md                  the configuration reference
// Usage: node --import tsx tools/gen-config-reference.ts [--check]
// With --check it writes nothing and exits 1 when either file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIONS, SECTIONS, docType, isSection, optionKeys, sectionOptions, topLevelKeys } from '../packages/core/src/config/options';
import { renderConfigSchema } from '../packages/core/src/config/schema';
import { BUILTIN_OMIT } from '../packages/core/src/files';

export const REGENERATE_COMMAND = 'node --import tsx tools/gen-config-reference.ts';

const root = join(__dirname, '..');

export const GENERATED_FILES: Record<string, () => string> = {
  'packages/core/coveragerc.schema.json': renderConfigSchema,
  'docs/configuration.md': renderConfigurationDoc,
};

export function renderConfigurationDoc(): string {
  const lines: string[] = [
    `<!-- Generated from packages/core/src/config/options.ts by \`${REGENERATE_COMMAND}\`; edit the table, not this file. -->`,
    '',
    '# Configuration reference',
    '',
    'monocov reads one file, `.coveragerc.json`, at the workspace root. Every key is optional; a missing',
    'file means all defaults. Sections follow coverage.py (`[run]`, `[paths]`, `[report]`) in camelCase.',
    'Point `$schema` at the schema shipped in `@monocov/core` and editors complete and check the file:',
    '',
    '```json',
    '{ "$schema": "./node_modules/@monocov/core/coveragerc.schema.json" }',
    '```',
    '',
    '## Where the workspace root is',
    '',
    'Walking up from the current folder (or the Nx workspace root, for the Nx plugin):',
    '',
    '1. the nearest folder holding `nx.json`, `pnpm-workspace.yaml` or a `package.json` with `workspaces`;',
    '   an rc file misplaced in a package below it is not used;',
    '2. otherwise the nearest folder holding `.coveragerc.json`;',
    '3. otherwise the nearest folder holding a `package.json`; otherwise the current folder.',
    '',
    '## Layers',
    '',
    'Defaults, then `.coveragerc.json`, then executor options or CLI flags (same shape as the file).',
    'Objects merge key by key; arrays and other values replace what is below them. Every layer is',
    'validated the same way, and every problem is reported at once, one line each:',
    '',
    '```text',
    '`.coveragerc.json`: `report.failUnder` must be a number from 0 to 100 or an object of metrics, got "eighty"',
    '`.coveragerc.json`: `run.failUnder` is not a known key; did you mean `report.failUnder`?',
    '```',
    '',
    'Unknown keys are errors, so a typo cannot silently switch a threshold off. `run.dataDir`, the',
    'include/omit globs and the canonical (first) prefix of each `paths` list must stay inside the',
    'workspace: no absolute paths, no `..`. A hash of the `run` options is recorded in each',
    "project's `meta.json`: data made under other `run` options is stale (`monocov merge --expect`",
    'names it); thresholds and reporters only shape the merge, so changing them leaves data current.',
    '',
    '## Top-level keys',
    '',
    ...table(topLevelKeys().map((name) => (isSection(name) ? { key: name, type: 'object', defaultText: '', description: SECTIONS[name] } : row(name as keyof typeof OPTIONS)))),
  ];
  for (const section of Object.keys(SECTIONS) as Array<keyof typeof SECTIONS>) {
    lines.push('', `## \`${section}\``, '', SECTIONS[section], '', ...table(sectionOptions(section).map(([, key]) => row(key))));
  }
  lines.push(
    '',
    '## What is measured by default',
    '',
    'Without `run.include`, every JavaScript and TypeScript file of a project is measured except the',
    'built-in omit list below: tests, declarations, generated code, configs, build output and',
    "node_modules — nyc's default, so a package's code is found wherever it lives (`src/`, `lib/`,",
    "`bin/`, an `index.js` at its root) without a setting. Build output in other folders (tsc's",
    '`outDir: "lib"`, `esm/`, `cjs/`) counts through its source maps, never as itself',
    '([built output](#built-output)). `init` writes no `include`; set one only to narrow the',
    'measurement (`["src/**"]`). A folder inside a project that has a `project.json`, or a `package.json`',
    "with a `name`, of its own is another package (an e2e test's sample app, a starter template, a nested",
    "workspace member) and none of its files is the project's source, even when a test loads one; the",
    "workspace root's project is the exception, as it holds every package. A `package.json` without a",
    'name (`{"type": "module"}` in a dual package\'s `src/esm/`) only sets its folder\'s module type.',
    '',
    '## Built-in omit list',
    '',
    'Always left out of `run.include`, before `run.omit` (which adds to this list), together with the',
    'data directory (`run.dataDir`):',
    '',
    ...BUILTIN_OMIT.map((glob) => `- \`${glob}\``),
    '',
    "`*.test-d.*` and `*.spec-d.*` are Vitest's type tests (`typecheck.include`), `*.bench.*` and",
    '`*.benchmark.*` its benchmarks (`benchmark.include`): no test run executes them, so as sources they',
    "would only count at 0%. `*.cy.*` are Cypress's specs. `test-setup.*` (as Nx generates it), `setupTests.*`,",
    "`jest.setup.*` and `vitest.setup.*` are the runners' setup files by their conventional names, which Jest",
    'and Vitest never instrument; a setup file named otherwise belongs in `run.omit`',
    '([runners](runners.md#jest)).',
    '',
    'Test folders (`test/`, `tests/`) and build output (`dist/`, `build/`, `out/`, `coverage/`) are',
    "anchored at the project root, as nyc's defaults anchor them: `src/executors/test/executor.ts`",
    "and `src/commands/build/index.ts` are sources and are measured. The workspace root's project, which",
    "holds every package, leaves them out at each package's root too (`packages/server/dist/`, as a",
    "root Jest run with `projects` loads it), as the package's own run would. A file the tests loaded that a",
    'rule other than the test rules leaves out (built output without source maps, `src/app.config.ts`)',
    "is named once in a warning at the end of the project's run.",
    '',
    'Globs are matched against the path relative to the project root (`source: "project"`) or to the',
    'file\'s nearest package (`source: "workspace"`): the nearest folder holding a `project.json` or a `package.json`',
    'with a `name`, so that a module-type marker (`src/esm/package.json` with only `"type"`) is not taken for one;',
    'in a workspace whose packages have no names, the nearest folder holding a `package.json`.',
    'Include globs do not match dot folders unless they name one; node_modules is never measured.',
    '',
    '## Built output',
    '',
    "Only `dist/`, `build/`, `out/` and `coverage/` are left out by name. Elsewhere (`lib/` from tsc's",
    '`outDir`, `esm/`, `cjs/`, `es/`) built files are told apart as Node and c8 tell them, by what they',
    'say of themselves: a `.js`, `.mjs`, `.cjs` or `.jsx` file that ends with a `sourceMappingURL`',
    'comment (a map file beside it, or a `data:` URL) is built output, and counts through its map, never',
    'as itself. A test that loads `lib/index.js` counts its hits on `src/index.ts`; with `run.all`, a',
    'built file no test loaded counts at 0% on the sources its map names that `include` and `omit`',
    'select (once each, however many builds name them), or on the text the map carries for one no',
    'longer on disk. Built JavaScript without a map is measured as a source; to leave such a folder out,',
    'add it to `run.omit` (`"lib/**"`).',
    '',
    'The map is read only when it is a regular file inside the workspace, and a source it names outside',
    'the workspace (after symbolic links) is never read ([security](security.md)). A map that cannot be',
    'read or parsed leaves the file a source of its own, as Node then runs it. A built file whose map',
    'names no source in the workspace (all outside it, or deleted since the build) counts for nothing,',
    'as it would if a test loaded it, and is named in a warning at the end of the run: delete stale build',
    'output or rebuild it, or leave it out with `run.omit`. An `include` that selects built files only',
    '(`["lib/**"]`) leaves their sources out, so nothing of the project counts: the run says so in a',
    'warning; select the sources (`["src/**"]`) instead.',
    '',
    '## Percentages',
    '',
    "A percentage is computed once, by istanbul's rule: truncated, never rounded (2 of 3 lines is",
    '66.66%, not 66.67%); nothing to cover is 100%. The text table, the HTML report, json-summary,',
    'cobertura, the Markdown summary and the threshold messages all show that number, and thresholds',
    'compare it, so `lines 66.66% < 66.67%` is exactly what was checked. `report.precision` sets the',
    'places printed; the files istanbul writes keep 2, and truncation keeps the shared digits equal.',
    '',
    '## Full example',
    '',
    'Every key, with its default or an example value:',
    '',
    '```json',
    JSON.stringify(fullExample(), null, 2),
    '```',
    '',
  );
  return lines.join('\n');
}

interface Row {
  key: string;
  type: string;
  defaultText: string;
  description: string;
}

function row(key: keyof typeof OPTIONS): Row {
  const option = OPTIONS[key];
  return {
    key,
    type: docType(option.type),
    defaultText: option.default === undefined ? '(not set)' : `\`${JSON.stringify(option.default)}\``,
    description: option.description,
  };
}

function table(rows: Row[]): string[] {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.key}\` | ${r.type ? `\`${cell(r.type)}\`` : ''} | ${cell(r.defaultText)} | ${cell(r.description)} |`),
  ];
}

function fullExample(): Record<string, unknown> {
  const example: Record<string, Record<string, unknown> | unknown> = {};
  for (const key of optionKeys()) {
    const option = OPTIONS[key];
    const value = option.example ?? option.default;
    const [first, leaf] = key.split('.') as [string, string | undefined];
    if (leaf === undefined) example[first] = value;
    else ((example[first] ??= {}) as Record<string, unknown>)[leaf] = value;
  }
  return example;
}

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, render] of Object.entries(GENERATED_FILES)) {
    const absolute = join(root, path);
    const wanted = render();
    let current: string | undefined;
    try {
      current = readFileSync(absolute, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === wanted) continue;
    stale++;
    if (check) console.error(`${path} is out of date; run: ${REGENERATE_COMMAND}`);
    else {
      writeFileSync(absolute, wanted);
      console.log(`wrote ${path}`);
    }
  }
  if (check && stale > 0) process.exitCode = 1;
}

if (require.main === module) main();
