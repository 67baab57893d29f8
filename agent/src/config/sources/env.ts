// Settings from the environment: FARMWATCH_AGENT_<SETTING> (FARMWATCH_AGENT_SERVER,
// FARMWATCH_AGENT_HEARTBEAT_INTERVAL_S, ...). Other FARMWATCH_* variables belong to other tools.
import type { SourceValues } from './file.js';

const PREFIX = 'FARMWATCH_AGENT_';

export function readEnvironment(env: NodeJS.ProcessEnv): SourceValues {
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || value === undefined) continue;
    values[name.slice(PREFIX.length).toLowerCase()] = value;
  }
  return { name: 'environment', values, problems: [] };
}

export const envName = (key: string): string => `${PREFIX}${key.toUpperCase()}`;
