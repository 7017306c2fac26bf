import { compareStrings } from './compare';
/**
 * JSON with object keys sorted at every level, so the same data always gives the same bytes.
 * Arrays keep their order: in istanbul data their order is meaningful (branch arms).
 */
export function stableStringify(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent) + '\n';
}

/**
 * Objects known to have their keys in canonical order all the way down, and never to be given
 * other keys; with their JSON text when it is known and they never change.
 */
const canonical = new WeakMap<object, string | undefined>();

/**
 * Tells stableStringify that `value` is in canonical order at every level and will be given no
 * other keys (a number may change), so it is written without being walked: a file's maps, made in
 * order (convert/istanbul-maps.ts) or read back from a file written here, are most of a project's
 * data, and its counters most of the rest. `json`: the text stableStringify would write for it
 * (without the newline), when it was read from such a file and will not change at all, so that
 * stableCoverageJson copies the text instead of serializing the value again.
 */
export function markCanonical(value: object, json?: string): void {
  if (json !== undefined || !canonical.has(value)) canonical.set(value, json);
}

/**
 * stableStringify(coverage) of istanbul coverage (file path → file data), the same bytes, with each
 * file's values whose text is known (markCanonical) copied rather than serialized: a file's maps
 * from the map cache are most of a project's data, and writing them again was most of its cost.
 */
export function stableCoverageJson(coverage: Record<string, unknown>): string {
  if (!isPlainRecord(coverage)) return stableStringify(coverage);
  const entries: string[] = [];
  for (const path of stableKeys(coverage)) {
    const file = coverage[path];
    const text = isPlainRecord(file) ? fileJson(file) : JSON.stringify(sortKeys(file));
    if (text !== undefined) entries.push(`${JSON.stringify(path)}:${text}`);
  }
  return `{${entries.join(',')}}\n`;
}

function fileJson(file: Record<string, unknown>): string {
  const fields: string[] = [];
  for (const key of stableKeys(file)) {
    const value = file[key];
    const known = value !== null && typeof value === 'object' ? canonical.get(value) : undefined;
    const text = known ?? JSON.stringify(sortKeys(value));
    if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${fields.join(',')}}`;
}

/** An object JSON.stringify writes key by key: no class of its own, no toJSON. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * The keys of a plain object in the order stableStringify writes them: with stableEntryJson, a
 * large object is written an entry at a time (report/writers.ts), never as one string.
 */
export function stableKeys(record: object): string[] {
  // The order JSON.stringify gives an object built with its keys inserted sorted: V8 lists
  // array-index keys first, so "02" (sorted as 2) still comes after "10".
  const order: Record<string, true> = {};
  for (const key of Object.keys(record).sort(compareKeys)) order[key] = true;
  return Object.keys(order);
}

/** One entry of an object as stableStringify writes it, `"key":value`; undefined for a value JSON leaves out (undefined, a function, a symbol). */
export function stableEntryJson(key: string, value: unknown): string | undefined {
  const text = JSON.stringify(sortKeys(value));
  return text === undefined ? undefined : `${JSON.stringify(key)}:${text}`;
}

/**
 * `value` with keys in canonical order. Objects already in that order (all data read back from
 * files this module wrote) are returned as they are, not copied: copying every `{ line, column }`
 * of a large workspace was most of the cost of writing its merged data.
 */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || canonical.has(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = sortKeys(value[i]);
      if (item !== value[i]) (copy ??= value.slice())[i] = item;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const prototype = Object.getPrototypeOf(record);
  // Only plain objects are kept as they are: JSON.stringify would call a class's toJSON, which a copy never has.
  let changed = prototype !== Object.prototype && prototype !== null;
  // Keys "0" … "n-1" (every istanbul map and counter) are in order: V8 lists index keys first,
  // ascending, so a last key of "n-1" means they are all indices.
  const indexed = keys.length > 0 && keys[0] === '0' && keys[keys.length - 1] === String(keys.length - 1);
  for (let i = 1; i < keys.length && !changed && !indexed; i++) changed = compareKeys(keys[i - 1]!, keys[i]!) > 0;
  // Most values are numbers or objects already in order: allocate only when one is not.
  let values: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const child = record[keys[i]!];
    if (child === null || typeof child !== 'object') continue;
    const sorted = sortKeys(child);
    if (sorted !== child) (values ??= keys.map((key) => record[key]))[i] = sorted;
  }
  if (!changed && values === undefined) return record;
  const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a]!, keys[b]!));
  const sorted: Record<string, unknown> = {};
  for (const i of order) sorted[keys[i]!] = values === undefined ? record[keys[i]!] : values[i];
  return sorted;
}

// Numeric keys ("0", "1", "10") in numeric order, as istanbul writes its maps; others by code unit.
// Called for every pair of neighbouring keys of everything written: kept free of regexes and copies.
function compareKeys(a: string, b: string): number {
  if (isDigits(a) && isDigits(b)) return Number(a) - Number(b);
  return compareStrings(a, b);
}

function isDigits(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
