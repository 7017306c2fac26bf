/**
 * Surgical edits of a JSON text: values are replaced and members added in place, so a file's
 * indentation, spacing, key order and line endings stay as the user wrote them (re-serializing
 * would reflow the whole file). Only strict JSON is read: the callers edit files that
 * JSON.parse already accepted.
 */

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

/** The tree of a strict JSON text with each node's offsets. Throws on malformed input. */
export function parseJsonTree(text: string): JsonNode {
  let pos = 0;
  const space = (): void => {
    while (pos < text.length && /[ \t\r\n\uFEFF]/.test(text[pos]!)) pos++;
  };
  const expect = (char: string): void => {
    if (text[pos] !== char) throw new SyntaxError(`expected ${char} at offset ${pos}`);
    pos++;
  };
  const string = (): string => {
    const start = pos;
    expect('"');
    while (text[pos] !== '"') {
      if (pos >= text.length) throw new SyntaxError(`unterminated string at offset ${start}`);
      pos += text[pos] === '\\' ? 2 : 1;
    }
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (): JsonNode => {
    space();
    const start = pos;
    if (text[pos] === '{') {
      pos++;
      const members: JsonMember[] = [];
      space();
      if (text[pos] !== '}') {
        for (;;) {
          space();
          const keyStart = pos;
          const key = string();
          space();
          expect(':');
          members.push({ key, keyStart, value: value() });
          space();
          if (text[pos] !== ',') break;
          pos++;
        }
      }
      expect('}');
      return { kind: 'object', start, end: pos, members };
    }
    if (text[pos] === '[') {
      pos++;
      const items: JsonNode[] = [];
      space();
      if (text[pos] !== ']') {
        for (;;) {
          items.push(value());
          space();
          if (text[pos] !== ',') break;
          pos++;
        }
      }
      expect(']');
      return { kind: 'array', start, end: pos, items };
    }
    if (text[pos] === '"') return { kind: 'value', start, end: (string(), pos), value: JSON.parse(text.slice(start, pos)) };
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(pos));
    if (!literal) throw new SyntaxError(`unexpected ${JSON.stringify(text[pos] ?? 'end')} at offset ${pos}`);
    pos += literal[0].length;
    return { kind: 'value', start, end: pos, value: JSON.parse(literal[0]) };
  };
  const root = value();
  space();
  if (pos !== text.length) throw new SyntaxError(`unexpected text after the JSON value at offset ${pos}`);
  return root;
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
