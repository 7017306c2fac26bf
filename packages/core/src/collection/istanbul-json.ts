import { DataError } from '../errors';
import { readIstanbulJson } from '../runners';
import { istanbulInputCollection } from './istanbul-input';
import type { RouteCollection, RouteContext } from './route';

/** The istanbul-json route: the tests write istanbul JSON themselves, at `path`; nothing is set up for them. */
export function istanbulJsonCollection(path: string, context: RouteContext): RouteCollection {
  const { workspaceRoot, projectRoot, env } = context;
  // When the tests started: istanbul JSON older than this is from another run. Whole seconds:
  // some file systems keep modification times no finer.
  const started = Math.floor(Date.now() / 1000) * 1000;
  return istanbulInputCollection(context, {
    setup: { env, variables: () => ({}), runnerOptions: () => undefined },
    read: () => readIstanbulJson(path, started, { workspaceRoot, projectRoot }),
    noOutput: () => new DataError(noIstanbulJsonMessage(path), path),
    collector: 'istanbul-json',
  });
}

function noIstanbulJsonMessage(path: string): string {
  return `${path}: the tests passed but wrote no istanbul JSON there during this run; check \`run.istanbulJsonPath\` (relative to the project root) and that the tests write coverage-final.json`;
}
