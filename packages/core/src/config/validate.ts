import { OPTIONS, SECTIONS, describeValue, isSection, keySegment, sectionOptions, topLevelKeys, type OptionKey, type ValueSpec } from './options';
import type { PartialCoverageConfig } from './types';

/**
 * Checks a raw config value (parsed JSON or an override object) against the option table.
 * Every problem is collected, not only the first, so one run shows everything to fix.
 */

/** One problem: `key` is the full key path (`report.failUnder.lines`); `message` follows it in a sentence. */
export interface ConfigProblem {
  key: string;
  message: string;
}

export interface ValidationResult {
  /** The valid part of the input, `$schema` dropped; undefined values (unset options) skipped. */
  value: PartialCoverageConfig;
  problems: ConfigProblem[];
}

export function validateConfigInput(input: unknown): ValidationResult {
  const problems: ConfigProblem[] = [];
  if (!isPlainObject(input)) {
    problems.push({ key: '', message: `must be a JSON object, got ${formatValue(input)}` });
    return { value: {}, problems };
  }
  const value: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    if (isSection(name)) {
      const section = validateSection(name, raw, problems);
      if (section !== undefined) value[name] = section;
    } else if (Object.hasOwn(OPTIONS, name) && !name.includes('.')) {
      const checked = validateOption(name as OptionKey, raw, problems);
      if (checked !== INVALID && name !== '$schema') value[name] = checked;
    } else {
      problems.push({ key: name, message: unknownKeyMessage(name, undefined) });
    }
  }
  return { value: value as PartialCoverageConfig, problems };
}

function validateSection(section: keyof typeof SECTIONS, raw: unknown, problems: ConfigProblem[]): Record<string, unknown> | undefined {
  if (!isPlainObject(raw)) {
    problems.push({ key: section, message: `must be an object (the \`${section}\` section), got ${formatValue(raw)}` });
    return undefined;
  }
  const known = new Map(sectionOptions(section));
  const value: Record<string, unknown> = {};
  for (const [leaf, optionValue] of Object.entries(raw)) {
    if (optionValue === undefined) continue;
    const key = known.get(leaf);
    if (key === undefined) {
      problems.push({ key: `${section}${keySegment(leaf)}`, message: unknownKeyMessage(leaf, section) });
      continue;
    }
    const checked = validateOption(key, optionValue, problems);
    if (checked !== INVALID) value[leaf] = checked;
  }
  return value;
}

const INVALID = Symbol('invalid');

function validateOption(key: OptionKey, raw: unknown, problems: ConfigProblem[]): unknown {
  const option = OPTIONS[key];
  const before = problems.length;
  validateValue(option.type, raw, key, problems);
  if (problems.length === before && option.check) {
    for (const [suffix, message] of (option.check as (value: unknown) => Array<[string, string]>)(raw)) {
      problems.push({ key: key + suffix, message });
    }
  }
  return problems.length === before ? raw : INVALID;
}

function validateValue(spec: ValueSpec, raw: unknown, key: string, problems: ConfigProblem[]): void {
  const mismatch = (): void => {
    problems.push({ key, message: `must be ${describeValue(spec)}, got ${formatValue(raw)}` });
  };
  switch (spec.kind) {
    case 'string':
      if (typeof raw !== 'string' || (spec.nonEmpty && raw.trim() === '')) mismatch();
      return;
    case 'boolean':
      if (typeof raw !== 'boolean') mismatch();
      return;
    case 'number':
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < spec.min || raw > spec.max || (spec.integer && !Number.isInteger(raw))) {
        mismatch();
      }
      return;
    case 'enum': {
      if (typeof raw === 'string' && spec.values.includes(raw)) return;
      const hint =
        typeof raw === 'string'
          ? closest(
              raw,
              spec.values.map((value) => ({ name: value, suggestion: value })),
            )
          : undefined;
      problems.push({
        key,
        message: `must be ${describeValue(spec)}, got ${formatValue(raw)}${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''}`,
      });
      return;
    }
    case 'array': {
      if (!Array.isArray(raw)) return mismatch();
      if (spec.minItems !== undefined && raw.length < spec.minItems) return mismatch();
      const seen = new Set<unknown>();
      raw.forEach((item: unknown, index) => {
        validateValue(spec.items, item, `${key}[${index}]`, problems);
        if (spec.unique && seen.has(item)) {
          problems.push({ key: `${key}[${index}]`, message: `repeats ${formatValue(item)}; list each value once` });
        }
        seen.add(item);
      });
      return;
    }
    case 'map': {
      if (!isPlainObject(raw)) return mismatch();
      for (const [name, value] of Object.entries(raw)) {
        if (name.trim() === '') problems.push({ key: `${key}[""]`, message: 'has an empty key; name each entry' });
        else if (name === '__proto__') problems.push({ key: key + keySegment(name), message: 'is a reserved name' });
        else validateValue(spec.values, value, key + keySegment(name), problems);
      }
      return;
    }
    case 'fields': {
      if (!isPlainObject(raw)) return mismatch();
      const names = Object.keys(spec.fields);
      for (const [name, value] of Object.entries(raw)) {
        const field = spec.fields[name];
        if (field === undefined) {
          const hint = closest(
            name,
            names.map((known) => ({ name: known, suggestion: `${key}.${known}` })),
          );
          problems.push({
            key: key + keySegment(name),
            message: hint ? `is not a known key; did you mean \`${hint}\`?` : `is not a known key (known keys: ${names.map((known) => `\`${known}\``).join(', ')})`,
          });
        } else {
          validateValue(field, value, key + keySegment(name), problems);
        }
      }
      return;
    }
    case 'oneOf': {
      // Variants differ in JSON type: check against the one whose type fits, for the precise
      // message (`report.failUnder.lines` must be …), else name every variant.
      const variant = spec.variants.find((candidate) => jsonTypeFits(candidate, raw));
      if (variant === undefined) return mismatch();
      validateValue(variant, raw, key, problems);
      return;
    }
  }
}

function jsonTypeFits(spec: ValueSpec, raw: unknown): boolean {
  switch (spec.kind) {
    case 'string':
    case 'enum':
      return typeof raw === 'string';
    case 'boolean':
      return typeof raw === 'boolean';
    case 'number':
      return typeof raw === 'number';
    case 'array':
      return Array.isArray(raw);
    case 'map':
    case 'fields':
      return isPlainObject(raw);
    case 'oneOf':
      return spec.variants.some((variant) => jsonTypeFits(variant, raw));
  }
}

/** Names other tools use for our options, so their users get pointed the right way. */
const ALIASES: Readonly<Record<string, OptionKey>> = {
  exclude: 'run.omit',
  excludes: 'run.omit',
  reporter: 'reporters',
  reports: 'reporters',
  threshold: 'report.failUnder',
  thresholds: 'report.failUnder',
  checkcoverage: 'report.failUnder',
  statements: 'report.failUnder',
  branches: 'report.failUnder',
  functions: 'report.failUnder',
  lines: 'report.failUnder',
  reportsdirectory: 'run.dataDir',
  reportdir: 'run.dataDir',
  tempdirectory: 'run.dataDir',
  skipfull: 'report.skipCovered',
};

/**
 * "is not a known key; did you mean `report.failUnder`?" — the nearest known key by edit
 * distance, looking first at the same level, then across sections (a key put in the wrong
 * section is the commonest slip), then at aliases from c8/nyc/jest.
 */
function unknownKeyMessage(name: string, section: keyof typeof SECTIONS | undefined): string {
  const normalized = normalizeKey(name);
  const dotted = name.split('.');
  if (dotted.length === 2 && section === undefined && Object.hasOwn(OPTIONS, name)) {
    return `is not a key; write it nested: { "${dotted[0]}": { "${dotted[1]}": … } }`;
  }
  const candidates: Candidate[] = [];
  const here = section === undefined ? topLevelKeys() : sectionOptions(section).map(([leaf]) => leaf);
  for (const leaf of here) candidates.push({ name: leaf, suggestion: section === undefined ? leaf : `${section}.${leaf}` });
  // Elsewhere: every option by its leaf name, and the top-level keys from inside a section.
  const elsewhere: Candidate[] = [];
  for (const key of Object.keys(OPTIONS)) {
    const leaf = key.split('.').at(-1)!;
    if (!(section !== undefined && key === `${section}.${leaf}`) && !(section === undefined && key === leaf)) {
      elsewhere.push({ name: leaf, suggestion: key });
    }
  }
  if (section !== undefined) for (const key of topLevelKeys()) elsewhere.push({ name: key, suggestion: key });
  const suggestion = (Object.hasOwn(ALIASES, normalized) ? ALIASES[normalized] : undefined) ?? closest(name, candidates, elsewhere);
  if (suggestion !== undefined) return `is not a known key; did you mean \`${suggestion}\`?`;
  return `is not a known key (known keys${section ? ` in \`${section}\`` : ''}: ${here.map((key) => `\`${key}\``).join(', ')})`;
}

interface Candidate {
  name: string;
  suggestion: string;
}

/**
 * The suggestion of the nearest candidate within a typo's reach; `elsewhere` loses ties to `here`.
 * Failing that, a candidate the name extends or shortens (`lcovonly` → `lcov`).
 */
function closest(name: string, here: Candidate[], elsewhere: Candidate[] = []): string | undefined {
  const target = normalizeKey(name);
  const reach = Math.max(1, Math.floor(target.length / 3));
  let best: { score: number; suggestion: string } | undefined;
  const consider = (candidates: Candidate[], penalty: number): void => {
    for (const candidate of candidates) {
      const distance = editDistance(target, normalizeKey(candidate.name));
      if (distance > reach) continue;
      const score = distance + penalty;
      if (best === undefined || score < best.score) best = { score, suggestion: candidate.suggestion };
    }
  };
  consider(here, 0);
  consider(elsewhere, 0.5);
  if (best !== undefined) return best.suggestion;
  const affix = [...here, ...elsewhere].find((candidate) => {
    const known = normalizeKey(candidate.name);
    const [shorter, longer] = known.length < target.length ? [known, target] : [target, known];
    return shorter.length >= 4 && longer.startsWith(shorter);
  });
  return affix?.suggestion;
}

// `fail_under`, `fail-under` and `FailUnder` are all the same key to a human.
function normalizeKey(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("inlcude"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1]!;
}

/** A value as quoted in messages: JSON, shortened so one bad value cannot flood the message. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON has no Infinity: 1e400 parses to it, and JSON.stringify would call it null.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : `${value < 0 ? '-' : ''}a number too large to represent (read as ${value})`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
