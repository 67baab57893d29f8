// farmwatch-agent run: report this laptop to the collector until stopped.
import { join } from 'node:path';
import { StopReason } from '@farmwatch/proto';
import { builtinCatalog, createLogger, type LogLevel } from '@farmwatch/shared';
import { hostPlatform } from '../sensors/index.js';
import { channelCredentials } from '../transport/credentials.js';
import { MemoryOutbox } from '../transport/outbox.js';
import { Spool } from '../transport/spool/spool.js';
import { lockStateFolder } from '../state/folder-lock.js';
import { Agent } from '../runtime/agent.js';
import { persistedCatalog } from '../runtime/collector-updates.js';
import { SENSOR_TABLE } from '../runtime/sensor-table.js';
import { ConfigError, loadConfig, type AgentConfig } from '../config/index.js';
import { policyFrom } from '../pipeline/policy-file.js';
import { enrollmentRecordNear } from '../enroll/files.js';
import { ensureEnrolled } from '../enroll/ensure.js';
import { helloFromHost } from '../pipeline/to-proto.js';
import { hostSensor, runSensor } from '../sensors/index.js';
import { dirSettings } from './agent-dir.js';
import { checkStateFolder } from '../state/private-folder.js';
import { stateFileNotices } from '../state/no-follow.js';
import { command, exits, Option, positiveInt, UsageError, type Command } from './args.js';

interface RunOptions {
  config?: string; dir?: string; server?: string; ca?: string; cert?: string; key?: string; stateDir?: string; interval?: string; heartbeat?: string;
  sanctioned?: string; policy?: string; root: string; networkProbes: boolean; once?: boolean; timeout: number;
}

/** Flags that are settings, in the names the configuration uses. */
function flagSettings(values: RunOptions): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  const map = { server: 'server', ca: 'ca_file', cert: 'cert_file', key: 'key_file', stateDir: 'state_dir', heartbeat: 'heartbeat_interval_s', sanctioned: 'sanctioned_tools' } as const;
  for (const [flag, key] of Object.entries(map)) if (values[flag as keyof typeof map] !== undefined) s[key] = values[flag as keyof typeof map];
  if (values.interval !== undefined) s.sensor_intervals = Object.fromEntries(SENSOR_TABLE.map((e) => [e.spec.name, values.interval]));
  return s;
}

/** The collector the agent enrolled with, when no server is configured. */
function identityDefaults(config: AgentConfig): AgentConfig {
  if (config.server) return config;
  const record = enrollmentRecordNear(config.cert_file);
  return record ? { ...config, server: record.server } : config;
}

/** What the laptop says it is, for enrollment at start. */
async function helloOf(root: string): Promise<ReturnType<typeof helloFromHost>> {
  const host = await runSensor(hostSensor, { platform: hostPlatform(), root });
  if (host.status !== 'ok') throw new Error(`cannot identify this machine: ${host.reason}`);
  return helloFromHost(host.facts, builtinCatalog().version ?? '', '');
}

async function run(values: RunOptions): Promise<number> {
  const load = (): AgentConfig => identityDefaults(loadConfig({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    flags: { ...dirSettings(values.dir, values.stateDir), ...flagSettings(values) },
  }).config);
  const config = load();
  if (!config.server) {
    throw new UsageError('no collector is configured: set "server" (HOST:PORT) in the configuration file, FARMWATCH_AGENT_SERVER, or --server');
  }
  const log = createLogger('agent', (process.env.FARMWATCH_LOG_LEVEL as LogLevel | undefined) ?? config.log_level);
  stateFileNotices.warn = (message) => log.warn(message);
  // Before anything in it is read or written: the folder must be the agent's alone (--once keeps nothing there).
  if (!values.once) checkStateFolder(config.state_dir);
  const catalog = (values.once ? undefined : persistedCatalog(config.state_dir, config.ca_file, log)) ?? builtinCatalog();
  const policy = policyFrom(values.policy, [], catalog);
  await ensureEnrolled(config, () => helloOf(values.root), log);
  const credentials = channelCredentials({ caFile: config.ca_file, certFile: config.cert_file, keyFile: config.key_file });
  // One agent per state folder: a second one would corrupt the spool (state/folder-lock.ts).
  const lock = values.once ? undefined : lockStateFolder(config.state_dir);
  if (lock) process.once('exit', () => lock.release());
  const outbox = values.once ? new MemoryOutbox() : Spool.open(join(config.state_dir, 'spool'), { maxBytes: config.spool_max_mb * 1048576, log: log.child('spool') });
  let restart: ((reason: string) => void) | undefined;
  const agent = await Agent.create({
    config, credentials, ctx: { platform: hostPlatform(), root: values.root, catalog, noNetworkProbes: !values.networkProbes }, catalog, policy, outbox, log,
    once: values.once ?? false, onceTimeoutMs: values.timeout * 1000,
    onRestart: (reason) => restart?.(reason),
  });
  if (values.once) {
    const delivered = await agent.run();
    if (!delivered) {
      log.error('not everything was acknowledged by the collector before the timeout', { lastError: agent.connection.lastError });
      process.stderr.write(`farmwatch-agent: nothing delivered to ${config.server}: ${agent.connection.lastError ?? 'no answer'}\n`);
    }
    return delivered ? 0 : 2;
  }
  await agent.run();
  return new Promise<number>((resolve) => {
    // 75 (EX_TEMPFAIL): the service manager starts the agent again.
    restart = () => resolve(75);
    const stop = (signal: NodeJS.Signals): void => {
      log.info('stopping', { signal });
      const reason = signal === 'SIGINT' ? StopReason.STOP_REASON_USER : StopReason.STOP_REASON_SERVICE_STOP;
      void agent.stop(reason, `received ${signal}`).then((flushed) => resolve(flushed ? 0 : 2));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.on('SIGHUP', () => {
      try {
        agent.reconfigure(load());
      } catch (err) {
        log.error('the reloaded configuration is not valid; keeping the current one', {
          problems: err instanceof ConfigError ? err.problems : [(err as Error).message],
        });
      }
    });
  });
}

export function runCommand(program: Command): void {
  command(program, 'run', 'stream findings to the collector until stopped',
    'Runs each sensor on its schedule and streams what changes (findings, inventory, co-location observations), heartbeats and health ' +
    'to the collector over one mutual-TLS gRPC stream. Events wait in a durable spool (<state_dir>/spool) until the collector ' +
    'acknowledges them. SIGHUP reloads the configuration; SIGTERM stops after telling the collector why.\n\n' +
    'Settings come from the configuration file, MDM, environment and these flags (see `farmwatch-agent config --help`).')
    .option('--config <file>', 'configuration file (default /etc/farmwatch/agent.json)')
    .option('--dir <dir>', 'the folder `farmwatch-agent enroll --dir` filled (certificate, key, pinned CA, the collector enrolled with); also the state folder unless --state-dir')
    .option('--server <host:port>', 'the collector (default: the one the agent enrolled with)')
    .option('--ca <file>', 'the collector\'s CA certificate (default <state_dir>/identity/ca.pem)')
    .option('--cert <file>', 'this agent\'s client certificate (default <state_dir>/identity/agent.pem)')
    .option('--key <file>', 'this agent\'s key (default <state_dir>/identity/agent-key.pem)')
    .option('--state-dir <dir>', 'identity, spool and state (default /var/lib/farmwatch)')
    .option('--heartbeat <seconds>', 'time between heartbeats')
    .option('--interval <seconds>', 'run every sensor at this interval (default: each sensor\'s own)')
    .option('--sanctioned <ids>', 'catalog ids of the company\'s own remote-access tools')
    .option('--policy <file>', 'company policy: sanctioned tools and VPNs, exceptions (JSON)')
    .option('--once', 'run every sensor once, deliver, exit (0 when the collector acknowledged everything); keeps nothing on disk')
    .option('--timeout <seconds>', 'with --once: how long to keep trying to deliver', positiveInt, 60)
    .option('--no-network-probes', 'send no mDNS query for KVM names on the LAN')
    .addOption(new Option('--root <dir>').default('').hideHelp())
    .action(exits((o: RunOptions) => run(o)));
}
