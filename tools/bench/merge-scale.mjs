#!/usr/bin/env node
// Merge cost as the workspace grows (docs/scale.md). Measures:
//   1. data volume: bytes of coverage-final.json + meta.json per project, per source file and per
//      source line, in any workspace that has coverage/projects (--real, e.g. this repository
//      after `nx run-many -t coverage`) and in a generated template workspace whose projects
//      really ran under coverage (tools/bench/generate.mjs, then `nx run-many -t coverage`);
//   2. `monocov merge` wall and CPU time and peak RSS for growing numbers of projects, each a copy of one
//      of the template's projects (sources and data, renamed), for the CI reporters and with html;
//   3. `monocov check` and `monocov report` (CI reporters) of each size's merged data: the merged
//      coverage-final.json read back;
//   4. a linear fit of CPU time, RSS and merged size, projected to 5,000 projects, next to the
//      heap limit that ends a merge or a check. CPU time (user + system) is fitted, not wall time: on a shared
//      machine the wall time mostly measures the other processes.
// A size whose merge fails is recorded with its error and ends the sweep.
//
// Usage: node tools/bench/merge-scale.mjs [--sizes 50,100,250,500,1000] [--template 10x20]
//          [--repeat 3] [--html-up-to 3000] [--real <workspace>] [--dir <scratch>] [--out <results.json>]
//          [--build before=<monocov.js> --build after=<monocov.js>]
// --build: the monocov builds to measure, each size's merge, check and report run by each in turn
// (default: this repository's, labelled `this`); a copy of packages/core/{bin,dist,assets,package.json}
// made at another commit, placed under this repository (its dependencies resolve from here),
// gives before/after figures measured side by side under the same load.
// --html-up-to: sizes above it are merged with the CI reporters only (html writes ~700 KB and 20
// pages per project).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './generate.mjs';
import { median, runOnce } from './measure.mjs';
import { buildScaled, projectDataDirs, templateWorkspace } from './scaled.mjs';
import { BIN, cleanEnv } from './suites.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '50,100,250,500,1000' },
    template: { type: 'string', default: '10x20' },
    repeat: { type: 'string', default: '3' },
    'html-up-to': { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    real: { type: 'string', multiple: true, default: [] },
    dir: { type: 'string', default: join(REPO_ROOT, 'tmp', 'merge-scale') },
    out: { type: 'string' },
    build: { type: 'string', multiple: true, default: [`this=${BIN.monocov}`] },
  },
});
const builds = values.build.map((entry) => {
  const at = entry.indexOf('=');
  return { label: entry.slice(0, at), bin: resolve(entry.slice(at + 1)) };
});
const sizes = values.sizes.split(',').map(Number);
const repeat = Number(values.repeat);
const scratch = values.dir;
const CI_REPORTERS = ['text', 'json', 'lcov', 'json-summary', 'cobertura'];
const VARIANTS = [
  { name: 'CI reporters', reporters: CI_REPORTERS },
  { name: 'CI reporters + html', reporters: [...CI_REPORTERS, 'html'] },
];
const PROJECTION = 5000;

// ---------------------------------------------------------------------------------------------
// Data volume

function countLines(path) {
  const text = readFileSync(path, 'utf8');
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Per project: files measured, their source lines, and the bytes of its data files. */
function dataVolume(workspace) {
  return projectDataDirs(workspace).map((dir) => {
    const coverage = JSON.parse(readFileSync(join(dir, 'coverage-final.json'), 'utf8'));
    const files = Object.keys(coverage);
    return {
      project: relative(join(workspace, 'coverage', 'projects'), dir),
      files: files.length,
      lines: files.reduce((sum, file) => sum + countLines(join(workspace, file)), 0),
      items: files.reduce((sum, file) => sum + Object.keys(coverage[file].s).length + Object.keys(coverage[file].f).length + Object.keys(coverage[file].b).length, 0),
      coverageBytes: statSync(join(dir, 'coverage-final.json')).size,
      metaBytes: statSync(join(dir, 'meta.json')).size,
    };
  });
}

function volumeSummary(label, rows) {
  const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
  const bytes = sum('coverageBytes') + sum('metaBytes');
  return {
    label,
    projects: rows.length,
    files: sum('files'),
    lines: sum('lines'),
    bytes,
    bytesPerProject: Math.round(bytes / rows.length),
    bytesPerFile: Math.round(bytes / sum('files')),
    bytesPerLine: Number((bytes / sum('lines')).toFixed(1)),
    metaBytesPerProject: Math.round(sum('metaBytes') / rows.length),
    rows,
  };
}

// ---------------------------------------------------------------------------------------------
// Synthetic workspaces of N projects: copies of the template's projects under new names (scaled.mjs)

function folderBytes(path) {
  if (!existsSync(path)) return { bytes: 0, files: 0 };
  if (statSync(path).isFile()) return { bytes: statSync(path).size, files: 1 };
  return readdirSync(path).reduce(
    (total, entry) => {
      const inner = folderBytes(join(path, entry));
      return { bytes: total.bytes + inner.bytes, files: total.files + inner.files };
    },
    { bytes: 0, files: 0 },
  );
}

async function measureMerge(root, variant, bin) {
  const outputDir = join(root, 'merged');
  const runs = [];
  for (let attempt = 0; attempt < repeat; attempt++) {
    rmSync(outputDir, { recursive: true, force: true });
    const args = [bin, 'merge', ...variant.reporters.flatMap((reporter) => ['--reporter', reporter]), '--output-dir', outputDir];
    const result = await runOnce({ command: process.execPath, args, cwd: root, env: cleanEnv() });
    if (result.code !== 0) return { failed: true, code: result.code, error: firstError(result.output), rssKB: result.rssKB, ms: result.ms };
    runs.push(result);
  }
  return {
    ms: Math.round(median(runs.map((run) => run.ms))),
    cpuMs: Math.round(median(runs.map((run) => run.cpuMs))),
    rssMB: Math.round(median(runs.map((run) => run.rssKB)) / 1024),
    outputs: {
      'coverage-final.json': folderBytes(join(outputDir, 'coverage-final.json')).bytes,
      'lcov.info': folderBytes(join(outputDir, 'lcov.info')).bytes,
      'cobertura-coverage.xml': folderBytes(join(outputDir, 'cobertura-coverage.xml')).bytes,
      html: folderBytes(join(outputDir, 'html')),
    },
  };
}

/** `monocov check` or `report` of the merged data a merge left in `<root>/merged`: the merged coverage-final.json read back. */
async function measureReadBack(root, command, bin) {
  const reporters = command === 'report' ? CI_REPORTERS.flatMap((reporter) => ['--reporter', reporter]) : [];
  const args = [bin, command, ...reporters, '--output-dir', join(root, 'merged')];
  const result = await runOnce({ command: process.execPath, args, cwd: root, env: cleanEnv() });
  if (result.code !== 0) return { failed: true, code: result.code, error: firstError(result.output), rssKB: result.rssKB, ms: result.ms };
  return { ms: Math.round(result.ms), cpuMs: Math.round(result.cpuMs), rssMB: Math.round(result.rssKB / 1024) };
}

/** The message of a failed merge without its stack frames. */
function firstError(output) {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s+at /.test(line))
    .slice(-4)
    .join('\n');
}

/** Least squares y = a + b·x. */
function linearFit(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const b = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return { a: my - b * mx, b };
}

// ---------------------------------------------------------------------------------------------

mkdirSync(scratch, { recursive: true });
const results = {
  node: process.version,
  limits: { heapLimitMB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20) },
  volume: [],
  merges: [],
  readBacks: [],
  projection: {},
};

for (const workspace of values.real) results.volume.push(volumeSummary(relative(process.cwd(), workspace) || '.', dataVolume(workspace)));
const template = templateWorkspace({ scratch, size: values.template, log: console.log });
const templateVolume = volumeSummary(`generated ${values.template}`, dataVolume(template));
results.volume.push(templateVolume);
for (const volume of results.volume) {
  console.log(
    `${volume.label}: ${volume.projects} projects, ${volume.files} files, ${volume.lines} lines, ${volume.bytes} B of data: ${volume.bytesPerFile} B per file, ${volume.bytesPerLine} B per line, meta.json ${volume.metaBytesPerProject} B per project`,
  );
}

let stopped = false;
for (const count of sizes) {
  if (stopped) break;
  const root = buildScaled({ template, count, root: join(scratch, `scaled-${count}`) });
  const input = folderBytes(join(root, 'coverage', 'projects'));
  for (const variant of VARIANTS) {
    if (variant !== VARIANTS[0] && count > Number(values['html-up-to'])) continue;
    for (const { label, bin } of builds) {
      const measured = await measureMerge(root, variant, bin);
      const row = { projects: count, files: count * (templateVolume.files / templateVolume.projects), inputBytes: input.bytes, variant: variant.name, build: label, ...measured };
      results.merges.push(row);
      console.log(
        measured.failed
          ? `${count} projects, ${variant.name}, ${label}: FAILED (exit ${measured.code}, ${Math.round(measured.ms)} ms, ${Math.round(measured.rssKB / 1024)} MB)\n${measured.error}`
          : `${count} projects, ${variant.name}, ${label}: ${measured.ms} ms wall, ${measured.cpuMs} ms CPU, peak RSS ${measured.rssMB} MB, input ${(input.bytes / 2 ** 20).toFixed(1)} MiB, merged json ${(measured.outputs['coverage-final.json'] / 2 ** 20).toFixed(1)} MiB`,
      );
      if (measured.failed) stopped = true;
      if (variant !== VARIANTS[0] || measured.failed) continue;
      for (const command of ['check', 'report']) {
        const readBack = await measureReadBack(root, command, bin);
        results.readBacks.push({ projects: count, command, build: label, mergedBytes: measured.outputs['coverage-final.json'], ...readBack });
        console.log(
          readBack.failed
            ? `${count} projects, monocov ${command} of the merged data, ${label}: FAILED (exit ${readBack.code})\n${readBack.error}`
            : `${count} projects, monocov ${command} of the merged data, ${label}: ${readBack.ms} ms wall, ${readBack.cpuMs} ms CPU, peak RSS ${readBack.rssMB} MB`,
        );
      }
    }
  }
  rmSync(root, { recursive: true, force: true });
}

// Fits per build: with more than one build each projection is named by its build's label.
const named = (name, label) => (builds.length > 1 ? `${name}, ${label}` : name);
for (const { label } of builds) {
  for (const variant of VARIANTS) {
    const ok = results.merges.filter((row) => row.variant === variant.name && row.build === label && !row.failed);
    if (ok.length < 2) continue;
    const time = linearFit(ok.map((row) => [row.projects, row.cpuMs]));
    const rss = linearFit(ok.map((row) => [row.projects, row.rssMB]));
    const json = linearFit(ok.map((row) => [row.projects, row.outputs['coverage-final.json']]));
    const name = named(variant.name, label);
    results.projection[name] = {
      cpuMsPerProject: Number(time.b.toFixed(1)),
      rssMBPerProject: Number(rss.b.toFixed(2)),
      mergedJsonBytesPerProject: Math.round(json.b),
      [`cpuMs at ${PROJECTION}`]: Math.round(time.a + time.b * PROJECTION),
      [`rssMB at ${PROJECTION}`]: Math.round(rss.a + rss.b * PROJECTION),
      [`merged json MiB at ${PROJECTION}`]: Math.round((json.a + json.b * PROJECTION) / 2 ** 20),
      projectsAtHeapLimit: Math.floor((results.limits.heapLimitMB - rss.a) / rss.b),
    };
    console.log(`${name}: ${JSON.stringify(results.projection[name])}`);
  }
  for (const command of ['check', 'report']) {
    const readBacks = results.readBacks.filter((row) => row.command === command && row.build === label && !row.failed);
    if (readBacks.length < 2) continue;
    const rss = linearFit(readBacks.map((row) => [row.projects, row.rssMB]));
    const name = named(`monocov ${command}`, label);
    results.projection[name] = {
      rssMBPerProject: Number(rss.b.toFixed(2)),
      [`rssMB at ${PROJECTION}`]: Math.round(rss.a + rss.b * PROJECTION),
    };
    console.log(`${name}: ${JSON.stringify(results.projection[name])}`);
  }
}

const out = values.out ?? join(scratch, 'results.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`results written to ${relative(process.cwd(), out)}`);
