// Every setting of the agent: its type, bounds, default and meaning. One table, read by every
// configuration source (file, MDM managed preferences, Windows policy registry, environment,
// flags) and by the documentation (`farmwatch-agent config --help` prints it).
import { platform } from 'node:os';
import { join } from 'node:path';

export type SettingType =
  | { kind: 'string'; pattern?: RegExp; hint?: string }
  | { kind: 'int'; min: number; max: number; unit: string }
  | { kind: 'bool' }
  | { kind: 'list' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'intMap'; min: number; max: number; unit: string };

export interface Setting {
  key: string;
  type: SettingType;
  describe: string;
}

function defaultStateDir(): string {
  const p = platform();
  if (p === 'darwin') return '/Library/Application Support/farmwatch';
  if (p === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'farmwatch');
  return '/var/lib/farmwatch';
}

export const SETTINGS = [
  { key: 'server', type: { kind: 'string', pattern: /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}$/, hint: 'HOST:PORT, e.g. collector.example.com:7443' }, describe: 'the collector' },
  { key: 'state_dir', type: { kind: 'string' }, describe: 'where the agent keeps its identity, spool and state' },
  { key: 'ca_file', type: { kind: 'string' }, describe: 'the collector CA certificate (PEM); default <state_dir>/identity/ca.pem, pinned at enrollment' },
  { key: 'cert_file', type: { kind: 'string' }, describe: 'this agent\'s client certificate (PEM); default <state_dir>/identity/agent.pem' },
  { key: 'key_file', type: { kind: 'string' }, describe: 'this agent\'s private key (PEM); default <state_dir>/identity/agent-key.pem' },
  { key: 'enroll_token_file', type: { kind: 'string' }, describe: 'a one-time enrollment token to enroll with at start when not enrolled yet' },
  { key: 'heartbeat_interval_s', type: { kind: 'int', min: 1, max: 3600, unit: 'seconds' }, describe: 'time between heartbeats' },
  { key: 'sensor_intervals', type: { kind: 'intMap', min: 1, max: 86_400, unit: 'seconds' }, describe: 'per-sensor run interval, e.g. {"processes": 60}' },
  { key: 'disabled_sensors', type: { kind: 'list' }, describe: 'sensors that do not run' },
  { key: 'spool_max_mb', type: { kind: 'int', min: 1, max: 4096, unit: 'MB' }, describe: 'bound on events waiting for the collector; above it the oldest low-priority ones go' },
  { key: 'watchdog_memory_mb', type: { kind: 'int', min: 50, max: 4096, unit: 'MB' }, describe: 'the agent restarts itself above this resident memory' },
  { key: 'watchdog_cpu_percent', type: { kind: 'int', min: 1, max: 100, unit: 'percent of one core' }, describe: 'sustained CPU above this (over a minute) slows sensors down, then restarts' },
  { key: 'sanctioned_tools', type: { kind: 'list' }, describe: 'catalog ids of the company\'s own remote-access tools (reported, not alerted)' },
  { key: 'sanctioned_vpns', type: { kind: 'list' }, describe: 'catalog ids of the company\'s own VPN clients' },
  { key: 'packet_capture', type: { kind: 'bool' }, describe: 'classify VPN and remote-desktop flows from packets (needs libpcap and capture rights)' },
  { key: 'packet_capture_interface', type: { kind: 'string' }, describe: 'interface to capture on (default: all)' },
  { key: 'log_level', type: { kind: 'enum', values: ['debug', 'info', 'warn', 'error'] }, describe: 'how much the agent logs' },
] as const satisfies readonly Setting[];

export type SettingKey = (typeof SETTINGS)[number]['key'];

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

/** Defaults; the identity files follow state_dir unless set. */
export function defaults(stateDir = defaultStateDir()): AgentConfig {
  return {
    server: undefined,
    state_dir: stateDir,
    ca_file: join(stateDir, 'identity', 'ca.pem'),
    cert_file: join(stateDir, 'identity', 'agent.pem'),
    key_file: join(stateDir, 'identity', 'agent-key.pem'),
    enroll_token_file: undefined,
    heartbeat_interval_s: 60,
    sensor_intervals: {},
    disabled_sensors: [],
    spool_max_mb: 50,
    watchdog_memory_mb: 200,
    watchdog_cpu_percent: 10,
    sanctioned_tools: [],
    sanctioned_vpns: [],
    packet_capture: false,
    packet_capture_interface: undefined,
    log_level: 'info',
  };
}

export function settingFor(key: string): Setting | undefined {
  return (SETTINGS as readonly Setting[]).find((s) => s.key === key);
}
