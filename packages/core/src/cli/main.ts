import { parseArgs } from 'node:util';
import { asMonocovError } from '../errors';
import { terminalText } from '../escape';
import { TOOL_VERSION } from '../version';
import type { CliContext, Command } from './command';
import { EXIT, exitCodeFor } from './exit-codes';

// Each command's module (and what it needs: Babel for `run`, istanbul's reporters for `merge`)
// is loaded only when that command runs: startup time is paid on every project's test run.
const COMMANDS: Record<string, () => Command> = {
  run: () => (require('./commands/run') as typeof import('./commands/run')).runCommand,
  merge: () => (require('./commands/merge') as typeof import('./commands/merge')).mergeCommand,
  report: () => (require('./commands/report') as typeof import('./commands/report')).reportCommand,
  check: () => (require('./commands/check') as typeof import('./commands/check')).checkCommand,
  ratchet: () => (require('./commands/ratchet') as typeof import('./commands/ratchet')).ratchetCommand,
  'who-tests': () => (require('./commands/who-tests') as typeof import('./commands/who-tests')).whoTestsCommand,
  init: () => (require('./commands/init') as typeof import('./commands/init')).initCommand,
};

let executed: string | undefined;

/** The command this process ran, past its options and help: cli-loader.ts keeps V8's code cache of each. */
export function executedCommand(): string | undefined {
  return executed;
}

const DOCS = 'https://github.com/monocov/monocov/blob/main/docs/troubleshooting.md';

export async function main(argv: string[], given: CliContext = processContext()): Promise<number> {
  // Names in messages and tables come from data and source trees: none may drive the terminal.
  const context: CliContext = { ...given, stdout: terminalSafe(given.stdout), stderr: terminalSafe(given.stderr) };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    context.stdout.write(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    context.stdout.write(`${TOOL_VERSION}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!() : undefined;
  if (!command) {
    context.stderr.write(`monocov: unknown command "${name}"\n\n${helpText()}`);
    return EXIT.usage;
  }
  // `monocov run [options] -- <command...>`: everything after `--` belongs to the test command.
  const separator = rest.indexOf('--');
  const own = separator === -1 ? rest : rest.slice(0, separator);
  const passthrough = separator === -1 ? [] : rest.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: own, options: { help: { type: 'boolean', short: 'h' }, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    context.stderr.write(`monocov ${name}: ${(error as Error).message}\n\n${command.usage}\n`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    context.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  executed = name;
  try {
    return await command.execute({ options: parsed.values, positionals: [...parsed.positionals, ...passthrough] }, context);
  } catch (error) {
    const known = asMonocovError(error);
    if (known) {
      context.stderr.write(`monocov ${name}: ${known.message}\n(see ${DOCS})\n`);
      return exitCodeFor(known.code);
    }
    const stack = error instanceof Error ? (require('./readable-stack') as typeof import('./readable-stack')).readableStack(error) : String(error);
    context.stderr.write(`monocov ${name}: unexpected error, please report it:\n${stack}\n`);
    return EXIT.internal;
  }
}

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command().summary}`);
  return `Usage: monocov <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "monocov <command> --help" for a command's options.\n`;
}

/** A stream whose text has its control characters (but line feed and tab) written visibly. */
function terminalSafe(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  return Object.assign(Object.create(stream) as NodeJS.WritableStream, {
    write: (text: string | Uint8Array, ...rest: unknown[]): boolean =>
      (stream.write as (chunk: string | Uint8Array, ...more: unknown[]) => boolean).call(stream, typeof text === 'string' ? terminalText(text) : text, ...rest),
  });
}

function processContext(): CliContext {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr };
}
