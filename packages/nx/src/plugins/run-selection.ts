import { readCachedProjectGraph, type PreTasksExecution, type ProjectGraphProjectNode } from 'nx/src/devkit-exports';
import { findMatchingProjects } from 'nx/src/utils/find-matching-projects';
import { projectDataDir } from '@monocov/core';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COVERAGE_EXECUTOR } from './coverage-target';
import { notSelectedEnvName, type NotSelected } from './left-out';
import { configuredDataDir, type MonocovPluginOptions } from './plugin';

/**
 * `nx run-many -t coverage --exclude=…` (or `--projects=…`) must not measure the projects the user
 * left out, yet the merge depends on every coverage task (`^coverage`, so that `nx affected` brings
 * the data of unaffected projects back from the cache), and Nx runs whatever a task depends on.
 * Nx's graph cannot tell a dependency the user left out from one that is merely unaffected; the
 * command line can. So before the tasks run, this hook names each coverage task the user left out
 * in an environment variable of its own, which the task's inputs include and its executor reads:
 * such a task restores its data from the cache when Nx has it, and otherwise runs no tests and
 * leaves the data on disk for the merge to carry forward. The variable's value is a hash of that
 * data, so that a cached no-op restores exactly what is there and never an older data set.
 */
export const preTasksExecution: PreTasksExecution<MonocovPluginOptions> = (_options, context) => {
  const selection = selectionOf(context.argv);
  if (!selection) return;
  let nodes: Record<string, ProjectGraphProjectNode>;
  try {
    nodes = readCachedProjectGraph().nodes;
  } catch {
    return; // no graph to match the patterns against: the run goes on as Nx plans it
  }
  const selected = selection.projects ? new Set(findMatchingProjects(selection.projects, nodes)) : undefined;
  const excluded = new Set(findMatchingProjects(selection.exclude, nodes));
  const dataDir = configuredDataDir(context.workspaceRoot);
  for (const [name, node] of Object.entries(nodes)) {
    const measured = Object.values(node.data.targets ?? {}).some((target) => target.executor === COVERAGE_EXECUTOR);
    if (!measured || (!excluded.has(name) && (selected === undefined || selected.has(name)))) continue;
    const value: NotSelected = { root: node.data.root, data: folderHash(projectDataDir(context.workspaceRoot, dataDir, node.data.root)) };
    // An assignment: Nx records what the hook sets and applies it to the process that runs the tasks.
    process.env[notSelectedEnvName(node.data.root)] = JSON.stringify(value);
  }
};

interface Selection {
  /** `--projects` patterns of run-many; undefined: every project. */
  projects: string[] | undefined;
  exclude: string[];
}

/**
 * The project patterns of `nx run-many` / `nx affected` as Nx reads them (`--exclude=a,b`, `--exclude a b`, `--projects`, `-p`);
 * undefined for other commands or without any.
 */
function selectionOf(argv: readonly string[]): Selection | undefined {
  const end = argv.indexOf('--');
  const args = argv.slice(2, end === -1 ? undefined : end);
  const command = args.find((arg) => !arg.startsWith('-'));
  if (command !== 'run-many' && command !== 'affected') return undefined;
  const values = (names: string[]): string[] | undefined => {
    const found: string[] = [];
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      const name = names.find((candidate) => arg === candidate || arg.startsWith(`${candidate}=`));
      if (name === undefined) continue;
      let value = arg.slice(name.length + 1);
      if (arg === name) {
        // `-p a b c`: Nx takes every argument up to the next option as a value (rewriteTargetsAndProjects in nx/bin/init-local).
        const items: string[] = [];
        while (index + 1 < args.length && !args[index + 1].startsWith('-')) items.push(args[++index]);
        value = items.join(',');
      }
      found.push(
        ...value
          .split(',')
          .map((pattern) => pattern.replace(/^"(.*)"$/, '$1'))
          .filter((pattern) => pattern !== ''),
      );
    }
    return found.length > 0 ? found : undefined;
  };
  // An empty --projects selects every project, as Nx reads it.
  const projects = command === 'run-many' ? values(['--projects', '-p']) : undefined;
  const exclude = values(['--exclude']) ?? [];
  if (projects === undefined && exclude.length === 0) return undefined;
  return { projects, exclude };
}

/** A hash of a folder's files (names and contents); the same for a missing folder and an empty one. */
function folderHash(folder: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else if (entry.isFile()) hash.update(`${prefix}${entry.name}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(folder, '');
  return hash.digest('hex').slice(0, 16);
}
