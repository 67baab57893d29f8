// What both command-line programs share: argument parsing with errors that say how to get help,
// and the program shell (commands by name, version, help, exit codes: 0 fine, 2 error).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FARMWATCH_VERSION } from './version.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse<T extends Options>(argv: string[], options: T, command: string): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun \`${command} --help\` for the options.`);
  }
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a whole number above 0, not "${value}"`);
  return Number(value);
}

export function commaList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export type Command = (argv: string[]) => number | Promise<number>;

/** Runs the command named by the first argument; `help` and `version` are built in. */
export function runProgram(program: string, help: string, commands: Record<string, Command>): void {
  const main = async (argv: string[]): Promise<number> => {
    const [command, ...rest] = argv;
    if (command === 'version' || command === '--version') {
      process.stdout.write(`${FARMWATCH_VERSION}\n`);
      return 0;
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(help);
      return command === undefined ? 2 : 0;
    }
    const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!run) throw new UsageError(`unknown command "${command}"\n\n${help}`);
    return run(rest);
  };
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${program}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
