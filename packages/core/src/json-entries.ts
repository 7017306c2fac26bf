/**
 * The entries of a JSON object too large to be one string: V8 caps a string at about 512 MiB, so
 * a merged coverage-final.json of some 2,500 projects can be written (entry by entry) but not read
 * back with JSON.parse. This finds each top-level entry's bytes and parses entries one at a time.
 * Quotes, backslashes and brackets are ASCII and never part of a multi-byte UTF-8 sequence, so the
 * scan works on the bytes as they are. Errors name the byte offset; JSON.parse checks each entry.
 */
export function* jsonObjectEntries(bytes: Uint8Array): Generator<[string, unknown]> {
  let at = skipSpace(bytes, 0);
  expect(bytes, at, OPEN_BRACE, 'an object');
  at = skipSpace(bytes, at + 1);
  if (bytes[at] === CLOSE_BRACE) return expectEnd(bytes, at + 1);
  for (;;) {
    expect(bytes, at, QUOTE, 'a key');
    const keyEnd = stringEnd(bytes, at);
    const key = JSON.parse(decode(bytes, at, keyEnd)) as string;
    at = skipSpace(bytes, keyEnd);
    expect(bytes, at, COLON, '":"');
    const valueStart = skipSpace(bytes, at + 1);
    const valueEnd = valueEndAt(bytes, valueStart);
    yield [key, JSON.parse(decode(bytes, valueStart, valueEnd))];
    at = skipSpace(bytes, valueEnd);
    if (bytes[at] === CLOSE_BRACE) return expectEnd(bytes, at + 1);
    expect(bytes, at, COMMA, '"," or "}"');
    at = skipSpace(bytes, at + 1);
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

const decoder = new TextDecoder('utf-8', { fatal: true });
const decode = (bytes: Uint8Array, start: number, end: number): string => decoder.decode(bytes.subarray(start, end));

function skipSpace(bytes: Uint8Array, at: number): number {
  // JSON's whitespace: space, tab, line feed, carriage return.
  while (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d) at++;
  return at;
}

function expect(bytes: Uint8Array, at: number, byte: number, what: string): void {
  if (bytes[at] !== byte) throw new SyntaxError(at >= bytes.length ? `unexpected end of data, expected ${what}` : `expected ${what} at byte ${at}`);
}

function expectEnd(bytes: Uint8Array, at: number): void {
  at = skipSpace(bytes, at);
  if (at < bytes.length) throw new SyntaxError(`unexpected data after the object at byte ${at}`);
}

/** Offset just past the string starting at `at` (its opening quote). */
function stringEnd(bytes: Uint8Array, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    if (bytes[i] === BACKSLASH) i++;
    else if (bytes[i] === QUOTE) return i + 1;
  }
  throw new SyntaxError('unexpected end of data in a string');
}

/** Offset just past the value starting at `at`: an object or array with its nesting, else up to the next "," or "}". */
function valueEndAt(bytes: Uint8Array, at: number): number {
  let depth = 0;
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = stringEnd(bytes, i) - 1;
      if (depth === 0) return i + 1;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && byte === COMMA) {
      return i;
    }
  }
  throw new SyntaxError('unexpected end of data in a value');
}
