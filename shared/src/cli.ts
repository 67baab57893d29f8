// What both command-line programs share: the program shell, on commander. Each command and
// subcommand declares its arguments and options once; help for every level comes from that
// declaration, a misspelled command or option gets a suggestion ("Did you mean --severity?"), and
// `version` / `--version` print the version. Exit codes: 0 fine, 2 usage or other error; a command
// may return its own (`scan` exits 1 when it found something).
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { guardStream } from './terminal-text.js';
import { FARMWATCH_VERSION } from './version.js';

export { Argument, Command, InvalidArgumentError, Option };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "farmwatch-collector alerts list": a command with the commands above it. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's error text on one line, after the program's name: "farmwatch-collector: unknown option '--sevrity' (Did you mean --severity?)". */
function errorLine(program: string, text: string): string {
  return `${program}: ${text.replace(/^error: /, '').replace(/\n\(Did you mean/g, ' (Did you mean').trimEnd()}\n`;
}

/**
 * The root of a program; add commands with `command()`, then `runProgram()`. `version` is what
 * `version` and `--version` print (the farmwatch release unless given).
 */
export function newProgram(name: string, description: string, version = FARMWATCH_VERSION): Command {
  return new Command(name)
    .description(description)
    .usage('<command> [options]')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show the help of a command')
    .configureOutput({ outputError: (text, write) => write(errorLine(name, text)) })
    .exitOverride()
    .showHelpAfterError(`Run \`${name} --help\` for the commands.`)
    .addHelpText('after', `\nRun \`${name} <command> --help\` for a command's options.`);
}

/**
 * A command (or a subcommand of one): `nameAndArgs` as commander takes it ("show <id>"), the line
 * its parent's help lists, and what its own help says (the summary when not given). After a usage
 * error it says which help to read.
 */
export function command(parent: Command, nameAndArgs: string, summary: string, details?: string): Command {
  const cmd = parent.command(nameAndArgs).summary(summary).description(details ?? summary);
  cmd.showHelpAfterError(`Run \`${commandPath(cmd)} --help\` for its usage.`);
  return cmd;
}

/**
 * Refuses a command run without options it needs, naming every one missing ("devices add needs
 * --serial, --timezone"). Checked in the action rather than by commander's mandatory options, so that
 * a misspelled option is reported as such (with its suggestion) rather than as a missing one.
 */
export function requireOptions(cmd: Command, values: object, flags: string[]): void {
  const key = (flag: string): string => flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const missing = flags.filter((f) => (values as Record<string, unknown>)[key(f)] === undefined);
  if (missing.length > 0) throw new UsageError(`${commandPath(cmd).split(' ').slice(1).join(' ')} needs ${missing.join(', ')}: see \`${commandPath(cmd)} --help\``);
}

/** A preAction hook for `requireOptions`: `.hook('preAction', required('--serial', '--timezone'))`. */
export function required(...flags: string[]): (thisCommand: Command, actionCommand: Command) => void {
  return (_self, action) => requireOptions(action, action.opts(), flags);
}

/** What a command's action returns: its exit status. */
export type Action<A extends unknown[]> = (...args: A) => number | Promise<number>;

/** An action for commander that sets the exit status the command returns. */
export function exits<A extends unknown[]>(fn: Action<A>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await fn(...args);
  };
}

/** Parses the command line and runs the command; errors are one line on stderr and exit status 2. */
export function runProgram(program: Command, argv: string[] = process.argv.slice(2)): void {
  // Nothing a laptop or a person typed reaches the terminal as a control character (hostnames,
  // evidence, notes): stdout entirely, stderr but for the CR of progress bars.
  guardStream(process.stdout);
  guardStream(process.stderr, '\r');
  program.command('version').description('print the version').action(() => {
    process.stdout.write(`${program.version() ?? FARMWATCH_VERSION}\n`);
  });
  // Output piped into a program that stops reading (`| head`) ends this one quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  program.parseAsync(argv, { from: 'user' }).catch((err: unknown) => {
    // Commander has written its message (or the help) already.
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`${program.name()}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}

/** Commander parser for a count: a whole number above 0. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('Give a whole number above 0.');
  return Number(value);
}

/** Commander parser for an offset: a whole number, 0 or more. */
export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Give a whole number, 0 or more.');
  return Number(value);
}

/** Commander parser for a repeatable option: every value, in order. */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** "a, b,,c" -> ["a", "b", "c"]. */
export function commaList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
