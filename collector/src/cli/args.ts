// Command-line parsing for the collector's commands, with errors that say how to get help.
import { userInfo } from 'node:os';

export { parse, positiveInt, UsageError } from '@farmwatch/shared';

export const DEFAULT_DB = process.env.FARMWATCH_DB ?? 'var/collector.db';

/** Who runs a CLI command, for the audit log. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}


export const iso = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : '-');
