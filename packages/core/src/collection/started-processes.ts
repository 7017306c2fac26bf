import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessRunning } from '../fs-atomic';
import { HOOKS_DIR } from '../package-dir';

const HOOK_FILE = join(HOOKS_DIR, 'process-start.cjs');

/** The hook's mark of a process that started: `monocov-started-<pid>.json`. */
const MARK_NAME = /^monocov-started-(\d+)\.json$/;
/** Node's raw files (`coverage-<pid>-<ms>-<thread>.json`) and the contexts hook's (`coverage-<pid>-<thread>-take<n>.json`). */
const RAW_NAME = /^coverage-(\d+)-.*\.json$/;

/**
 * The variables that mark each Node process the tests start (hooks/process-start.cjs), given the
 * environment the tests start from: its NODE_OPTIONS are kept after the preload.
 */
export function processStartVariables(rawDir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const preload = `--require ${JSON.stringify(HOOK_FILE)}`;
  const existing = env.NODE_OPTIONS?.trim();
  return { MONOCOV_STARTED_DIR: rawDir, NODE_OPTIONS: existing ? `${preload} ${existing}` : preload };
}

export interface StartedProcess {
  pid: number;
  /** The script it ran (`process.argv[1]`), when its mark says. */
  script: string | undefined;
}

export interface ProcessesWithoutCoverage {
  /** Still running once the tests ended: what they run from now on is never read (and what they ran so far, if they took no coverage). */
  running: StartedProcess[];
  /** Ended without writing coverage, as a process killed by a signal does: none of their hits are known. */
  ended: StartedProcess[];
}

/**
 * The test processes whose coverage is not (all) in what the conversion read (`read`: raw file
 * paths): those marked as started, or that wrote a raw file, that still run or wrote a file the
 * conversion did not read (it came after); and those marked as started that ended without writing
 * one. monocov's own process is never one of them.
 */
export function processesWithoutCoverage(rawDir: string, read: ReadonlySet<string>): ProcessesWithoutCoverage {
  let names: string[];
  try {
    names = readdirSync(rawDir);
  } catch {
    return { running: [], ended: [] };
  }
  const wrote = new Set<number>();
  const late = new Set<number>();
  const started = new Map<number, string | undefined>();
  for (const name of names) {
    const raw = RAW_NAME.exec(name);
    if (raw) wrote.add(Number(raw[1]));
    if (raw && !read.has(join(rawDir, name))) late.add(Number(raw[1]));
    const mark = MARK_NAME.exec(name);
    if (mark) started.set(Number(mark[1]), scriptOf(join(rawDir, name)));
  }
  const running: StartedProcess[] = [];
  const ended: StartedProcess[] = [];
  for (const pid of [...new Set([...started.keys(), ...wrote])].sort((a, b) => a - b)) {
    if (pid === process.pid) continue;
    const entry = { pid, script: started.get(pid) };
    if (late.has(pid) || isProcessRunning(pid)) running.push(entry);
    else if (!wrote.has(pid)) ended.push(entry);
  }
  return { running, ended };
}

function scriptOf(markPath: string): string | undefined {
  try {
    const { script } = JSON.parse(readFileSync(markPath, 'utf8')) as { script?: unknown };
    return typeof script === 'string' ? script : undefined;
  } catch {
    return undefined; // a mark cut short: the pid in its name is enough
  }
}

/** The warnings for processes whose hits are missing, worded the same by every adapter: one line per kind, none when there are none. */
export function processesWithoutCoverageWarnings({ running, ended }: ProcessesWithoutCoverage): string[] {
  const warnings: string[] = [];
  if (running.length > 0) {
    const fix =
      'what they run from now on is missing, and all their hits if they had written none. Make the test command wait for the processes it starts rather than detach them (spawn with detached: true, then unref())';
    warnings.push(`warning: ${running.length} process(es) the tests started were still running when their coverage was read (${named(running)}): ${fix}`);
  }
  if (ended.length > 0) {
    const fix =
      "as a process killed by a signal does: their hits are missing. Stop them so that they exit (call process.exit() in a SIGTERM handler, or end them with a message) rather than kill them (a Playwright webServer: set webServer.gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 }, Playwright 1.50 and later, and let the server exit on SIGTERM; docs/browser.md#the-apps-own-server)";
    warnings.push(`warning: ${ended.length} process(es) the tests started ended without writing their coverage (${named(ended)}), ${fix}`);
  }
  return warnings;
}

/** The first few, by pid and script, escaped: a script's path may hold any character. */
function named(processes: readonly StartedProcess[]): string {
  const shown = processes.slice(0, 3).map(({ pid, script }) => (script === undefined ? `pid ${pid}` : `pid ${pid}: ${JSON.stringify(script)}`));
  return processes.length > 3 ? `${shown.join(', ')} and ${processes.length - 3} more` : shown.join(', ');
}
