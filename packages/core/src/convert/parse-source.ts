import { parse, type ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';
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

function pluginsFor(path: string): ParserPlugin[] {
  const typescript = /\.[cm]?tsx?$/i.test(path);
  const jsx = /\.(jsx|tsx)$/i.test(path);
  const plugins = [...ISTANBUL_DEFAULT_PLUGINS];
  if (typescript) plugins.push('typescript', 'decorators-legacy');
  if (jsx) plugins.push('jsx');
  return plugins;
}

/**
 * Parses an original source file the way nyc and Jest hand it to istanbul-lib-instrument:
 * as a module first (nyc's `esModules: true`), else as a script; `return` allowed at top level
 * (CommonJS). Comments are attached, since ignore hints live in them.
 */
export function parseSource(code: string, path: string): File {
  const plugins = pluginsFor(path);
  const attempt = (sourceType: 'module' | 'script', extra: ParserPlugin[] = []): File =>
    parse(code, {
      sourceType,
      sourceFilename: path,
      allowReturnOutsideFunction: true,
      plugins: [...plugins, ...extra],
    });
  const attempts: Array<() => File> = [() => attempt('module'), () => attempt('script')];
  // Plain .js files sometimes hold JSX; try that last so ordinary JS parses exactly as istanbul's defaults do.
  if (!plugins.includes('jsx') && !plugins.includes('typescript')) attempts.push(() => attempt('module', ['jsx']));
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
