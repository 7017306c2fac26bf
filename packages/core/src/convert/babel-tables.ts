import type { Node } from '@babel/types';

interface BabelTables {
  /** Child fields of each node type, in the order Babel's traversal (and so istanbul) visits them. */
  VISITOR_KEYS: Record<string, readonly string[]>;
  /** Alias (Function, Statement, …) → node types. */
  FLIPPED_ALIAS_KEYS: Record<string, readonly string[]>;
}

// The definitions alone load in a third of the time @babel/types takes (builders, validators…),
// which a short conversion run feels; the package root is the fallback should the layout change.
function loadTables(): BabelTables {
  try {
    return require('@babel/types/lib/definitions/index.js') as BabelTables;
  } catch {
    return require('@babel/types') as BabelTables;
  }
}

const tables = loadTables();
const FUNCTION_TYPES = new Set(tables.FLIPPED_ALIAS_KEYS['Function']);
const STATEMENT_TYPES = new Set(tables.FLIPPED_ALIAS_KEYS['Statement']);
const NO_KEYS: readonly string[] = [];

export function childKeys(node: Node): readonly string[] {
  return tables.VISITOR_KEYS[node.type] ?? NO_KEYS;
}

export function isFunctionNode(node: Node): boolean {
  return FUNCTION_TYPES.has(node.type);
}

export function isStatementNode(node: unknown): node is import('@babel/types').Statement {
  return typeof node === 'object' && node !== null && STATEMENT_TYPES.has((node as Node).type);
}

/** Statement types istanbul gives a statement counter of their own (its visitor's `coverStatement` list). */
export const COUNTED_STATEMENTS: ReadonlySet<string> = new Set([
  'ExpressionStatement',
  'BreakStatement',
  'ContinueStatement',
  'DebuggerStatement',
  'ReturnStatement',
  'ThrowStatement',
  'TryStatement',
  'IfStatement',
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
  'SwitchStatement',
  'WithStatement',
  'LabeledStatement',
]);
