/**
 * JSON with object keys sorted at every level, so the same data always gives the same bytes.
 * Arrays keep their order: in istanbul data their order is meaningful (branch arms).
 */
export function stableStringify(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareKeys)) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}

// Numeric keys ("0", "1", "10") in numeric order, as istanbul writes its maps; others by code unit.
function compareKeys(a: string, b: string): number {
  const numA = /^\d+$/.test(a) ? Number(a) : NaN;
  const numB = /^\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(numA) && !Number.isNaN(numB)) return numA - numB;
  return a < b ? -1 : a > b ? 1 : 0;
}
