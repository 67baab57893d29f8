// Every setting of the agent: its type, bounds, default and meaning, declared once as a JSON Schema
// and read by every configuration source (file, MDM managed preferences, Windows policy registry,
// environment, flags), by the checks of what the collector pushes, and by the documentation
// (`farmwatch-agent config --help` prints settingsHelp()). Besides JSON Schema's own keywords a
// setting may carry `unit` (what its numbers count) and `hint` (what a valid text looks like), for
// the messages.
import { platform } from 'node:os';
import { join } from 'node:path';

/** One setting's schema: the subset of JSON Schema the settings use, plus `unit` and `hint`. */
export interface SettingSchema {
  type: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  description: string;
  default?: unknown;
  minLength?: number;
  pattern?: string;
  hint?: string;
  minimum?: number;
  maximum?: number;
  unit?: string;
  enum?: readonly string[];
  items?: { type: 'string' };
  additionalProperties?: { type: 'integer'; minimum: number; maximum: number };
}

const text = (description: string, more: Partial<SettingSchema> = {}): SettingSchema => ({ type: 'string', minLength: 1, description, ...more });
const names = (description: string): SettingSchema => ({ type: 'array', items: { type: 'string' }, default: [], description });
const whole = (min: number, max: number, unit: string, dflt: number, description: string): SettingSchema =>
  ({ type: 'integer', minimum: min, maximum: max, unit, default: dflt, description });

export const SETTINGS_SCHEMA = {
  $id: 'https://farmwatch.invalid/schemas/agent-settings.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    server: text('the collector', { pattern: '^([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+\\]):\\d{1,5}$', hint: 'HOST:PORT, e.g. collector.example.com:7443' }),
    state_dir: text('where the agent keeps its identity, spool and state'),
    ca_file: text('the collector CA certificate (PEM); default <state_dir>/identity/ca.pem, pinned at enrollment'),
    cert_file: text('this agent\'s client certificate (PEM); default <state_dir>/identity/agent.pem'),
    key_file: text('this agent\'s private key (PEM); default <state_dir>/identity/agent-key.pem'),
    enroll_token_file: text('a one-time enrollment token to enroll with at start when not enrolled yet'),
    heartbeat_interval_s: whole(1, 3600, 'seconds', 60, 'time between heartbeats'),
    sensor_intervals: {
      type: 'object', additionalProperties: { type: 'integer', minimum: 1, maximum: 86_400 }, unit: 'seconds', default: {},
      description: 'per-sensor run interval, e.g. {"processes": 60}',
    },
    disabled_sensors: names('sensors that do not run'),
    spool_max_mb: whole(1, 4096, 'MB', 50, 'bound on events waiting for the collector; above it the oldest low-priority ones go'),
    watchdog_memory_mb: whole(50, 4096, 'MB', 200, 'the agent restarts itself above this resident memory'),
    watchdog_cpu_percent: whole(1, 100, 'percent of one core', 10, 'sustained CPU above this (over a minute) slows sensors down, then restarts'),
    sanctioned_tools: names('catalog ids of the company\'s own remote-access tools (reported, not alerted)'),
    sanctioned_vpns: names('catalog ids of the company\'s own VPN clients'),
    packet_capture: { type: 'boolean', default: false, description: 'classify VPN and remote-desktop flows from packets (needs libpcap and capture rights)' },
    packet_capture_interface: text('interface to capture on (default: all)'),
    log_level: { type: 'string', enum: ['debug', 'info', 'warn', 'error'], default: 'info', description: 'how much the agent logs' },
  } satisfies Record<string, SettingSchema>,
} as const;

export type SettingKey = keyof typeof SETTINGS_SCHEMA.properties;
export const SETTING_KEYS = Object.keys(SETTINGS_SCHEMA.properties) as SettingKey[];

export function settingSchema(key: string): SettingSchema | undefined {
  return Object.hasOwn(SETTINGS_SCHEMA.properties, key) ? (SETTINGS_SCHEMA.properties as Record<string, SettingSchema>)[key] : undefined;
}

export interface AgentConfig {
  server: string | undefined;
  state_dir: string;
  ca_file: string;
  cert_file: string;
  key_file: string;
  enroll_token_file: string | undefined;
  heartbeat_interval_s: number;
  sensor_intervals: Record<string, number>;
  disabled_sensors: string[];
  spool_max_mb: number;
  watchdog_memory_mb: number;
  watchdog_cpu_percent: number;
  sanctioned_tools: string[];
  sanctioned_vpns: string[];
  packet_capture: boolean;
  packet_capture_interface: string | undefined;
  log_level: 'debug' | 'info' | 'warn' | 'error';
}

function defaultStateDir(): string {
  const p = platform();
  if (p === 'darwin') return '/Library/Application Support/farmwatch';
  if (p === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'farmwatch');
  return '/var/lib/farmwatch';
}

/** Defaults: the schema's, and the identity files under state_dir unless set; in the schema's order. */
export function defaults(stateDir = defaultStateDir()): AgentConfig {
  const derived: Record<string, unknown> = {
    server: undefined,
    state_dir: stateDir,
    ca_file: join(stateDir, 'identity', 'ca.pem'),
    cert_file: join(stateDir, 'identity', 'agent.pem'),
    key_file: join(stateDir, 'identity', 'agent-key.pem'),
    enroll_token_file: undefined,
    packet_capture_interface: undefined,
  };
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, k in derived ? derived[k] : structuredClone(settingSchema(k)?.default)])) as unknown as AgentConfig;
}

/** What a setting must be, in words: "a whole number of seconds from 1 to 3600". */
export function expected(s: SettingSchema): string {
  if (s.enum) return `one of ${s.enum.join(', ')}`;
  switch (s.type) {
    case 'integer': return `a whole number of ${s.unit ?? ''} from ${s.minimum ?? ''} to ${s.maximum ?? ''}`;
    case 'boolean': return 'true or false';
    case 'array': return 'a list of names (an array, or comma-separated text)';
    case 'object': return `a map of name to ${s.unit ?? 'number'} (an object, or name=value pairs separated by commas)`;
    case 'string': return s.hint ?? 'a non-empty string';
  }
}

/** Type and bounds in a few characters, for the settings table of `config --help`. */
function shortType(s: SettingSchema): string {
  if (s.enum) return s.enum.join('|');
  switch (s.type) {
    case 'integer': return `${s.minimum ?? ''}..${s.maximum ?? ''} ${s.unit ?? ''}`;
    case 'object': return `map name -> ${s.additionalProperties?.minimum ?? ''}..${s.additionalProperties?.maximum ?? ''} ${s.unit ?? ''}`;
    case 'array': return 'list';
    case 'boolean': return 'true|false';
    case 'string': return s.hint ?? 'text';
  }
}

/** The settings table of `farmwatch-agent config --help`: key, type and bounds, default, meaning. */
export function settingsHelp(): string {
  return Object.entries(SETTINGS_SCHEMA.properties as Record<string, SettingSchema>).map(([key, s]) => {
    const d = s.default;
    const dflt = typeof d === 'number' || typeof d === 'boolean' || typeof d === 'string' ? ` (default ${String(d)})` : '';
    return `  ${key.padEnd(26)} ${shortType(s).padEnd(44)} ${s.description}${dflt}`;
  }).join('\n');
}
