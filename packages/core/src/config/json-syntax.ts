/**
 * Where and why a JSON text is malformed. JSON.parse's messages change between Node versions
 * and some carry no position at all ("Unexpected token '}', … is not valid JSON"), so on a
 * parse failure this small scanner walks the text again and names the first error itself.
 *
 * Not jsonc-parser (which json-edit.ts uses for files already parsed): its parser recurses
 * without a bound, so an rc file of 10,000 nested `[` ends in a stack overflow (RangeError)
 * where this scanner stops at depth 500 with a message; it puts a trailing comma's error at the
 * `}` after it (line 4 instead of line 3 in config-load.test's case); and it gives error codes
 * (PropertyNameExpected, InvalidSymbol…), which would need this scanner's token context again
 * to become the sentences the config tests lock (measured with jsonc-parser 3.2.0).
 */

export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  reason: string;
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    if (scanner.atEnd()) scanner.fail(scanner.pos, 'the file is empty; write {} for the defaults');
    scanner.value();
    scanner.skipSpace();
    if (!scanner.atEnd()) scanner.fail(scanner.pos, `unexpected ${scanner.describe(scanner.pos)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { ...lineAndColumn(text, error.offset), reason: error.reason };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Failure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

class Scanner {
  pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(offset: number, reason: string): never {
    throw new Failure(offset, reason);
  }

  /** The token at `offset` as messages show it. */
  describe(offset: number): string {
    if (offset >= this.text.length) return 'end of file';
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(offset, offset + 40))?.[0];
    const char = this.text.codePointAt(offset)!;
    // Invisible characters are named by code point, or the message would show nothing.
    if (word === undefined && (char < 0x20 || (char >= 0x7f && char <= 0xa0) || char === 0xfeff)) {
      return `character U+${char.toString(16).toUpperCase().padStart(4, '0')}`;
    }
    return `\`${word ?? String.fromCodePoint(char)}\``;
  }

  skipSpace(): void {
    while (!this.atEnd() && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
    if (this.text.startsWith('//', this.pos) || this.text.startsWith('/*', this.pos)) {
      this.fail(this.pos, 'comments are not allowed in JSON');
    }
  }

  // Depth is bounded so that a pathological file gives a message, not a stack overflow.
  private depth = 0;

  value(): void {
    this.skipSpace();
    if (this.depth > 500) this.fail(this.pos, 'nested too deeply');
    const char = this.text[this.pos];
    if (char === '{' || char === '[') {
      this.depth++;
      if (char === '{') this.object();
      else this.array();
      this.depth--;
      return;
    }
    if (char === '"') return this.string();
    if (char === "'") this.fail(this.pos, 'strings must be in double quotes');
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos) && !/[\w$]/.test(this.text[this.pos + literal.length] ?? '')) {
        this.pos += literal.length;
        return;
      }
    }
    if (this.atEnd()) this.fail(this.pos, 'unexpected end of file; a value, `}` or `]` is missing');
    this.fail(this.pos, `expected a value, found ${this.describe(this.pos)}`);
  }

  private object(): void {
    this.pos++; // {
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const char = this.text[this.pos];
      if (char !== '"') {
        if (this.atEnd()) this.fail(this.pos, 'unexpected end of file; a `}` is missing');
        if (char === "'") this.fail(this.pos, 'property names must be in double quotes');
        this.fail(this.pos, `expected a property name in double quotes, found ${this.describe(this.pos)}`);
      }
      this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(this.pos, `expected \`:\` after the property name, found ${this.describe(this.pos)}`);
      this.pos++;
      this.value();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === '}') {
        this.pos++;
        return;
      }
      if (next !== ',') {
        if (this.atEnd()) this.fail(this.pos, 'unexpected end of file; a `}` is missing');
        this.fail(this.pos, `expected \`,\` or \`}\` after a property value, found ${this.describe(this.pos)}`);
      }
      const comma = this.pos;
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === '}') this.fail(comma, 'trailing comma before `}`; JSON allows none');
    }
  }

  private array(): void {
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ']') {
        this.pos++;
        return;
      }
      if (next !== ',') {
        if (this.atEnd()) this.fail(this.pos, 'unexpected end of file; a `]` is missing');
        this.fail(this.pos, `expected \`,\` or \`]\` after an array element, found ${this.describe(this.pos)}`);
      }
      const comma = this.pos;
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ']') this.fail(comma, 'trailing comma before `]`; JSON allows none');
    }
  }

  private string(): void {
    const start = this.pos;
    this.pos++; // "
    for (;;) {
      if (this.atEnd()) this.fail(start, 'unterminated string');
      const char = this.text[this.pos]!;
      if (char === '"') {
        this.pos++;
        return;
      }
      if (char === '\n' || char === '\r') this.fail(start, 'unterminated string (strings cannot span lines)');
      if (char < ' ') this.fail(this.pos, 'control character inside a string; escape it');
      if (char === '\\') {
        const escape = this.text[this.pos + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail(this.pos, 'invalid \\u escape in a string');
          this.pos += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          this.fail(this.pos, `invalid escape \`\\${escape ?? ''}\` in a string (write \`\\\\\` for a backslash)`);
        }
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (match === null) this.fail(this.pos, `invalid number starting ${this.describe(this.pos)}`);
    const end = this.pos + match[0].length;
    if (/[\w.]/.test(this.text[end] ?? '')) this.fail(this.pos, 'invalid number');
    this.pos = end;
  }
}
