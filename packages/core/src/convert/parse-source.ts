import type { ParserOptions, ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';
import { loadBabelParser } from '../v8-code-cache';
import { DataError } from '../errors';

/** istanbul-lib-instrument's default parser plugins (from @istanbuljs/schema), which nyc and Jest use. */
const ISTANBUL_DEFAULT_PLUGINS: ParserPlugin[] = [
  'asyncGenerators',
  'bigInt',
  'classProperties',
  'classPrivateProperties',
  'classPrivateMethods',
  'dynamicImport',
  'importMeta',
  'numericSeparator',
  'objectRestSpread',
  'optionalCatchBinding',
  'topLevelAwait',
];

/** Text in every hint read from nodes: istanbul's `ignore next|if|else|file`, or c8's, v8's, node:coverage's spelling of it. */
const MAY_HOLD_HINT = /(?:istanbul|c8|v8|node:coverage)\s+ignore/;

function pluginsFor(path: string): ParserPlugin[] {
  const typescript = /\.[cm]?tsx?$/i.test(path);
  const jsx = /\.(jsx|tsx)$/i.test(path);
  const plugins = [...ISTANBUL_DEFAULT_PLUGINS];
  if (typescript) plugins.push('typescript', 'decorators-legacy');
  if (jsx) plugins.push('jsx');
  return plugins;
}

let babelParse: ((code: string, options: ParserOptions) => File) | undefined;

function parse(code: string, options: ParserOptions): File {
  babelParse ??= loadBabelParser().parse;
  return babelParse(code, options);
}

/**
 * Parses an original source file the way nyc and Jest hand it to istanbul-lib-instrument:
 * as a module first (nyc's `esModules: true`), else as a script; `return` allowed at top level
 * (CommonJS). Comments are attached, since ignore hints live in them.
 */
export function parseSource(code: string, path: string): File {
  const plugins = pluginsFor(path);
  // Ignore hints are the only comments read from nodes; attaching comments to nodes is a good
  // part of Babel's work on commented code, so it is skipped where no hint can be.
  const attachComment = MAY_HOLD_HINT.test(code);
  const attempt = (sourceType: 'module' | 'script', extra: ParserPlugin[] = []): File =>
    parse(code, {
      sourceType,
      sourceFilename: path,
      allowReturnOutsideFunction: true,
      attachComment,
      plugins: [...plugins, ...extra],
    });
  const attempts: Array<() => File> = [() => attempt('module'), () => attempt('script')];
  // Syntax istanbul's defaults reject, tried last so that everything else parses exactly as istanbul
  // parses it: JSX in .js files, TC39 decorators (`accessor` fields) instead of TypeScript's legacy ones.
  if (!plugins.includes('jsx') && !plugins.includes('typescript')) attempts.push(() => attempt('module', ['jsx']));
  const modernDecorators = (extra: ParserPlugin[]) =>
    parse(code, {
      sourceType: 'module',
      sourceFilename: path,
      allowReturnOutsideFunction: true,
      attachComment,
      plugins: [...plugins.filter((plugin) => plugin !== 'decorators-legacy'), ['decorators', {}], 'decoratorAutoAccessors', ...extra],
    });
  attempts.push(() => modernDecorators([]));
  let firstError: unknown;
  for (const run of attempts) {
    try {
      return run();
    } catch (error) {
      firstError ??= error;
    }
  }
  const reason = firstError instanceof Error ? firstError.message : String(firstError);
  throw new DataError(`cannot parse ${path} to measure its coverage: ${reason}. Omit it in .coveragerc.json (run.omit) if it is not source code.`, path);
}
