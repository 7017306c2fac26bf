/** The shapes NODE_V8_COVERAGE writes (one `coverage-*.json` per process or worker thread). */

export interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}

export interface V8FunctionCoverage {
  functionName: string;
  /** The first range is the whole function; any further ones are blocks inside it. */
  ranges: V8Range[];
  /** false: the function has a call count only (it never ran, or ran before block coverage was on). */
  isBlockCoverage: boolean;
}

export interface V8ScriptCoverage {
  scriptId: string;
  url: string;
  functions: V8FunctionCoverage[];
}

/** What Node records, per script URL, of a source map it found in a script it compiled. */
export interface SourceMapCacheEntry {
  /** Length of every line of the executed code (split on \n, \u2028, \u2029), so offsets can become line/column without the code. */
  lineLengths: number[];
  /** The parsed source map. */
  data: unknown;
  /** URL of the map file, or null for an inline map. */
  url?: string | null;
}

export interface V8RawFile {
  result: V8ScriptCoverage[];
  'source-map-cache'?: Record<string, SourceMapCacheEntry>;
}
