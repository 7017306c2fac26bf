// Shared helpers of the convert tests: copy a fixture to a temp folder, run it for real under
// NODE_V8_COVERAGE, and run it again with the subject instrumented by istanbul-lib-instrument,
// whose counts are the reference our conversion must reproduce.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileCoverageData } from 'istanbul-lib-coverage';

const WORKSPACE = join(__dirname, '..', '..', '..');
export const FIXTURES = join(__dirname, 'fixtures', 'convert');

const created: string[] = [];

/** A temp copy of fixtures/convert/<name>, able to resolve the workspace's packages (tsx, typescript). */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `monocov-convert-${name}-`));
  created.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  symlinkSync(join(WORKSPACE, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** An empty temp folder, removed with the copies (removeCopies). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeCopies(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function run(cwd: string, args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} failed in ${cwd} (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Runs `node <args>` in `cwd` under V8 coverage; returns the raw dir. */
export function runCovered(cwd: string, args: string[]): string {
  const rawDir = tempDir('monocov-raw-');
  run(cwd, args, { NODE_V8_COVERAGE: rawDir });
  return rawDir;
}

export function compileWithTsc(dir: string): void {
  run(dir, [join(WORKSPACE, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]);
}

/**
 * Each `src/*.ts` of `dir` transformed by esbuild into `dist/*.js` with an inline map, white space
 * kept, as esbuild-register, tsup and `esbuild --sourcemap` write it.
 */
export function buildWithEsbuild(dir: string): void {
  const esbuild = require('esbuild') as typeof import('esbuild');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  for (const name of readdirSync(join(dir, 'src')).filter((file) => file.endsWith('.ts'))) {
    const source = join(dir, 'src', name);
    const { code } = esbuild.transformSync(readFileSync(source, 'utf8'), { loader: 'ts', format: 'cjs', target: 'es2022', sourcemap: 'inline', sourcefile: source });
    writeFileSync(join(dir, 'dist', name.replace(/\.ts$/, '.js')), code);
  }
}

// The reference is istanbul's own default list, not a copy of ours: a drift in our parser setup shows.
const PARSER_PLUGINS: string[] = require('@istanbuljs/schema').defaults.instrumenter.parserPlugins;

interface Instrumenter {
  instrumentSync(code: string, filename: string): string;
  lastFileCoverage(): FileCoverageData;
}
const { createInstrumenter } = require('istanbul-lib-instrument') as {
  createInstrumenter(options: object): Instrumenter;
};

/** istanbul-lib-instrument as nyc and Jest configure it (TypeScript and decorators plugins for .ts, JSX for .jsx/.tsx). */
export function istanbulInstrument(path: string, code = readFileSync(path, 'utf8')): { code: string; coverage: FileCoverageData } {
  const typescript = /\.[cm]?tsx?$/.test(path);
  const jsx = /\.[jt]sx$/.test(path);
  const instrumenter = createInstrumenter({
    esModules: true,
    autoWrap: true,
    compact: false,
    parserPlugins: [...PARSER_PLUGINS, ...(typescript ? ['typescript', 'decorators-legacy'] : []), ...(jsx ? ['jsx'] : [])],
  });
  const instrumented = instrumenter.instrumentSync(code, path);
  return { code: instrumented, coverage: instrumenter.lastFileCoverage() };
}

/**
 * The reference: the same program run with `subject` (relative to `dir`) instrumented by istanbul.
 * Returns istanbul's coverage of the subject, keyed by its path in `dir`.
 */
export function istanbulReference(dir: string, subject: string, args: string[]): FileCoverageData {
  const copy = mkdtempSync(join(tmpdir(), 'monocov-istanbul-'));
  created.push(copy);
  cpSync(dir, copy, { recursive: true, filter: (source) => !source.endsWith('node_modules') });
  symlinkSync(join(WORKSPACE, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const subjectPath = join(dir, subject);
  const { code } = istanbulInstrument(subjectPath);
  const out = join(copy, 'istanbul.json');
  const dump = `;process.on('exit', () => { process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(globalThis.__coverage__)); });\n`;
  writeFileSync(join(copy, subject), code + dump);
  run(copy, args);
  const all = JSON.parse(readFileSync(out, 'utf8')) as Record<string, FileCoverageData>;
  const coverage = all[subjectPath];
  if (!coverage) throw new Error(`istanbul recorded nothing for ${subjectPath}`);
  return coverage;
}

export interface CountMismatch {
  kind: 's' | 'f' | 'b';
  id: string;
  arm?: number;
  what: string;
  istanbul: number;
  ours: number;
}

/** Every count that differs between two coverages of the same maps. */
export function countMismatches(ours: FileCoverageData, reference: FileCoverageData): CountMismatch[] {
  const found: CountMismatch[] = [];
  const where = (range: { start: { line?: number; column?: number } }) => `${range.start.line}:${range.start.column}`;
  for (const [id, count] of Object.entries(reference.s)) {
    if (ours.s[id] !== count) found.push({ kind: 's', id, what: where(reference.statementMap[id]!), istanbul: count, ours: ours.s[id]! });
  }
  for (const [id, count] of Object.entries(reference.f)) {
    const fn = reference.fnMap[id]!;
    if (ours.f[id] !== count) found.push({ kind: 'f', id, what: `${fn.name} ${where(fn.loc)}`, istanbul: count, ours: ours.f[id]! });
  }
  for (const [id, counts] of Object.entries(reference.b)) {
    const branch = reference.branchMap[id]!;
    counts.forEach((count, arm) => {
      const mine = ours.b[id]?.[arm];
      if (mine !== count) {
        found.push({ kind: 'b', id, arm, what: `${branch.type} ${where(branch.locations[arm] ?? branch.loc)}`, istanbul: count, ours: mine ?? NaN });
      }
    });
  }
  return found;
}

export function mapsOf(coverage: FileCoverageData) {
  return { statementMap: coverage.statementMap, fnMap: coverage.fnMap, branchMap: coverage.branchMap };
}

/** The function entry named `name` (istanbul's name: the identifier, or `(anonymous_N)`). */
export function functionId(coverage: FileCoverageData, name: string): string {
  const found = Object.entries(coverage.fnMap).filter(([, fn]) => fn.name === name);
  if (found.length !== 1) throw new Error(`expected one function named ${name}, found ${found.length}`);
  return found[0]![0];
}

/** The function entry declared on `line` (istanbul leaves methods and arrow functions anonymous). */
export function functionIdAt(coverage: FileCoverageData, line: number, nth = 0): string {
  const found = Object.keys(coverage.fnMap).filter((id) => coverage.fnMap[id]!.decl.start.line === line);
  if (found[nth] === undefined) throw new Error(`no function #${nth} declared on line ${line}`);
  return found[nth];
}

/** Ids of the branches of `type` that start on `line`. */
export function branchIdsAt(coverage: FileCoverageData, type: string, line: number): string[] {
  return Object.entries(coverage.branchMap)
    .filter(([, branch]) => branch.type === type && branch.loc.start.line === line)
    .map(([id]) => id);
}

/** Ids of statements starting on `line`. */
export function statementIdsAt(coverage: FileCoverageData, line: number): string[] {
  return Object.entries(coverage.statementMap)
    .filter(([, range]) => range.start.line === line)
    .map(([id]) => id);
}
