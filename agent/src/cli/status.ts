// farmwatch-agent status: enrollment, connection, spool depth, last acknowledgement and each
// sensor's state, from the files the running agent keeps in its state folder.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeCertificate, FARMWATCH_VERSION } from '@farmwatch/shared';
import { loadConfig, type AgentConfig } from '../config/index.js';
import { readStatus } from '../runtime/status-file.js';
import { describeCpu } from '../runtime/cpu-sampler.js';
import { checkoutAgentFolder, dirSettings } from './agent-dir.js';
import { command, exits, type Command } from './args.js';

interface StatusOptions { config?: string; dir?: string; stateDir?: string; json?: boolean }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ago = (ms: number | undefined): string => {
  if (ms === undefined) return 'never';
  const s = Math.round((Date.now() - ms) / 1000);
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

/** The configuration status reads, and why that folder when the checkout rule chose it. */
function statusConfig(o: StatusOptions): { config: AgentConfig; chosen?: string } {
  const dir = o.dir ?? o.stateDir;
  const load = (flags: Record<string, unknown>): AgentConfig => loadConfig({ ...(o.config !== undefined ? { configFile: o.config } : {}), flags }).config;
  const config = load(dirSettings(dir, undefined));
  if (dir !== undefined || o.config !== undefined) return { config };
  const checkout = checkoutAgentFolder(config);
  if (checkout === undefined) return { config };
  return { config: load(dirSettings(checkout, undefined)), chosen: `the repository's agent, as \`npm start\` runs it: ${config.state_dir} holds none; --dir DIR reads another` };
}

function status(o: StatusOptions): number {
  const { config, chosen } = statusConfig(o);
  const enrolled = existsSync(config.cert_file) && existsSync(config.key_file);
  const cert = enrolled ? describeCertificate(readFileSync(config.cert_file)) : undefined;
  const status = readStatus(config.state_dir);
  const running = status !== undefined && alive(status.pid) && Date.now() - status.writtenAtMs < 60_000;
  const connected = running && status.connection === 'streaming';
  const report = {
    version: FARMWATCH_VERSION,
    stateDir: config.state_dir,
    ...(chosen ? { stateDirChosen: chosen } : {}),
    server: config.server ?? status?.server ?? null,
    enrolled,
    device: cert ? { id: cert.subjectCommonName, certificateExpires: cert.notAfter.toISOString() } : null,
    running,
    status: status ?? null,
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return connected ? 0 : 1;
  }
  const lines = [
    `farmwatch agent ${FARMWATCH_VERSION} on ${hostname()}, state in ${config.state_dir}${chosen ? ` (${chosen})` : ''}`,
    `  collector   ${config.server ?? status?.server ?? 'not configured (set "server")'}`,
    `  enrolled    ${cert ? `yes, as ${cert.subjectCommonName}; certificate valid until ${cert.notAfter.toISOString()}` : `no (no ${config.cert_file}): run \`farmwatch-agent enroll\``}`,
    `  running     ${running ? `yes, pid ${status.pid}, since ${new Date(status.startedAtMs).toISOString()}` : status ? `no (last seen ${ago(status.writtenAtMs)})` : 'no'}`,
  ];
  if (status) {
    lines.push(
      `  connection  ${running ? status.connection : 'none'}${status.lastError ? ` (last error: ${status.lastError})` : ''}`,
      `  last ack    ${ago(status.lastAckAtMs)} (sequence ${status.lastAckedSequence})`,
      `  spool       ${status.spool.depth} events waiting, ${(status.spool.bytes / 1024).toFixed(0)} KB${status.spool.lastError ? ` — ${status.spool.lastError}` : ''}`,
      `  resources   ${(status.rssBytes / 1048576).toFixed(0)} MB resident, ${describeCpu(status.cpuPermille, status.cpuWindowS ?? 0, status.cpuFromStart)}${status.throttle > 1 ? `, sensors slowed ${status.throttle}x by the watchdog` : ''}`,
      '  sensors',
      ...status.sensors.map((s) => `    ${s.sensor.padEnd(20)} ${s.status.padEnd(12)} ${s.status === 'ok' ? `${s.items} items, ran ${ago(s.lastRunMs)}` : s.reason ?? ''}`),
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  return connected ? 0 : 1;
}

export function statusCommand(program: Command): void {
  command(program, 'status', 'enrollment, connection, spool and sensor states of the running agent',
    'Shows whether this agent is enrolled and running, its connection to the collector, how many events wait in its spool, ' +
    'when the collector last acknowledged, and each sensor\'s state, from the files the running agent keeps in its state folder. ' +
    'Run from a repository checkout with no folder given, it reads the agent `npm start` runs (var/agent) when the system\'s state folder holds none.')
    .option('--config <file>', 'configuration file (default /etc/farmwatch/agent.json)')
    .option('--dir <dir>', 'the agent folder `enroll --dir` and `run --dir` use')
    .option('--state-dir <dir>', 'the same as --dir')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExit status: 0 running and connected, 1 not running or not connected, 2 error.')
    .action(exits((o: StatusOptions) => status(o)));
}
