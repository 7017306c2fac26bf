'use strict';
// How monocov's coverage flags join the arguments a Jest or Vitest CLI was started with, in the
// runner's own process (runner-argv.cjs), so whatever wrapper started it (npm test, pnpm -r, npx,
// `tsc && vitest`) the runner sees one command line. A flag the user's command gives already is
// replaced, never repeated: Vitest refuses a single-valued option given twice (`Expected a single
// value for option "--run"`), and a user's `--coverage.enabled=false` must not switch monocov's
// coverage off. Flags go before a `--`, after
// which both CLIs read only test names. A command that watches for changes never ends, so it is
// refused with the change to make. Plain CommonJS without dependencies; see docs/runners.md.

/**
 * What each runner's CLI parser reads as one flag. `owns` lists, per flag monocov sets, the user's
 * flags it replaces (a name ending in `.` replaces every flag below it too); `valued` the flags
 * among those that read the next argument when written without `=`; `greedy` those that read every
 * following argument up to the next flag (yargs arrays).
 */
const SYNTAX = {
  jest: {
    // yargs reads `--coverage-directory` as `--coverageDirectory`.
    normalize: (name) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase()),
    owns: { coverage: ['coverage', 'collectCoverage'] },
    valued: ['coverageReporters', 'collectCoverageFrom', 'coveragePathIgnorePatterns', 'coverageThreshold', 'coverageProvider'],
    greedy: ['coverageReporters', 'coveragePathIgnorePatterns'],
  },
  vitest: {
    // cac camel-cases the first segment only: `--coverage.reportsDirectory`, `--report-on-failure`.
    normalize: (name) => name.replace(/^[^.]*/, (first) => first.replace(/([a-z])-([a-z])/g, (_, a, b) => a + b.toUpperCase())),
    // `--coverage` and `--coverage=false` are `coverage.enabled` written short.
    owns: { 'coverage.enabled': ['coverage', 'coverage.enabled'], 'coverage.thresholds': ['coverage.thresholds', 'coverage.thresholds.'] },
    valued: [
      'coverage.reporter',
      'coverage.include',
      'coverage.exclude',
      'coverage.reportsDirectory',
      'coverage.provider',
      'coverage.thresholds.lines',
      'coverage.thresholds.functions',
      'coverage.thresholds.branches',
      'coverage.thresholds.statements',
      'coverage.thresholds.autoUpdate',
    ],
    greedy: [],
  },
};

/**
 * The runner's arguments with monocov's flags merged in: `{ args }`, or `{ watchMode }` (the
 * argument that asks for it) for a command that would never end; monocov words the message.
 * `flags`: flag name (without `--`) → true, a string, or an array (one flag per item).
 */
function mergeRunnerArgs(runner, args, flags) {
  const syntax = SYNTAX[runner];
  const split = args.indexOf('--');
  const head = split === -1 ? args : args.slice(0, split);
  const tail = split === -1 ? [] : args.slice(split);
  const watchMode = watchArgument(runner, head, syntax);
  if (watchMode !== undefined) return { watchMode };

  const ours = { ...flags };
  // `vitest run` is one run already; `--run` beside it would say so twice.
  if (runner === 'vitest' && head[0] === 'run') delete ours.run;
  const replaced = (name) => Object.keys(flags).some((flag) => (syntax.owns[flag] || [flag]).some((owned) => (owned.endsWith('.') ? name.startsWith(owned) : name === owned)));

  const kept = [];
  for (let index = 0; index < head.length; index++) {
    const flag = parseFlag(head[index], syntax);
    if (flag === undefined || !replaced(flag.name)) {
      kept.push(head[index]);
      continue;
    }
    // The user's own value of a flag monocov sets goes with it.
    if (flag.value === undefined && !flag.negated && syntax.valued.includes(flag.name)) {
      const greedy = syntax.greedy.includes(flag.name);
      while (index + 1 < head.length && !head[index + 1].startsWith('-')) {
        index++;
        if (!greedy) break;
      }
    }
  }
  return { args: [...kept, ...flagsToArgs(ours), ...tail] };
}

/** `--name`, `--name=value`, one `--name=item` per array item. */
function flagsToArgs(flags) {
  return Object.entries(flags).flatMap(([name, value]) => {
    if (value === true) return [`--${name}`];
    if (Array.isArray(value)) return value.map((item) => `--${name}=${item}`);
    return [`--${name}=${String(value)}`];
  });
}

/** A long flag's name as the runner reads it, whether it is negated, and its `=` value; undefined for anything else. */
function parseFlag(arg, syntax) {
  const match = /^--(no-)?([^=]+)(?:=(.*))?$/s.exec(arg);
  if (!match) return undefined;
  return { name: syntax.normalize(match[2]), negated: match[1] !== undefined, value: match[3] };
}

const WATCH_FLAGS = { jest: ['watch', 'watchAll'], vitest: ['watch'] };

/** The argument that puts the runner in watch mode, if one does. */
function watchArgument(runner, head, syntax) {
  if (runner === 'vitest' && (head[0] === 'watch' || head[0] === 'dev')) return head[0];
  return head.find((arg) => {
    if (runner === 'vitest' && arg === '-w') return true;
    const flag = parseFlag(arg, syntax);
    return flag !== undefined && !flag.negated && WATCH_FLAGS[runner].includes(flag.name) && flag.value !== 'false';
  });
}

module.exports = { mergeRunnerArgs, flagsToArgs };
