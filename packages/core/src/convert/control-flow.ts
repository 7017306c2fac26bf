import type { File, Node, SourceLocation, Statement } from '@babel/types';
import { COUNTED_STATEMENTS, childKeys, isFunctionNode as isFunction, isStatementNode as isStatement } from './babel-tables';
import type { Span } from './file-map-types';

/** Identifies a piece of original code by its exact location, as istanbul's maps record it. */
export const spanKey = (loc: { start: { line?: number; column?: number }; end: { line?: number; column?: number } }): string =>
  `${loc.start.line}:${loc.start.column}:${loc.end.line}:${loc.end.column}`;

/**
 * What the original AST says about execution order, to repair what V8's ranges lose. V8 ends a
 * "continuation" range (the code after an `if` that returned, after a loop, …) at the first nested
 * block range inside it, so the statements after that point read the enclosing function's count.
 * Statements that follow straight-line code run exactly as often as that code, which the AST knows.
 */
export interface ControlFlow {
  /** `if` statement location → its consequent, where V8's "then" range starts. */
  consequents: Map<string, Span>;
  /** Statement location → location of an earlier statement that runs exactly as often. */
  follows: Map<string, string>;
  /** Branch location (operand, arm, case, default value) → location of its innermost enclosing statement. */
  enclosingStatement: Map<string, string>;
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

// How control can leave code other than by its end, as bits. Calls that throw are not seen: V8
// does not see them either.
const ABRUPT = 1; // return, throw, await, yield (await and yield may never resume)
const BREAKS = 2; // an unlabelled break aimed past the code
const CONTINUES = 4; // an unlabelled continue aimed past the code
const LABELLED = 8; // a labelled break or continue (kept, to stay on the safe side)

// Keys in written (sorted) order: these spans end up in the map cache (see istanbul-maps.ts).
function spanOf(loc: SourceLocation): Span {
  return { end: { column: loc.end.column, line: loc.end.line }, start: { column: loc.start.column, line: loc.start.line } };
}

export function analyzeControlFlow(ast: File): ControlFlow {
  const flow: ControlFlow = { consequents: new Map(), follows: new Map(), enclosingStatement: new Map() };
  visit(flow, ast.program, undefined);
  return flow;
}

// The walk is module-level functions and makes no closure or iterator per statement: most of a
// cold run's walk runs before V8 optimizes it, where each allocation costs. A statement list's state is one ListWalk.

function noteBranchLocation(flow: ControlFlow, node: Node | null | undefined, statement: string | undefined): void {
  if (node?.loc && statement !== undefined) flow.enclosingStatement.set(spanKey(node.loc), statement);
}

/** Where a walk of a statement list stands: the statement the next counted piece follows, and how control can leave the list so far. */
interface ListWalk {
  carry: string | undefined;
  exits: number;
}

/**
 * A counted piece of code in a statement list (a statement, or a declarator's initialiser; `key` its
 * location) follows the carried statement, and is carried on if control leaves it only by its end.
 */
function visitCounted(flow: ControlFlow, list: ListWalk, node: Node, key: string): void {
  if (list.carry !== undefined) flow.follows.set(key, list.carry);
  const own = visit(flow, node, key);
  list.carry = own === 0 ? key : undefined;
  list.exits |= own;
}

/**
 * Walks a statement list; `entry` is a statement known to run exactly as often as the list's
 * start. A statement after straight-line code follows the last counted statement before it.
 */
function visitList(flow: ControlFlow, statements: readonly Statement[], entry: string | undefined, enclosing: string | undefined): number {
  const list: ListWalk = { carry: entry, exits: 0 };
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i]!;
    const declaration =
      (statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') && isStatement(statement.declaration) ? statement.declaration : statement;
    if (declaration.type === 'BlockStatement') {
      // A bare block has no range of its own in V8: it runs as often as what came before.
      const own = visitList(flow, declaration.body, list.carry, enclosing);
      if (own !== 0) list.carry = undefined;
      list.exits |= own;
    } else if (COUNTED_STATEMENTS.has(declaration.type) && declaration.loc) {
      visitCounted(flow, list, declaration, spanKey(declaration.loc));
    } else if (declaration.type === 'VariableDeclaration') {
      const declarators = declaration.declarations;
      for (let d = 0; d < declarators.length; d++) {
        const declarator = declarators[d]!;
        list.exits |= visit(flow, declarator.id, enclosing);
        const init = declarator.init;
        // istanbul counts a declarator at its initialiser.
        if (init?.loc) visitCounted(flow, list, init, spanKey(init.loc));
      }
    } else {
      const own = visit(flow, statement, enclosing);
      if (own !== 0) list.carry = undefined;
      list.exits |= own;
    }
  }
  return list.exits;
}

// Indexed loops: most of a cold run's walk runs before V8 optimizes it, where for-of costs an iterator per loop.
function visitChildren(flow: ControlFlow, node: Node, enclosing: string | undefined): number {
  let exits = 0;
  const keys = childKeys(node);
  for (let k = 0; k < keys.length; k++) {
    const value = (node as unknown as Record<string, unknown>)[keys[k]!];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (child && typeof child === 'object' && 'type' in child) exits |= visitChild(flow, child as Node, enclosing);
      }
    } else if (value && typeof value === 'object' && 'type' in value) {
      exits |= visitChild(flow, value as Node, enclosing);
    }
  }
  return exits;
}

function visitChild(flow: ControlFlow, child: Node, enclosing: string | undefined): number {
  return isStatement(child) && child.type !== 'BlockStatement' ? visitList(flow, [child], undefined, enclosing) : visit(flow, child, enclosing);
}

/** Visits `node`; returns how control can leave it other than by its end. */
function visit(flow: ControlFlow, node: Node, enclosing: string | undefined): number {
  switch (node.type) {
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'YieldExpression':
    case 'AwaitExpression':
      return ABRUPT | visitChildren(flow, node, enclosing);
    case 'BreakStatement':
      return node.label ? LABELLED : BREAKS;
    case 'ContinueStatement':
      return node.label ? LABELLED : CONTINUES;
    case 'IfStatement':
      if (enclosing !== undefined && node.consequent.loc) flow.consequents.set(enclosing, spanOf(node.consequent.loc));
      noteBranchLocation(flow, node.alternate, enclosing);
      return visitChildren(flow, node, enclosing);
    case 'TryStatement': {
      // V8 has no range for the try block: it runs as often as the try statement.
      let exits = visitList(flow, node.block.body, enclosing, enclosing);
      if (node.handler) exits |= visit(flow, node.handler, enclosing);
      if (node.finalizer) exits |= visit(flow, node.finalizer, enclosing);
      return exits;
    }
    case 'LabeledStatement':
      return visitList(flow, [node.body], enclosing, enclosing);
    case 'SwitchStatement':
      return visitChildren(flow, node, enclosing) & ~BREAKS;
    case 'SwitchCase': {
      noteBranchLocation(flow, node, enclosing);
      const exits = node.test ? visit(flow, node.test, enclosing) : 0;
      return exits | visitList(flow, node.consequent, undefined, enclosing);
    }
    case 'LogicalExpression':
      noteBranchLocation(flow, node.left, enclosing);
      noteBranchLocation(flow, node.right, enclosing);
      return visitChildren(flow, node, enclosing);
    case 'ConditionalExpression':
      noteBranchLocation(flow, node.consequent, enclosing);
      noteBranchLocation(flow, node.alternate, enclosing);
      return visitChildren(flow, node, enclosing);
    case 'VariableDeclarator':
      // Outside a statement list (a for-loop head): counted at the initialiser all the same.
      return visit(flow, node.id, enclosing) | (node.init?.loc ? visit(flow, node.init, spanKey(node.init.loc)) : 0);
    case 'ClassProperty':
    case 'ClassPrivateProperty':
      if (node.value?.loc) visit(flow, node.value, spanKey(node.value.loc));
      return 0;
    case 'BlockStatement':
    case 'Program':
    case 'StaticBlock':
    case 'TSModuleBlock':
      // Function, loop, branch and catch bodies, namespaces: V8 gives each its own range.
      return visitList(flow, node.body as Statement[], undefined, enclosing);
    default:
      break;
  }
  if (isFunction(node)) {
    // Its code runs when called, not here; an expression body is a statement of istanbul's own.
    if (node.type === 'ArrowFunctionExpression' && node.body.type !== 'BlockStatement' && node.body.loc) {
      for (const param of node.params) visit(flow, param, undefined);
      visit(flow, node.body, spanKey(node.body.loc));
    } else {
      visitChildren(flow, node, undefined);
    }
    return 0;
  }
  let exits = visitChildren(flow, node, enclosing);
  if (LOOPS.has(node.type)) exits &= ~(BREAKS | CONTINUES);
  if (node.type === 'ForOfStatement' && node.await) exits |= ABRUPT;
  if (node.type === 'ClassBody') return 0;
  return exits;
}
