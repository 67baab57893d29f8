// Command-line parsing for the collector's commands, with errors that say how to get help.
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

export const DEFAULT_DB = process.env.FARMWATCH_DB ?? 'var/collector.db';
