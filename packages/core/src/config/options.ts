import { isAbsolute, posix, win32 } from 'node:path';
import type { Collector, CoverageConfig, Metric, ReporterName } from './types';

/**
 * The option table: the one place that knows every `.coveragerc.json` key. Defaults, the JSON
 * Schema (coveragerc.schema.json), validation messages and docs/configuration.md are all
 * derived from it, so a new option is one entry here (plus its field in types.ts).
 */

export const METRICS: readonly Metric[] = ['statements', 'branches', 'functions', 'lines'];

export const REPORTERS: readonly ReporterName[] = ['text', 'text-summary', 'lcov', 'json', 'json-summary', 'cobertura', 'html', 'markdown'];

export const COLLECTORS: readonly Collector[] = ['auto', 'v8', 'jest', 'vitest', 'istanbul-json'];

/** Every JS/TS source extension Node or a TypeScript toolchain can load. */
export const DEFAULT_INCLUDE = '**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}';

/**
 * The shape of one value. `label` overrides the generated phrase used in messages
 * ("must be <label>, got …") and docs.
 */
export type ValueSpec = (
  | { kind: 'string'; nonEmpty?: boolean }
  | { kind: 'boolean' }
  | { kind: 'number'; min: number; max: number; integer?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; items: ValueSpec; minItems?: number; unique?: boolean }
  /** An object whose keys the user chooses (`paths`, `perProject`); `keyLabel` names them in docs. */
  | { kind: 'map'; values: ValueSpec; keyLabel: string }
  /** An object with a fixed set of optional keys (a threshold's metrics). */
  | { kind: 'fields'; fields: Readonly<Record<string, ValueSpec>> }
  /** Variants must differ in JSON type, so a value selects at most one of them. */
  | { kind: 'oneOf'; variants: readonly ValueSpec[] }
) & { label?: string; docType?: string };

export interface OptionSpec {
  type: ValueSpec;
  /** One line for the schema, docs and editor hovers. */
  description: string;
  /** Absent for options that are off unless set (thresholds). */
  default?: unknown;
  /** Value shown in the docs' full example when there is no default. */
  example?: unknown;
  /**
   * Checks the type cannot express (a path must stay inside the workspace). Runs only on a value
   * of the right type; returns problems as `[keySuffix, message]`, the suffix being '' or `[2]`.
   */
  check?: (value: never) => Array<[string, string]>;
  /** Extra JSON Schema keywords mirroring `check`, so editors flag the same mistakes. */
  schemaExtra?: Record<string, unknown>;
}

export type SectionName = 'run' | 'report';

/** Every key of the table: `section.option` for sectioned options, the bare name for the others. */
export type OptionKey = '$schema' | 'paths' | 'reporters' | { [S in SectionName]: `${S}.${keyof CoverageConfig[S] & string}` }[SectionName];

export const SECTIONS: Readonly<Record<SectionName, string>> = {
  run: 'What to measure and where the data goes (coverage.py `[run]`).',
  report: 'Report contents and coverage thresholds (coverage.py `[report]`).',
};

const PERCENT: ValueSpec = { kind: 'number', min: 0, max: 100 };

const THRESHOLD: ValueSpec = {
  kind: 'oneOf',
  variants: [
    PERCENT,
    {
      kind: 'fields',
      fields: Object.fromEntries(METRICS.map((metric) => [metric, PERCENT])),
      label: 'an object of metrics',
      docType: '{ statements?, branches?, functions?, lines? }',
    },
  ],
  docType: 'number (0-100) | { statements?, branches?, functions?, lines? }',
};

const GLOBS: ValueSpec = {
  kind: 'array',
  items: { kind: 'string', nonEmpty: true, label: 'a non-empty glob string' },
  label: 'an array of glob strings',
  docType: 'string[] (globs)',
};

// A glob that starts at `/` or climbs with `..` can never match a project-relative path; a `!`
// glob inside a list of alternatives would match everything else.
function checkRelativeGlobs(globs: string[]): Array<[string, string]> {
  return globs.flatMap((glob, index): Array<[string, string]> => {
    if (glob.startsWith('!')) return [[`[${index}]`, `must not start with \`!\`; list the files to leave out in \`run.omit\`, got ${JSON.stringify(glob)}`]];
    if (escapes(glob)) return [[`[${index}]`, `must be relative to the project root, without \`..\`, got ${JSON.stringify(glob)}`]];
    return [];
  });
}

/**
 * True for an absolute path (POSIX, UNC or drive letter) or one with a `..` segment. Any `..` is
 * refused, not only one that climbs out: simpler to explain, and what the JSON Schema can express.
 */
export function escapes(path: string): boolean {
  if (isAbsolute(path) || posix.isAbsolute(path) || win32.isAbsolute(path) || /^[A-Za-z]:/.test(path)) return true;
  return path.split(/[/\\]/).includes('..');
}

/** True for a path that names the folder it is relative to (`.`, `./`). */
function isSelf(path: string): boolean {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '') === '.';
}

export const OPTIONS: { readonly [K in OptionKey]: OptionSpec } = {
  $schema: {
    type: { kind: 'string' },
    description: "Path or URL of this file's JSON Schema, for editor completion and checks; monocov ignores it.",
    example: './node_modules/@monocov/core/coveragerc.schema.json',
  },
  'run.include': {
    type: { ...GLOBS, minItems: 1 },
    default: [DEFAULT_INCLUDE],
    description: 'Globs of the source files to measure, relative to the project root (with `source: "workspace"`, to the file\'s package folder).',
    check: checkRelativeGlobs,
  },
  'run.omit': {
    type: GLOBS,
    default: [],
    description:
      'Globs taken out of `include`, added to the built-in omit list (tests, declarations, generated code, node_modules, build output, config files, the data directory).',
    example: ['src/legacy/**'],
    check: checkRelativeGlobs,
  },
  'run.all': {
    type: { kind: 'boolean' },
    default: true,
    description: 'Also count source files under `include` that no test loaded, at 0%, so untested files lower the totals.',
  },
  'run.dataDir': {
    type: { kind: 'string', nonEmpty: true },
    default: 'coverage',
    description: 'Folder for per-project data and the merged reports, relative to the workspace root.',
    check: (dataDir: string) =>
      escapes(dataDir) || isSelf(dataDir) ? [['', `must be a folder inside the workspace (relative, without \`..\`), got ${JSON.stringify(dataDir)}`]] : [],
    // Mirrors the check: not absolute (POSIX, UNC or drive letter), no `..` segment, not `.`.
    schemaExtra: { pattern: '^(?![/\\\\]|[A-Za-z]:)(?!(.*[/\\\\])?\\.\\.([/\\\\]|$))(?!\\.?[/\\\\]?$).+$' },
  },
  'run.source': {
    type: { kind: 'enum', values: ['project', 'workspace'] },
    default: 'project',
    description: "`project`: measure only files inside the project's root; `workspace`: every workspace file its tests run, other packages included.",
  },
  'run.collector': {
    type: { kind: 'enum', values: COLLECTORS },
    default: 'auto',
    description:
      "`auto`: targets run by Jest or Vitest collect through the runner's own coverage, others under V8; `v8`, `jest` and `vitest` force a route; `istanbul-json` reads what the tests write at `istanbulJsonPath`.",
  },
  'run.istanbulJsonPath': {
    type: { kind: 'string', nonEmpty: true },
    description:
      'With `collector: "istanbul-json"`: the istanbul JSON file, or a folder of `coverage-final.json` files, that the test target writes (Karma, Playwright, a custom harness); relative to the project root.',
    example: 'coverage/coverage-final.json',
    check: (path: string) =>
      isAbsolute(path) || posix.isAbsolute(path) || win32.isAbsolute(path) ? [['', `must be relative to the project root, got ${JSON.stringify(path)}`]] : [],
  },
  'run.contexts': {
    type: { kind: 'enum', values: ['none', 'test'] },
    default: 'none',
    description:
      '`test`: record which tests ran each line (node:test run by `node --test`, uvu, mocha), for `monocov who-tests` and the HTML report; costs two coverage snapshots per test (docs/contexts.md).',
  },
  paths: {
    type: {
      kind: 'map',
      keyLabel: 'name',
      values: {
        kind: 'array',
        items: { kind: 'string', nonEmpty: true },
        minItems: 2,
        label: 'an array of at least two path prefixes',
      },
      label: 'an object of path-prefix lists',
      docType: '{ [name]: string[] }',
    },
    default: {},
    description:
      "Remapping for data made in another folder or machine (coverage.py `[paths]`): each list's first entry is the workspace-relative prefix the others are rewritten to.",
    example: { source: ['packages/', '/ci/agent-*/work/packages/'] },
    check: (paths: Record<string, string[]>) =>
      Object.entries(paths).flatMap(([name, prefixes]): Array<[string, string]> =>
        prefixes[0] !== undefined && escapes(prefixes[0])
          ? [[`${keySegment(name)}[0]`, `must be a workspace-relative prefix (the canonical one comes first), got ${JSON.stringify(prefixes[0])}`]]
          : [],
      ),
  },
  'report.failUnder': {
    type: THRESHOLD,
    description: 'Fail when the total coverage is below this percentage: one number for every metric, or one per metric.',
    example: 80,
  },
  'report.perProject': {
    type: { kind: 'map', keyLabel: 'project', values: THRESHOLD, label: 'an object of thresholds by project', docType: '{ [project]: threshold }' },
    default: {},
    description: "Thresholds per project, keyed by project root or name, checked against that project's own totals.",
    example: { 'packages/core': { lines: 90 } },
  },
  'report.perFile': {
    type: THRESHOLD,
    description: 'Fail when any single source file is below this threshold.',
    example: { lines: 50 },
  },
  'report.failUnderDiff': {
    type: { kind: 'number', min: 0, max: 100, label: 'a percentage from 0 to 100' },
    description: "With a diff base (`--diff <base>`, or the merge executor's `diff` option), fail when fewer of the changed executable lines are covered than this percentage.",
    example: 100,
  },
  'report.skipCovered': {
    type: { kind: 'boolean' },
    default: false,
    description: 'Leave fully covered files out of the text report.',
  },
  'report.skipEmpty': {
    type: { kind: 'boolean' },
    default: false,
    description: 'Leave files without statements out of the text report.',
  },
  'report.showMissing': {
    type: { kind: 'boolean' },
    default: true,
    description: 'Show the uncovered line numbers in the text report.',
  },
  'report.precision': {
    type: { kind: 'number', min: 0, max: 10, integer: true },
    default: 2,
    description:
      'Decimal places of the percentages printed (text table, Markdown summary, threshold messages); truncated as istanbul does, so they agree with the HTML, json-summary and cobertura reports, which always show 2.',
  },
  'report.sort': {
    type: { kind: 'enum', values: ['name', ...METRICS] },
    default: 'name',
    description: "Order of the text report's rows: by file name, or by a metric's percentage, lowest first.",
  },
  'report.projectTable': {
    type: { kind: 'boolean' },
    default: false,
    description:
      "When a project's run ends (`monocov run`, the coverage target), print its per-file table instead of one summary line; `--verbose` does so for one run. The merge prints the workspace table either way.",
  },
  reporters: {
    type: {
      kind: 'array',
      items: { kind: 'enum', values: REPORTERS },
      unique: true,
      label: 'an array of reporter names',
      docType: 'string[]',
    },
    default: REPORTERS.filter((name) => name !== 'text-summary' && name !== 'markdown'),
    description:
      'Reports to produce: `text` and `text-summary` print to the console, the others write files under `<dataDir>/workspace` (`markdown`: summary.md, a per-project table for a CI job summary or pull-request comment).',
  },
};

/** A key segment as written in messages: `source`, or `["packages/core"]` when it is not a plain name. */
export function keySegment(name: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

export function optionKeys(): OptionKey[] {
  return Object.keys(OPTIONS) as OptionKey[];
}

/** The keys allowed at the top of the file, in table order: plain options and section names. */
export function topLevelKeys(): string[] {
  return [...new Set(optionKeys().map((key) => key.split('.')[0]!))];
}

export function isSection(name: string): name is SectionName {
  return Object.hasOwn(SECTIONS, name);
}

/** The options of one section, as `[leaf name, full key]`, in table order. */
export function sectionOptions(section: SectionName): Array<[string, OptionKey]> {
  return optionKeys()
    .filter((key) => key.startsWith(`${section}.`))
    .map((key) => [key.slice(section.length + 1), key]);
}

/** A fresh copy of the defaults (callers may keep and merge into it). */
export function defaultConfig(): CoverageConfig {
  const config: Record<string, unknown> = { run: {}, report: {} };
  for (const key of optionKeys()) {
    const option = OPTIONS[key];
    if (option.default === undefined) continue;
    const [first, leaf] = key.split('.') as [string, string | undefined];
    if (leaf === undefined) config[first] = structuredClone(option.default);
    else (config[first] as Record<string, unknown>)[leaf] = structuredClone(option.default);
  }
  return config as unknown as CoverageConfig;
}

/** The phrase for a value in messages: "a number from 0 to 100", "an array of glob strings". */
export function describeValue(spec: ValueSpec): string {
  if (spec.label) return spec.label;
  switch (spec.kind) {
    case 'string':
      return spec.nonEmpty ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'number':
      return `${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}`;
    case 'enum':
      return `one of ${spec.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'array':
      return `an array of ${describeValue(spec.items).replace(/^an? /, '')}s`;
    case 'map':
      return `an object of ${describeValue(spec.values).replace(/^an? /, '')}s`;
    case 'fields':
      return `an object with keys ${Object.keys(spec.fields).join(', ')}`;
    case 'oneOf':
      return spec.variants.map(describeValue).join(' or ');
  }
}

/** The type as the docs' tables show it: `boolean`, `"name" | "lines"`, `string[]`. */
export function docType(spec: ValueSpec): string {
  if (spec.docType) return spec.docType;
  switch (spec.kind) {
    case 'string':
    case 'boolean':
      return spec.kind;
    case 'number':
      return `${spec.integer ? 'integer' : 'number'} (${spec.min}-${spec.max})`;
    case 'enum':
      return spec.values.map((value) => JSON.stringify(value)).join(' | ');
    case 'array':
      return `${docType(spec.items)}[]`;
    case 'map':
      return `{ [${spec.keyLabel}]: ${docType(spec.values)} }`;
    case 'fields':
      return `{ ${Object.keys(spec.fields).join('?, ')}? }`;
    case 'oneOf':
      return spec.variants.map(docType).join(' | ');
  }
}
