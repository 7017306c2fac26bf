// What the benchmark runs: each suite sets up its material once, then names its variants, each
// a list of commands (steps) run one after another. index.mjs alternates the variants.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { BENCH_MODULES, REPO_ROOT, generateWorkspace } from './generate.mjs';
import { median } from './measure.mjs';

const require = createRequire(import.meta.url);
const NODE = process.execPath;
export const BIN = {
  monocov: join(REPO_ROOT, 'packages/core/bin/monocov.js'),
  c8: join(REPO_ROOT, 'node_modules/c8/bin/c8.js'),
  nyc: join(BENCH_MODULES, 'nyc/bin/nyc.js'),
  nx: join(REPO_ROOT, 'node_modules/nx/bin/nx.js'),
  tape: join(BENCH_MODULES, 'tape/bin/tape'),
  istanbulMerge: join(REPO_ROOT, 'tools/bench/istanbul-merge.mjs'),
};

/** The environment every measured command starts from: nothing inherited that changes what it measures. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('NX_') || key === 'NODE_V8_COVERAGE' || key === 'NODE_OPTIONS' || key.startsWith('NYC_') || key === 'MONOCOV_CACHE' || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...extra };
}

/**
 * One project's test command under each tool, with the same reports: a text table on stdout
 * and istanbul JSON (coverage-final.json) on disk; `all` on (never-loaded sources at 0) and the
 * same include glob. c8 and nyc write into `out` so nothing lands in the measured tree.
 */
export function toolStep(tool, { test, cwd, include, out }) {
  const [command, ...args] = test;
  const env = cleanEnv();
  switch (tool) {
    case 'plain':
      return { command, args, cwd, env };
    case 'v8-only':
      // NODE_V8_COVERAGE alone, nothing converted or reported: the floor any V8-based tool starts from.
      return { command, args, cwd, env: { ...env, NODE_V8_COVERAGE: join(out, 'raw') } };
    case 'monocov':
      return { command: NODE, args: [BIN.monocov, 'run', '--', command, ...args], cwd, env };
    case 'monocov-nocache':
      // Without the map cache kept between runs: what a first run (or CI without node_modules/.cache) costs.
      // The variant empties the map cache before it runs (projectSuite); V8's code caches, kept in the
      // installed package, stay, as in such a CI (MONOCOV_CACHE=off would switch them off too).
      return { command: NODE, args: [BIN.monocov, 'run', '--', command, ...args], cwd, env };
    case 'c8':
      return {
        command: NODE,
        args: [
          BIN.c8,
          '--all',
          '--include',
          include,
          '--reporter=text',
          '--reporter=json',
          '--report-dir',
          join(out, 'report'),
          '--temp-directory',
          join(out, 'tmp'),
          command,
          ...args,
        ],
        cwd,
        env,
      };
    case 'nyc':
      return {
        command: NODE,
        args: [
          BIN.nyc,
          '--all',
          '--include',
          include,
          '--reporter=text',
          '--reporter=json',
          '--report-dir',
          join(out, 'report'),
          '--temp-dir',
          join(out, 'tmp'),
          '--cache-dir',
          join(out, '..', 'nyc-cache'), // nyc's default cache (instrumented code), kept between repetitions as it is by default
          command,
          ...args,
        ],
        cwd,
        env,
      };
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

/** Line coverage (%) of istanbul JSON files: a check that every tool measured the same code. */
export function linePct(files) {
  const libCoverage = require('istanbul-lib-coverage');
  const map = libCoverage.createCoverageMap({});
  for (const file of files) if (existsSync(file)) map.merge(JSON.parse(readFileSync(file, 'utf8')));
  if (map.files().length === 0) return { pct: NaN, files: 0 };
  return { pct: map.getCoverageSummary().lines.pct, files: map.files().length };
}

/** Every `name` file under `dir`. */
export function findFiles(dir, name) {
  const found = [];
  if (!existsSync(dir)) return found;
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === name) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * A test suite run per project under each tool. `projects`: [{ dir, test }] with absolute dirs;
 * `monocovData`: the folder monocov writes these projects' data into (cleared before its runs).
 */
function projectSuite({ id, title, workspace, monocovData = join(workspace, 'coverage', 'projects'), projects, include, tools, out }) {
  const outOf = (tool, dir) => join(out, tool, relative(workspace, dir) || 'root');
  return {
    id,
    title,
    baseline: 'plain',
    variants: tools.map((tool) => ({
      name: tool,
      // Once before the measured runs: the map cache (for `monocov`) and V8's code caches filled, as after
      // any earlier run; a new build's first run would otherwise be a cold one.
      warmUp: tool.startsWith('monocov'),
      prepare() {
        if (tool.startsWith('monocov')) rmSync(monocovData, { recursive: true, force: true });
        if (tool === 'monocov-nocache') rmSync(join(workspace, 'node_modules', '.cache', 'monocov'), { recursive: true, force: true });
        if (tool === 'c8' || tool === 'nyc' || tool === 'v8-only') rmSync(join(out, tool), { recursive: true, force: true });
      },
      steps: () => projects.map((project) => toolStep(tool, { test: project.test, cwd: project.dir, include, out: outOf(tool, project.dir) })),
      measured() {
        if (tool === 'plain' || tool === 'v8-only') return undefined;
        if (tool.startsWith('monocov')) return linePct(findFiles(monocovData, 'coverage-final.json'));
        return linePct(findFiles(join(out, tool), 'coverage-final.json'));
      },
    })),
  };
}

export function syntheticSuite({ benchDir, projects, files, tools }) {
  const workspace = join(benchDir, `ws-${projects}x${files}`);
  const roots = generateWorkspace({ root: workspace, projects, files });
  return {
    workspace,
    ...projectSuite({
      id: `synthetic-${projects}x${files}`,
      title: `synthetic monorepo, ${projects} projects x ${files} source files (\`node --test\`, one project after another): ${tools.join(', ')}`,
      workspace,
      projects: roots.map((root) => ({ dir: join(workspace, root), test: [NODE, '--test'] })),
      include: 'src/**',
      tools,
      out: join(benchDir, 'out', `synthetic-${projects}x${files}`),
    }),
  };
}

/** qs's installed package (its tarball ships test/) copied to `dir`, lib/** measured; returns its version. */
function qsWorkspace(dir) {
  const installed = join(BENCH_MODULES, 'qs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ['package.json', 'lib', 'test']) cpSync(join(installed, entry), join(dir, entry), { recursive: true });
  writeFileSync(join(dir, '.coveragerc.json'), `${JSON.stringify({ run: { include: ['lib/**'] } }, null, 2)}\n`);
  // What qs's tests require (tape, es-value-fixtures…) is installed beside it.
  symlinkSync(BENCH_MODULES, join(dir, 'node_modules'), 'dir');
  return JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version;
}

/** qs's own tape suite, from the qs package installed from npm. */
export function qsSuite({ benchDir, tools }) {
  const workspace = join(benchDir, 'qs');
  const version = qsWorkspace(workspace);
  return projectSuite({
    id: 'qs',
    title: `qs ${version}: its own tape suite (\`tape 'test/**/*.js'\`, one process)`,
    workspace,
    projects: [{ dir: workspace, test: [NODE, BIN.tape, 'test/**/*.js'] }],
    include: 'lib/**',
    tools,
    out: join(benchDir, 'out', 'qs'),
  });
}

/** This repository's @monocov/core tests (uvu through tsx, many child processes, real nx runs). */
export function workspaceSuite({ benchDir, tools }) {
  const dir = join(REPO_ROOT, 'packages', 'core');
  return projectSuite({
    id: 'workspace',
    title: 'this workspace: packages/core tests (`node ../../tools/run-tests.mjs packages/core/`: uvu via tsx, two files at a time)',
    workspace: REPO_ROOT,
    monocovData: join(REPO_ROOT, 'coverage', 'projects', 'packages', 'core'),
    projects: [{ dir, test: [NODE, '../../tools/run-tests.mjs', 'packages/core/'] }],
    include: 'src/**',
    tools,
    out: join(benchDir, 'out', 'workspace'),
  });
}

/**
 * Merging many projects' data and writing lcov + json-summary + cobertura: `monocov merge`,
 * `nyc merge` + `nyc report`, and a plain istanbul-lib-coverage script, on the same files.
 */
export function mergeSuite({ benchDir, workspace }) {
  const dataFiles = findFiles(join(workspace, 'coverage', 'projects'), 'coverage-final.json');
  if (dataFiles.length === 0) throw new Error(`no monocov data in ${workspace}/coverage/projects to merge`);
  const flat = join(benchDir, 'merge-input');
  rmSync(flat, { recursive: true, force: true });
  mkdirSync(flat, { recursive: true });
  dataFiles.forEach((file, index) => cpSync(file, join(flat, `${String(index).padStart(4, '0')}.json`)));
  const out = join(benchDir, 'out', 'merge');
  const env = cleanEnv();
  const reporters = ['lcov', 'json-summary', 'cobertura'];
  const variants = [
    {
      // Default input (coverage/projects) and output (coverage/workspace, which must lie inside the workspace).
      name: 'monocov merge',
      prepare: () => rmSync(join(workspace, 'coverage', 'workspace'), { recursive: true, force: true }),
      steps: () => [{ command: NODE, args: [BIN.monocov, 'merge', ...reporters.flatMap((r) => ['--reporter', r])], cwd: workspace, env }],
      measured: () => linePct([join(workspace, 'coverage', 'workspace', 'coverage-final.json')]),
    },
    {
      name: 'nyc merge + nyc report',
      prepare: () => rmSync(join(out, 'nyc'), { recursive: true, force: true }),
      steps: () => [
        { command: NODE, args: [BIN.nyc, 'merge', flat, join(out, 'nyc', 'merged', 'coverage.json')], cwd: workspace, env },
        {
          command: NODE,
          args: [
            BIN.nyc,
            'report',
            '--temp-dir',
            join(out, 'nyc', 'merged'),
            '--report-dir',
            join(out, 'nyc', 'report'),
            '--reporter=lcovonly',
            '--reporter=json-summary',
            '--reporter=cobertura',
          ],
          cwd: workspace,
          env,
        },
      ],
      measured: () => linePct([join(out, 'nyc', 'merged', 'coverage.json')]),
    },
    {
      name: 'istanbul-lib-coverage script',
      prepare: () => rmSync(join(out, 'istanbul'), { recursive: true, force: true }),
      steps: () => [{ command: NODE, args: [BIN.istanbulMerge, flat, join(out, 'istanbul')], cwd: workspace, env }],
      measured: () => linePct([join(out, 'istanbul', 'coverage-final.json')]),
    },
  ];
  return {
    id: 'merge',
    title: `merge of ${dataFiles.length} projects' data (${relative(benchDir, workspace)}), writing lcov + json-summary + cobertura`,
    baseline: 'nyc merge + nyc report',
    variants,
  };
}

/** A fully cached `nx run-many -t coverage` against a fully cached `nx run-many -t test`. */
export async function nxCachedSuite({ workspace, projects, warm }) {
  const env = cleanEnv();
  const nx = (target) => ({ command: NODE, args: [BIN.nx, 'run-many', '-t', target, '--parallel=1'], cwd: workspace, env });
  // Fill the cache once (not measured); the measured runs must all be cache hits.
  for (const target of ['test', 'coverage']) {
    const result = await warm(nx(target));
    if (result.code !== 0) throw new Error(`nx run-many -t ${target} failed while filling the cache:\n${result.output}`);
  }
  const hits = (output) => {
    const match = /from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(output);
    return match ? `${match[1]}/${match[2]} tasks from cache` : 'cache hits: not reported';
  };
  return nxTargetsSuite('nx-cached', `fully cached \`nx run-many\` over ${projects} projects (NX_DAEMON=false, --parallel=1)`, nx, hits);
}

/** `nx run-many -t coverage` against `-t test`, each as `nx(target)` runs it. */
function nxTargetsSuite(id, title, nx, check) {
  return {
    id,
    title,
    baseline: 'nx run-many -t test',
    variants: ['test', 'coverage'].map((target) => ({
      name: `nx run-many -t ${target}`,
      prepare() {},
      steps: () => [nx(target)],
      check,
    })),
  };
}

/**
 * What switching a workspace from `nx run-many -t test` to `-t coverage` costs when nothing comes
 * from Nx's cache: every project's tests run, under monocov for coverage, which also runs the
 * workspace merge at the end. monocov's map cache is warm (filled by earlier runs), as on a
 * developer's machine or a CI that keeps node_modules/.cache.
 */
export function nxUncachedSuite({ workspace, projects }) {
  const env = cleanEnv();
  const nx = (target) => ({ command: NODE, args: [BIN.nx, 'run-many', '-t', target, '--parallel=1', '--skip-nx-cache'], cwd: workspace, env });
  const ran = (output) => {
    const match = /Successfully ran target \S+ for (\d+) projects?(?: and (\d+) tasks? (?:it|they) depends? on)?/.exec(output);
    return match ? `${Number(match[1]) + Number(match[2] ?? 0)} tasks run` : 'tasks: not reported';
  };
  return nxTargetsSuite('nx-uncached', `\`nx run-many\` over ${projects} projects without Nx's cache (--skip-nx-cache, NX_DAEMON=false, --parallel=1)`, nx, ran);
}

/**
 * The conversion alone (issue 9): raw V8 data recorded once, then turned into a text table and
 * coverage-final.json by `c8 report` and by `monocov run`, whose command only copies the same raw
 * files into the NODE_V8_COVERAGE folder monocov sets up. No tests run. `record` runs a step
 * unmeasured: the recording, the cp timing and the run that fills monocov's map cache.
 */
async function convertSuite({ benchDir, key, title, workspace, dir, test, include, record }) {
  const base = join(benchDir, 'convert', key);
  const raw = join(base, 'raw');
  const [command, ...args] = test;
  const recorded = await record({ command, args, cwd: dir, env: cleanEnv({ NODE_V8_COVERAGE: raw }) });
  const rawFiles = existsSync(raw) ? readdirSync(raw).filter((name) => name.endsWith('.json')) : [];
  if (recorded.code !== 0 || rawFiles.length === 0)
    throw new Error(`convert-${key}: recording the raw data failed (exit ${recorded.code}, ${rawFiles.length} files):\n${recorded.output}`);
  const rawMB = rawFiles.reduce((sum, name) => sum + statSync(join(raw, name)).size, 0) / 2 ** 20;
  // The raw folder as $0, so no path is quoted into the script.
  const copy = ['-c', 'cp "$0"/*.json "$NODE_V8_COVERAGE"', raw];
  const monocov = (extra) => ({ command: NODE, args: [BIN.monocov, 'run', '--', 'sh', ...copy], cwd: dir, env: cleanEnv(extra) });
  const copyTimes = [];
  for (let i = 0; i < 5; i++) {
    const target = join(base, `cp-${i}`);
    mkdirSync(target, { recursive: true });
    copyTimes.push((await record({ command: 'sh', args: copy, cwd: dir, env: cleanEnv({ NODE_V8_COVERAGE: target }) })).ms);
    rmSync(target, { recursive: true, force: true });
  }
  const warmed = await record(monocov());
  if (warmed.code !== 0) throw new Error(`convert-${key}: monocov failed while filling its map cache:\n${warmed.output}`);
  const monocovData = join(workspace, 'coverage', 'projects');
  const c8Out = join(base, 'c8');
  const monocovVariant = (name, step) => ({
    name,
    prepare: () => rmSync(monocovData, { recursive: true, force: true }),
    steps: () => [step],
    measured() {
      // Both monocov variants write the same folder: one more, unmeasured run makes the check this variant's own data.
      rmSync(monocovData, { recursive: true, force: true });
      spawnSync(step.command, step.args, { cwd: step.cwd, env: step.env, stdio: 'ignore' });
      return linePct(findFiles(monocovData, 'coverage-final.json'));
    },
  });
  return {
    id: `convert-${key}`,
    title: `${title}: its raw V8 data (${rawFiles.length} file${rawFiles.length === 1 ? '' : 's'}, ${rawMB.toFixed(1)} MB) converted to a text table + coverage-final.json, no tests run`,
    note: `monocov's times include \`sh -c cp\` of the raw files into its NODE_V8_COVERAGE folder (${median(copyTimes).toFixed(0)} ms alone, median of 5); c8 report reads them in place.`,
    baseline: 'c8 report',
    variants: [
      {
        name: 'c8 report',
        prepare: () => rmSync(c8Out, { recursive: true, force: true }),
        steps: () => [
          {
            command: NODE,
            args: [BIN.c8, 'report', '--temp-directory', raw, '--all', '--include', include, '--reporter=text', '--reporter=json', '--report-dir', c8Out],
            cwd: dir,
            env: cleanEnv(),
          },
        ],
        measured: () => linePct([join(c8Out, 'coverage-final.json')]),
      },
      monocovVariant('monocov (no map cache)', monocov({ MONOCOV_CACHE: 'off' })),
      monocovVariant('monocov (map cache warm)', monocov()),
    ],
  };
}

/** The conversion suites: qs's tape suite, and one synthetic project (p000, the same in every <projects>x40 size). */
export async function convertSuites({ benchDir, record }) {
  const qs = join(benchDir, 'convert', 'qs', 'workspace');
  const version = qsWorkspace(qs);
  const synthetic = join(benchDir, 'convert', 'synthetic-1x40', 'workspace');
  const [root] = generateWorkspace({ root: synthetic, projects: 1, files: 40 });
  return [
    await convertSuite({ benchDir, key: 'qs', title: `qs ${version}, tape suite`, workspace: qs, dir: qs, test: [NODE, BIN.tape, 'test/**/*.js'], include: 'lib/**', record }),
    await convertSuite({
      benchDir,
      key: 'synthetic-1x40',
      title: `synthetic project ${root} (40 source files), \`node --test\``,
      workspace: synthetic,
      dir: join(synthetic, root),
      test: [NODE, '--test'],
      include: 'src/**',
      record,
    }),
  ];
}
