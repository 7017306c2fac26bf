import * as types from '@babel/types';
import type { File, Node, SourceLocation, Statement } from '@babel/types';
import type { Span } from './file-maps';

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

const COUNTED_STATEMENTS = new Set([
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

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

function spanOf(loc: SourceLocation): Span {
  return { start: { line: loc.start.line, column: loc.start.column }, end: { line: loc.end.line, column: loc.end.column } };
}

function childrenOf(node: Node): Node[] {
  const children: Node[] = [];
  for (const field of types.VISITOR_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[field];
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item === 'object' && 'type' in item) children.push(item as Node);
    } else if (value && typeof value === 'object' && 'type' in value) {
      children.push(value as Node);
    }
  }
  return children;
}

/**
 * Whether control always leaves `node` by its end (when it leaves at all): no return, throw,
 * await or yield inside, and no break or continue aimed outside it. Calls that throw are not
 * seen — V8 does not see them either.
 */
function isStraightLine(node: Node): boolean {
  const labels = new Set<string>();
  const walk = (current: Node, loops: number, breakables: number): boolean => {
    switch (current.type) {
      case 'ReturnStatement':
      case 'ThrowStatement':
      case 'YieldExpression':
      case 'AwaitExpression':
        return false;
      case 'BreakStatement':
        return current.label ? labels.has(current.label.name) : breakables > 0;
      case 'ContinueStatement':
        return current.label ? labels.has(current.label.name) : loops > 0;
      case 'ForOfStatement':
        if (current.await) return false;
        break;
      case 'LabeledStatement':
        labels.add(current.label.name);
        break;
      default:
        // Code in nested functions and class bodies runs when called, not here.
        if (types.isFunction(current) || current.type === 'ClassBody') return true;
    }
    const isLoop = LOOPS.has(current.type);
    const isBreakable = isLoop || current.type === 'SwitchStatement';
    return childrenOf(current).every((child) => walk(child, loops + (isLoop ? 1 : 0), breakables + (isBreakable ? 1 : 0)));
  };
  return walk(node, 0, 0);
}

export function analyzeControlFlow(ast: File): ControlFlow {
  const flow: ControlFlow = { consequents: new Map(), follows: new Map(), enclosingStatement: new Map() };

  const noteBranchLocation = (node: Node | null | undefined, statement: string | undefined) => {
    if (node?.loc && statement !== undefined) flow.enclosingStatement.set(spanKey(node.loc), statement);
  };

  /** Walks a statement list; `entry` is a statement known to run exactly as often as the list's start. */
  const visitList = (statements: readonly Statement[], entry: string | undefined, enclosing: string | undefined) => {
    let carry = entry;
    for (const statement of statements) {
      if (statement.type === 'BlockStatement') {
        // A bare block has no range of its own in V8: it runs as often as what came before.
        visitList(statement.body, carry, enclosing);
        if (!isStraightLine(statement)) carry = undefined;
        continue;
      }
      const parts = countedParts(statement);
      for (const part of parts) {
        const key = spanKey(part.loc!);
        if (carry !== undefined) flow.follows.set(key, carry);
        carry = isStraightLine(part) ? key : undefined;
      }
      if (parts.length === 0 && !isStraightLine(statement)) carry = undefined;
      const own = COUNTED_STATEMENTS.has(statement.type) && statement.loc ? spanKey(statement.loc) : enclosing;
      visit(statement, own);
    }
  };

  const visit = (node: Node, enclosing: string | undefined): void => {
    switch (node.type) {
      case 'IfStatement':
        if (enclosing !== undefined && node.consequent.loc) flow.consequents.set(enclosing, spanOf(node.consequent.loc));
        noteBranchLocation(node.alternate, enclosing);
        break;
      case 'TryStatement':
        // V8 has no range for the try block: it runs as often as the try statement.
        visitList(node.block.body, enclosing, enclosing);
        if (node.handler) visit(node.handler, enclosing);
        if (node.finalizer) visit(node.finalizer, enclosing);
        return;
      case 'LabeledStatement':
        return visitList([node.body], enclosing, enclosing);
      case 'LogicalExpression':
        noteBranchLocation(node.left, enclosing);
        noteBranchLocation(node.right, enclosing);
        break;
      case 'ConditionalExpression':
        noteBranchLocation(node.consequent, enclosing);
        noteBranchLocation(node.alternate, enclosing);
        break;
      case 'SwitchCase':
        noteBranchLocation(node, enclosing);
        if (node.test) visit(node.test, enclosing);
        return visitList(node.consequent, undefined, enclosing);
      case 'VariableDeclarator':
        // istanbul counts a declarator at its initialiser.
        if (node.init?.loc) visit(node.init, spanKey(node.init.loc));
        return;
      case 'ClassProperty':
      case 'ClassPrivateProperty':
        if (node.value?.loc) visit(node.value, spanKey(node.value.loc));
        return;
      case 'ArrowFunctionExpression':
        // istanbul counts an expression body as a statement of its own.
        if (!types.isBlockStatement(node.body) && node.body.loc) return visit(node.body, spanKey(node.body.loc));
        break;
      case 'BlockStatement':
      case 'Program':
      case 'StaticBlock':
      case 'TSModuleBlock':
        // Function, loop, branch and catch bodies, namespaces: V8 gives each its own range.
        return visitList(node.body as Statement[], undefined, enclosing);
      default:
        break;
    }
    const inner = types.isFunction(node) ? undefined : enclosing;
    for (const child of childrenOf(node)) {
      if (types.isStatement(child) && child.type !== 'BlockStatement') visitList([child], undefined, inner);
      else visit(child, inner);
    }
  };

  visit(ast.program, undefined);
  return flow;
}

/** The counted pieces of a statement, in execution order: the statement itself, or each initialiser of a declaration. */
function countedParts(statement: Statement): Node[] {
  if (COUNTED_STATEMENTS.has(statement.type)) return statement.loc ? [statement] : [];
  if (statement.type === 'VariableDeclaration') return statement.declarations.flatMap((d) => (d.init?.loc ? [d.init] : []));
  if ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') && types.isStatement(statement.declaration)) {
    return countedParts(statement.declaration);
  }
  return [];
}
