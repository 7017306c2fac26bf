// Timing and peak memory of child processes, and the statistics the report quotes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
export const HAVE_GNU_TIME = existsSync(GNU_TIME);
const scratch = mkdtempSync(join(tmpdir(), 'monocov-bench-time-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

/**
 * Runs one command to its end, keeping the tail of its output. Wall time is taken
 * here; peak memory is GNU time's %M: the largest resident set of any single process in the
 * command's tree (the kernel's ru_maxrss of waited-for children), in KB; CPU time is %U + %S,
 * user and system time of the whole tree, which other load on the machine disturbs less than
 * wall time. Returns { ms, rssKB, cpuMs, code, output }.
 */
export function runOnce({ command, args, cwd, env = process.env }) {
  const rssFile = join(scratch, `rss-${counter++}`);
  const [file, argv] = HAVE_GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Only the tail is kept: enough to say why a run failed, and no memory growth on long runs.
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      let rssKB = NaN;
      let cpuMs = NaN;
      if (HAVE_GNU_TIME) {
        try {
          // GNU time writes "Command exited with non-zero status N" first when the command fails.
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          const [rss, user, system] = lines[lines.length - 1].split(' ').map(Number);
          rssKB = rss;
          cpuMs = (user + system) * 1000;
        } catch {
          // killed before time could write: no memory figure
        }
        rmSync(rssFile, { force: true });
      }
      resolve({ ms, rssKB, cpuMs, code: signal ? 128 : code, output });
    });
  });
}

/** Runs steps one after another: total wall and CPU time, the largest peak RSS, the first failure's exit code. */
export async function runSteps(steps) {
  let ms = 0;
  let rssKB = 0;
  let cpuMs = 0;
  let code = 0;
  let failed;
  let lastOutput = '';
  for (const step of steps) {
    const result = await runOnce(step);
    lastOutput = result.output;
    ms += result.ms;
    cpuMs += result.cpuMs;
    rssKB = Math.max(rssKB, result.rssKB);
    if (result.code !== 0 && code === 0) {
      code = result.code;
      failed = { step, output: result.output };
    }
  }
  return { ms, rssKB, cpuMs, code, failed, lastOutput };
}

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rotation `index` of the variants: every variant takes every position across repetitions. */
export function rotate(items, index) {
  const shift = index % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
