import type { Node } from '@babel/types';
import * as generated from './babel-tables.generated';

export interface BabelTables {
  /** Child fields of each node type, in the order Babel's traversal (and so istanbul) visits them. */
  VISITOR_KEYS: Record<string, readonly string[]>;
  FUNCTION_TYPES: readonly string[];
  STATEMENT_TYPES: readonly string[];
}

// Loading @babel/types' definitions takes longer than converting a small project's data, so the
// tables come from a copy made at build time when that is the version installed; with another
// version installed (the package's range allows newer ones), from its definitions.
export function tablesFor(installedVersion: string): BabelTables {
  if (installedVersion === generated.BABEL_TYPES_VERSION) return generated;
  type Definitions = { VISITOR_KEYS: Record<string, readonly string[]>; FLIPPED_ALIAS_KEYS: Record<string, readonly string[]> };
  let definitions: Definitions;
  try {
    // The definitions alone load in a third of the time of the package root (builders, validators…).
    definitions = require('@babel/types/lib/definitions/index.js') as Definitions;
  } catch {
    definitions = require('@babel/types') as Definitions;
  }
  return {
    VISITOR_KEYS: definitions.VISITOR_KEYS,
    FUNCTION_TYPES: definitions.FLIPPED_ALIAS_KEYS['Function']!,
    STATEMENT_TYPES: definitions.FLIPPED_ALIAS_KEYS['Statement']!,
  };
}

const tables = tablesFor((require('@babel/types/package.json') as { version: string }).version);
const FUNCTION_TYPES = new Set(tables.FUNCTION_TYPES);
const STATEMENT_TYPES = new Set(tables.STATEMENT_TYPES);
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
