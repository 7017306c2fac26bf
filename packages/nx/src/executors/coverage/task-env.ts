import type { ProjectGraph } from 'nx/src/devkit-exports';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface TaskCoordinates {
  project: string;
  target: string;
  configuration: string | undefined;
}

/** Nx's own functions for a task's .env files (nx/src/tasks-runner/task-env.ts, the same in Nx 22 to 24). */
interface NxTaskEnv {
  getEnvFilesForTask(task: { target: TaskCoordinates; projectRoot: string }, graph: ProjectGraph): string[];
  loadAndExpandDotEnvFile(file: string, env: NodeJS.ProcessEnv): unknown;
  unloadDotEnvFile(file: string, env: NodeJS.ProcessEnv): void;
}

export interface EnvChange {
  set: Record<string, string>;
  unset: string[];
}

/**
 * What turns this process's environment, which Nx made for the coverage task, into the one Nx
 * gives the test task: the coverage task's .env files (`.env.coverage`, …) taken out, the test
 * task's (`.env.test.<configuration>`, `.env.test`, …, `.env`, project folder then workspace
 * root, first file wins) loaded in, by Nx's own functions and in Nx's order. Nothing changes when
 * Nx loads no .env files (NX_LOAD_DOT_ENV_FILES=false) or runs outside a task graph.
 */
export function testTaskEnv(args: {
  workspaceRoot: string;
  projectRoot: string;
  graph: ProjectGraph | undefined;
  coverageTask: TaskCoordinates;
  testTask: TaskCoordinates;
}): EnvChange {
  const { workspaceRoot, projectRoot, graph, coverageTask, testTask } = args;
  if (process.env.NX_LOAD_DOT_ENV_FILES !== 'true' || graph === undefined) return { set: {}, unset: [] };
  if (!mayHaveEnvFiles(workspaceRoot, projectRoot, graph, [coverageTask, testTask])) return { set: {}, unset: [] };
  const nx: NxTaskEnv = require('nx/src/tasks-runner/task-env');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const file of nx.getEnvFilesForTask({ target: coverageTask, projectRoot }, graph)) nx.unloadDotEnvFile(join(workspaceRoot, file), env);
  for (const file of nx.getEnvFilesForTask({ target: testTask, projectRoot }, graph)) nx.loadAndExpandDotEnvFile(join(workspaceRoot, file), env);
  const set = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && process.env[entry[0]] !== entry[1]));
  return { set, unset: Object.keys(process.env).filter((name) => env[name] === undefined) };
}

/**
 * Whether any .env file of these tasks may exist, told from the two folders' names alone: Nx's module
 * (with dotenv) is loaded only then, a few ms of every task otherwise. Nx names each file
 * `.env…` or `….env` in the project folder or the workspace root (`.env.test.ci`, `.test.local.env`,
 * nx/src/tasks-runner/task-env-paths.ts), there itself unless a target or configuration name holds a
 * path separator: then Nx is asked.
 */
function mayHaveEnvFiles(workspaceRoot: string, projectRoot: string, graph: ProjectGraph, tasks: readonly TaskCoordinates[]): boolean {
  const targets = Object.values(graph.nodes[tasks[0]!.project]?.data.targets ?? {});
  const names = [...tasks.flatMap((task) => [task.target, task.configuration]), ...targets.map((target) => target.metadata?.nonAtomizedTarget as unknown)];
  if (names.some((name) => typeof name === 'string' && /[\\/]/.test(name))) return true;
  return [join(workspaceRoot, projectRoot), workspaceRoot].some((folder) => {
    try {
      return readdirSync(folder).some((name) => name.startsWith('.env') || name.endsWith('.env'));
    } catch {
      return true;
    }
  });
}
