import type { Comment, File, Function as FunctionNode, Node, SourceLocation } from '@babel/types';
import { COUNTED_STATEMENTS, childKeys } from './babel-tables';
import type { BranchMapping, FileCoverageData, FunctionMapping, Range } from 'istanbul-lib-coverage';

// istanbul-lib-instrument 6's visitor (src/visitor.js), reproduced as a read-only walk: the same
// nodes, in the same order, with the same locations and ignore hints, but without rewriting the
// tree into instrumented code, which is most of its cost. convert-*.test.ts holds the two equal.

const COMMENT_RE = /^\s*istanbul\s+ignore\s+(if|else|next)(?=\W|$)/;
const COMMENT_FILE_RE = /^\s*istanbul\s+ignore\s+(file)(?=\W|$)/;

/** The node types istanbul's visitor handles: only on these are hints read. */
const VISITED = new Set([
  'ArrowFunctionExpression',
  'AssignmentPattern',
  'BlockStatement',
  'ExportDefaultDeclaration',
  'ExportNamedDeclaration',
  'ClassMethod',
  'ClassDeclaration',
  'ClassProperty',
  'ClassPrivateProperty',
  'ObjectMethod',
  'VariableDeclaration',
  'VariableDeclarator',
  'SwitchCase',
  'FunctionDeclaration',
  'FunctionExpression',
  'ConditionalExpression',
  'LogicalExpression',
  ...COUNTED_STATEMENTS,
]);

type Hint = 'if' | 'else' | 'next' | undefined;

function hintFor(node: Node): Hint {
  // Asked of most nodes, which have no comments (parse-source.ts attaches none where no hint can be).
  if (!node.leadingComments) return undefined;
  let hint: Hint;
  for (const comment of node.leadingComments) {
    const match = COMMENT_RE.exec((comment.value || '').trim());
    if (match) hint = match[1] as Hint;
  }
  return hint;
}

/**
 * istanbul's cloneLocation: a missing location becomes one with undefined fields. Objects of the
 * maps are built with their keys in the order they are written in (sorted, see stable-json), so
 * that writing the data or the map cache copies none of them.
 */
function cloneLocation(loc: SourceLocation | null | undefined): Range {
  return {
    end: { column: loc?.end.column, line: loc?.end.line },
    start: { column: loc?.start.column, line: loc?.start.line },
  } as Range;
}

function isFileIgnored(comments: readonly Comment[]): boolean {
  return comments.some((comment) => COMMENT_FILE_RE.test(comment.value));
}

/** The statement, function and branch maps istanbul-lib-instrument makes of `ast`, every count 0. */
export function istanbulMaps(ast: File, path: string): FileCoverageData {
  const coverage: FileCoverageData = { b: {}, branchMap: {}, f: {}, fnMap: {}, path, s: {}, statementMap: {} };
  if (isFileIgnored(ast.comments ?? [])) return coverage;
  let statements = 0;
  let functions = 0;
  let branches = 0;

  const newStatement = (loc: SourceLocation) => {
    coverage.statementMap[statements] = cloneLocation(loc);
    coverage.s[statements++] = 0;
  };
  const newFunction = (name: string | undefined, decl: SourceLocation, loc: SourceLocation | null | undefined) => {
    const id = functions++;
    coverage.fnMap[id] = {
      decl: cloneLocation(decl),
      line: loc?.start.line,
      loc: cloneLocation(loc),
      name: name || `(anonymous_${id})`,
    } as FunctionMapping;
    coverage.f[id] = 0;
  };
  const newBranch = (type: string, loc: SourceLocation): BranchMapping => {
    const branch = { line: loc.start.line, loc: cloneLocation(loc), locations: [] as Range[], type } as BranchMapping;
    coverage.branchMap[branches] = branch;
    coverage.b[branches++] = [];
    return branch;
  };
  const addBranchPath = (branch: BranchMapping, loc: SourceLocation | null | undefined) => {
    branch.locations.push(cloneLocation(loc));
  };

  const coverFunction = (node: FunctionNode) => {
    let decl: SourceLocation | null | undefined;
    if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.id) decl = node.id.loc;
    decl ??= { ...node.loc!, end: { ...node.loc!.start, column: node.loc!.start.column + 1 } };
    const name = 'id' in node && node.id ? node.id.name : undefined;
    newFunction(name, decl, node.body.loc);
  };

  /** The operands of a chain of logical expressions, as istanbul's findLeaves collects them. */
  const leavesOf = (node: Node, leaves: Node[]) => {
    if (node.type === 'LogicalExpression') {
      if (hintFor(node) !== 'next') {
        leavesOf(node.left, leaves);
        leavesOf(node.right, leaves);
      }
    } else {
      leaves.push(node);
    }
  };

  const switchBranches = new Map<Node, BranchMapping>();

  /** What istanbul does on entering a node it handles (not ignored); returns children to skip-all. */
  const enter = (node: Node, parent: Node | undefined): Set<Node> | undefined => {
    switch (node.type) {
      case 'ArrowFunctionExpression':
        coverFunction(node);
        return;
      case 'AssignmentPattern': {
        const branch = newBranch('default-arg', node.loc!);
        addBranchPath(branch, node.right.loc);
        return;
      }
      case 'ClassMethod':
      case 'ObjectMethod':
      case 'FunctionDeclaration':
      case 'FunctionExpression':
        coverFunction(node);
        return;
      case 'ClassProperty':
      case 'ClassPrivateProperty':
        if (node.value?.loc) newStatement(node.value.loc);
        return;
      case 'VariableDeclarator':
        if (node.init?.loc) newStatement(node.init.loc);
        return;
      case 'IfStatement': {
        newStatement(node.loc!);
        const hint = hintFor(node);
        const branch = newBranch('if', node.loc!);
        const skipped = new Set<Node>();
        if (hint === 'if') skipped.add(node.consequent);
        else addBranchPath(branch, node.loc);
        // istanbul wraps a bare consequent or alternate in a block that takes the statement's location.
        if (hint === 'else') {
          if (node.alternate) skipped.add(node.alternate);
        } else {
          addBranchPath(branch, node.alternate?.loc);
        }
        return skipped;
      }
      case 'SwitchStatement':
        switchBranches.set(node, newBranch('switch', node.loc!));
        newStatement(node.loc!);
        return;
      case 'SwitchCase': {
        const branch = switchBranches.get(parent!);
        if (branch) addBranchPath(branch, node.loc);
        return;
      }
      case 'ConditionalExpression': {
        const branch = newBranch('cond-expr', node.loc!);
        if (hintFor(node.consequent) !== 'next') addBranchPath(branch, node.consequent.loc);
        if (hintFor(node.alternate) !== 'next') addBranchPath(branch, node.alternate.loc);
        return;
      }
      case 'LogicalExpression': {
        if (parent?.type === 'LogicalExpression') return; // counted with the outermost one
        const leaves: Node[] = [];
        leavesOf(node, leaves);
        const branch = newBranch('binary-expr', node.loc!);
        for (const leaf of leaves) if (hintFor(leaf) !== 'next') addBranchPath(branch, leaf.loc);
        return;
      }
      default:
        if (COUNTED_STATEMENTS.has(node.type) && node.loc) newStatement(node.loc);
        return;
    }
  };

  const visit = (node: Node, parent: Node | undefined, ignored: boolean, skipAll: boolean): void => {
    let skipped: Set<Node> | undefined;
    // An ignored if/else arm: istanbul marks the block it wraps the arm in, whatever the arm is.
    if (skipAll) ignored = true;
    if (VISITED.has(node.type) && !ignored) {
      if (hintFor(node) === 'next') ignored = true;
      if (!ignored) skipped = enter(node, parent);
    }
    // istanbul turns an expression body into `{ return <expression>; }`, counted as a statement.
    const expressionBody = node.type === 'ArrowFunctionExpression' && !ignored && node.body.type !== 'BlockStatement' && node.body.loc ? node.body : undefined;
    // Indexed loops: most of a cold run's walk runs before V8 optimizes it, where for-of costs an iterator per loop.
    const keys = childKeys(node);
    for (let k = 0; k < keys.length; k++) {
      const value = (node as unknown as Record<string, unknown>)[keys[k]!];
      if (expressionBody !== undefined && value === expressionBody) newStatement(expressionBody.loc!);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const child: unknown = value[i];
          if (child && typeof child === 'object' && 'type' in child) visit(child as Node, node, ignored, skipped?.has(child as Node) ?? false);
        }
      } else if (value && typeof value === 'object' && 'type' in value) {
        visit(value as Node, node, ignored, skipped?.has(value as Node) ?? false);
      }
    }
  };

  visit(ast.program, undefined, false, false);
  // istanbul drops branches left without any arm (every arm ignored), keeping the other ids.
  for (const [id, branch] of Object.entries(coverage.branchMap)) {
    if (branch.locations.length === 0) {
      delete coverage.branchMap[id];
      delete coverage.b[id];
    } else {
      coverage.b[id] = branch.locations.map(() => 0);
    }
  }
  return coverage;
}
