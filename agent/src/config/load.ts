// The agent's configuration, from every source, in this order (later wins):
//   1. defaults (schema.ts)
//   2. the configuration file (/etc/farmwatch/agent.json; --config FILE)
//   3. MDM-managed settings: macOS managed preferences (domain com.farmwatch.agent) or the Windows
//      policy key HKLM\Software\Policies\farmwatch
//   4. environment variables FARMWATCH_AGENT_<SETTING>
//   5. command-line flags
// Every source is checked as a whole: all problems are reported at once, each naming its source,
// its key and the fix.
import { platform as osPlatform } from 'node:os';
import { join } from 'node:path';
import { defaults, type AgentConfig } from './schema.js';
import { ConfigError, validateSource } from './validate.js';
import { readConfigFile, type SourceValues } from './sources/file.js';
import { readEnvironment, envName } from './sources/env.js';
import { readMacosManaged } from './sources/macos-managed.js';
import { readWindowsPolicy } from './sources/windows-policy.js';

export const DEFAULT_CONFIG_FILE = osPlatform() === 'win32'
  ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'farmwatch', 'agent.json')
  : '/etc/farmwatch/agent.json';

export interface LoadOptions {
  /** An explicit file must exist; the default one may be absent. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
  /** The MDM source; defaults to the one for this platform. Tests pass recorded values. */
  managed?: () => SourceValues;
}

export interface LoadedConfig {
  config: AgentConfig;
  /** For each setting that is not a default, the source it came from. */
  origins: Record<string, string>;
}

function managedForPlatform(): SourceValues {
  const p = osPlatform();
  if (p === 'darwin') return readMacosManaged();
  if (p === 'win32') return readWindowsPolicy();
  return { name: 'managed settings', values: {}, problems: [] };
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const sources: SourceValues[] = [
    readConfigFile(opts.configFile ?? DEFAULT_CONFIG_FILE, opts.configFile !== undefined),
    (opts.managed ?? managedForPlatform)(),
    readEnvironment(opts.env ?? process.env),
    { name: 'command line', values: opts.flags ?? {}, problems: [] },
  ];
  const merged: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of sources) {
    problems.push(...source.problems);
    const origin = source.name === 'environment' ? (key: string) => envName(key)
      : source.name === 'command line' ? (key: string) => `--${key.replace(/_/g, '-')}`
        : () => source.name;
    const { settings, problems: p } = validateSource(source.values, origin);
    problems.push(...p);
    for (const [k, v] of Object.entries(settings)) {
      merged[k] = v;
      origins[k] = source.name;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const base = defaults(typeof merged.state_dir === 'string' ? merged.state_dir : undefined);
  return { config: { ...base, ...merged }, origins };
}
