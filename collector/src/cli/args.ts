// Command-line parsing for the collector's commands, with errors that say how to get help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { userInfo } from 'node:os';

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

/** Who runs a CLI command, for the audit log. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function positiveInt(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${flag} must be a whole number above 0, not "${v}"`);
  return Number(v);
}

export const iso = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : '-');
