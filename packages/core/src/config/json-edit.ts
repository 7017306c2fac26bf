/**
 * Surgical edits of a JSON text: values are replaced and members added in place, so a file's
 * indentation, spacing, key order and line endings stay as the user wrote them (re-serializing
 * would reflow the whole file). Only strict JSON is read: the callers edit files that
 * JSON.parse already accepted. jsonc-parser finds the offsets; members are added by addMember
 * rather than jsonc-parser's modify(), which reformats what it inserts into (an inline
 * `{ "x": 1 }` becomes three lines, an array one line per item).
 */
import { parseTree, printParseErrorCode, type Node as ParserNode, type ParseError } from 'jsonc-parser';

export type JsonNode =
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'value'; start: number; end: number; value: unknown };

export interface JsonMember {
  key: string;
  /** Offset of the key's opening quote. */
  keyStart: number;
  value: JsonNode;
}

/** One replacement of `text.slice(start, end)`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The tree of a strict JSON text with each node's offsets (jsonc-parser's, in this module's shape). Throws on malformed input. */
export function parseJsonTree(text: string): JsonNode {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (root === undefined || errors.length > 0) {
    const error = errors[0];
    throw new SyntaxError(error ? `${printParseErrorCode(error.error)} at offset ${error.offset}` : 'no JSON value');
  }
  return fromParserNode(root);
}

function fromParserNode(node: ParserNode): JsonNode {
  const start = node.offset;
  const end = node.offset + node.length;
  if (node.type === 'object') {
    const members = (node.children ?? []).map((property) => {
      const [key, value] = property.children as [ParserNode, ParserNode];
      return { key: key.value as string, keyStart: property.offset, value: fromParserNode(value) };
    });
    return { kind: 'object', start, end, members };
  }
  if (node.type === 'array') return { kind: 'array', start, end, items: (node.children ?? []).map(fromParserNode) };
  return { kind: 'value', start, end, value: node.value };
}

/** The member `key` of an object node, if it has one. */
export function memberOf(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.kind === 'object' ? node.members.find((member) => member.key === key)?.value : undefined;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/**
 * The edit adding `"key": value` as the last member of `object`, laid out like the object's
 * existing members: on their own lines with their indentation, or inline when the object is
 * written on one line. An empty object opens onto new lines indented one step (the file's own
 * step) deeper than the line it starts on. `value` is written inline.
 */
export function addMember(text: string, object: Extract<JsonNode, { kind: 'object' }>, key: string, value: unknown): TextEdit {
  const entry = `${JSON.stringify(key)}: ${inlineJson(value)}`;
  const last = object.members.at(-1);
  if (last) {
    const multiline = /[\r\n]/.test(text.slice(object.start, last.keyStart));
    const separator = multiline ? `,${lineEnding(text)}${indentationAt(text, last.keyStart)}` : ', ';
    return { start: last.value.end, end: last.value.end, text: `${separator}${entry}` };
  }
  const outer = indentationAt(text, object.start);
  const eol = lineEnding(text);
  return { start: object.start, end: object.end, text: `{${eol}${outer}${indentUnit(text)}${entry}${eol}${outer}}` };
}

/** `{ "a": 1, "b": [2, 3] }`: one line, spaced like hand-written JSON. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inlineJson(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** Leading whitespace of the line holding `offset`. */
function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The file's indentation step: the smallest indentation of any line, two spaces when none is. */
function indentUnit(text: string): string {
  const indents = [...text.matchAll(/\n([ \t]+)\S/g)].map((match) => match[1]!);
  return indents.sort((a, b) => a.length - b.length)[0] ?? '  ';
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
