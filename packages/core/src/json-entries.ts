import { readSync } from 'node:fs';

/**
 * The entries of a JSON object too large to be one string: V8 caps a string at about 512 MiB, so
 * a merged coverage-final.json of some 2,500 projects can be written (entry by entry) but not read
 * back with JSON.parse, nor, past 2 GiB, read into one buffer. This finds each top-level entry's
 * bytes and parses entries one at a time, from bytes in memory or from a file read a chunk at a
 * time. Quotes, backslashes and brackets are ASCII and never part of a multi-byte UTF-8 sequence,
 * so the scan works on the bytes as they are. Errors name the byte offset; JSON.parse checks each entry.
 */
export function* jsonObjectEntries(bytes: Uint8Array): Generator<[string, unknown]> {
  for (const [key, value] of scanEntries(new ByteWindow(bytes))) yield [key, value];
}

/** jsonObjectEntries of an open file, read from its start a chunk at a time; each entry comes with the size in bytes of its value's JSON. */
export function jsonObjectEntriesOfFile(fd: number): Generator<[string, unknown, number]> {
  return scanEntries(new ByteWindow(new Uint8Array(0), fd));
}

/** Bytes read from a file at a time; an entry longer than this makes the window grow to hold it. */
const CHUNK = 4 * 2 ** 20;

/** The bytes at hand: all of them, or a file's read so far and not yet dropped. */
class ByteWindow {
  /** Offset in the data of `bytes[0]`. */
  offset = 0;
  length: number;
  private read = 0;

  constructor(
    public bytes: Uint8Array,
    private readonly fd?: number,
  ) {
    this.length = bytes.length;
  }

  /** Reads more, keeping the bytes from offset `keep` on; false at the end of the data. */
  fill(keep: number): boolean {
    if (this.fd === undefined) return false;
    const from = keep - this.offset;
    const kept = this.length - from;
    const target = kept + CHUNK > this.bytes.length ? new Uint8Array(Math.max(CHUNK, 2 * kept) + CHUNK) : this.bytes;
    target.set(this.bytes.subarray(from, this.length), 0);
    const count = readSync(this.fd, target, kept, target.length - kept, this.read);
    this.read += count;
    this.offset = keep;
    this.bytes = target;
    this.length = kept + count;
    return count > 0;
  }

  at(offset: number): number | undefined {
    return offset < this.offset + this.length ? this.bytes[offset - this.offset] : undefined;
  }

  text(start: number, end: number): string {
    return decoder.decode(this.bytes.subarray(start - this.offset, end - this.offset));
  }
}

/** A scan that reached the end of the bytes at hand without an answer. */
const MORE = -1;

type Scan = (bytes: Uint8Array, at: number, end: number) => number;

function* scanEntries(window: ByteWindow): Generator<[string, unknown, number]> {
  /** `scan` from offset `from`, reading more as it needs (bytes before `from` may be dropped); at the end of the data, `atEnd`. */
  const find = (scan: Scan, from: number, atEnd: () => number): number => {
    for (;;) {
      const found = scan(window.bytes, from - window.offset, window.length);
      if (found !== MORE) return found + window.offset;
      if (!window.fill(from)) return atEnd();
    }
  };
  const end = (): number => window.offset + window.length;
  const space = (from: number): number => find(skipSpace, from, end);
  const expect = (at: number, byte: number, what: string): void => {
    if (window.at(at) !== byte) throw new SyntaxError(at >= end() ? `unexpected end of data, expected ${what}` : `expected ${what} at byte ${at}`);
  };
  const expectEnd = (from: number): void => {
    const at = space(from);
    if (at < end()) throw new SyntaxError(`unexpected data after the object at byte ${at}`);
  };

  let at = space(0);
  expect(at, OPEN_BRACE, 'an object');
  at = space(at + 1);
  if (window.at(at) === CLOSE_BRACE) return expectEnd(at + 1);
  for (;;) {
    expect(at, QUOTE, 'a key');
    const keyEnd = find(stringEnd, at, () => {
      throw new SyntaxError('unexpected end of data in a string');
    });
    const key = JSON.parse(window.text(at, keyEnd)) as string;
    at = space(keyEnd);
    expect(at, COLON, '":"');
    const valueStart = space(at + 1);
    const valueEnd = find(valueEndAt, valueStart, () => {
      throw new SyntaxError('unexpected end of data in a value');
    });
    yield [key, JSON.parse(window.text(valueStart, valueEnd)), valueEnd - valueStart];
    at = space(valueEnd);
    if (window.at(at) === CLOSE_BRACE) return expectEnd(at + 1);
    expect(at, COMMA, '"," or "}"');
    at = space(at + 1);
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

/** The first byte from `at` that is not JSON whitespace (space, tab, line feed, carriage return). */
function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  while (at < end && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) at++;
  return at < end ? at : MORE;
}

/** Just past the string starting at `at` (its opening quote). */
function stringEnd(bytes: Uint8Array, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    if (bytes[i] === BACKSLASH) i++;
    else if (bytes[i] === QUOTE) return i + 1;
  }
  return MORE;
}

/** Just past the value starting at `at`: an object or array with its nesting, else up to the next "," or "}". */
function valueEndAt(bytes: Uint8Array, at: number, end: number): number {
  let depth = 0;
  for (let i = at; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      const after = stringEnd(bytes, i, end);
      if (after === MORE) return MORE;
      i = after - 1;
      if (depth === 0) return after;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && byte === COMMA) {
      return i;
    }
  }
  return MORE;
}
