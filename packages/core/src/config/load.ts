import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { stableStringify } from '../stable-json';
import { findJsonSyntaxError } from './json-syntax';
import { defaultConfig } from './options';
import type { CoverageConfig, LoadedConfig, PartialCoverageConfig } from './types';
import { RC_FILE } from './workspace-root';
import { isPlainObject, validateConfigInput, type ConfigProblem } from './validate';

export { RC_FILE, findWorkspaceRoot } from './workspace-root';

/** Where loadConfig finds `.coveragerc.json`, and what is laid over it. */
export interface LoadConfigOptions {
  workspaceRoot: string;
  /** Executor options or CLI flags, shaped like the file; validated like it and merged over it. */
  overrides?: PartialCoverageConfig;
  /** How messages name the overrides: "executor option `run.include` must be …". Default "option". */
  overridesSource?: string;
}

/**
 * defaults → `<workspaceRoot>/.coveragerc.json` (optional) → overrides. Throws one ConfigError
 * listing every problem in the file and the overrides, one line each.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const workspaceRoot = resolve(options.workspaceRoot);
  const file = join(workspaceRoot, RC_FILE);
  const fileLabel = `\`${RC_FILE}\``;
  const problems: string[] = [];

  let fileLayer: PartialCoverageConfig = {};
  const text = readRcFile(file, fileLabel);
  if (text !== undefined) {
    const parsed = validateConfigInput(parseJson(text, fileLabel));
    fileLayer = parsed.value;
    problems.push(...parsed.problems.map((problem) => fileProblem(fileLabel, problem)));
  }

  let overrideLayer: PartialCoverageConfig = {};
  if (options.overrides !== undefined) {
    const source = options.overridesSource ?? 'option';
    const parsed = validateConfigInput(options.overrides);
    overrideLayer = parsed.value;
    problems.push(...parsed.problems.map((problem) => overrideProblem(source, problem)));
  }

  if (problems.length > 0) throw new ConfigError(listProblems(problems));
  const config = mergeConfig(mergeConfig(defaultConfig(), fileLayer), overrideLayer);
  return { config, file: text === undefined ? undefined : file, hash: configHash(config) };
}

/** A new config: `layer` over `base`. Objects merge key by key; arrays and other values replace. */
export function mergeConfig(base: CoverageConfig, layer: PartialCoverageConfig): CoverageConfig {
  return mergeValue(base, layer) as CoverageConfig;
}

function mergeValue(base: unknown, layer: unknown): unknown {
  if (!isPlainObject(layer)) return structuredClone(layer);
  const result: Record<string, unknown> = isPlainObject(base) ? structuredClone(base) : {};
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    // defineProperty, not assignment: a `__proto__` key must stay data, never a prototype.
    Object.defineProperty(result, key, { value: mergeValue(result[key], value), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/**
 * sha256 of the options that shape collected data (`run`), as stable JSON: data made under other
 * ones is recognisable, while thresholds and reporters, which only the merge reads, do not
 * make data stale. Equal options hash equal whatever their key order.
 */
export function configHash(config: Pick<CoverageConfig, 'run'>): string {
  return createHash('sha256').update(stableStringify(config.run)).digest('hex');
}

function readRcFile(file: string, label: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(`${label}: cannot be read (${code ?? (error as Error).message})`);
  }
}

/** Problems listed in one message; a list of 100,000 bad globs is named by its first ones. */
export const MAX_LISTED_PROBLEMS = 20;

function listProblems(problems: string[]): string {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('\n');
  return problems.length > MAX_LISTED_PROBLEMS ? `${listed}\n… and ${problems.length - MAX_LISTED_PROBLEMS} more problem(s) of the same file` : listed;
}

/** Deepest nesting of objects and arrays accepted in the rc file; real settings are at most 4 deep. */
export const MAX_CONFIG_DEPTH = 32;

function parseJson(text: string, label: string): unknown {
  const body = text.replace(/^\uFEFF/, ''); // a BOM left by some Windows editors is not an error
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const syntax = findJsonSyntaxError(body);
    if (syntax === undefined) throw new ConfigError(`${label}: invalid JSON (${(error as Error).message})`);
    throw new ConfigError(`${label}: invalid JSON at line ${syntax.line}, column ${syntax.column}: ${syntax.reason}`);
  }
  // Checked before anything walks the value recursively (validation, hashing, cloning).
  if (depthExceeds(parsed, MAX_CONFIG_DEPTH)) throw new ConfigError(`${label}: nested more than ${MAX_CONFIG_DEPTH} levels deep; no setting is nested so deep`);
  return parsed;
}

/** Whether objects and arrays in `value` nest deeper than `limit`, found without recursion. */
function depthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

function fileProblem(label: string, problem: ConfigProblem): string {
  return problem.key === '' ? `${label} ${problem.message}` : `${label}: \`${problem.key}\` ${problem.message}`;
}

function overrideProblem(source: string, problem: ConfigProblem): string {
  return problem.key === '' ? `${source}s ${problem.message}` : `${source} \`${problem.key}\` ${problem.message}`;
}
