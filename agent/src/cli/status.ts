// farmwatch-agent status: enrollment, connection, spool depth, last acknowledgement and each
// sensor's state, from the files the running agent keeps in its state folder.
import { existsSync, readFileSync } from 'node:fs';
import { describeCertificate, FARMWATCH_VERSION } from '@farmwatch/shared';
import { loadConfig } from '../config/index.js';
import { readStatus } from '../runtime/status-file.js';
import { describeCpu } from '../runtime/cpu-sampler.js';
import { parse } from './args.js';

export const STATUS_HELP = `Usage: farmwatch-agent status [--config FILE] [--state-dir DIR] [--json]

Shows whether this agent is enrolled and running, its connection to the collector, how many events
wait in its spool, when the collector last acknowledged, and each sensor's state.
Exit status: 0 running and connected, 1 not running or not connected, 2 error.
`;

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

export function statusCommand(argv: string[]): number {
  const { values } = parse(argv, {
    config: { type: 'string' },
    'state-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-agent status');
  if (values.help) {
    process.stdout.write(STATUS_HELP);
    return 0;
  }
  const { config } = loadConfig({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    flags: values['state-dir'] !== undefined ? { state_dir: values['state-dir'] } : {},
  });
  const enrolled = existsSync(config.cert_file) && existsSync(config.key_file);
  const cert = enrolled ? describeCertificate(readFileSync(config.cert_file)) : undefined;
  const status = readStatus(config.state_dir);
  const running = status !== undefined && alive(status.pid) && Date.now() - status.writtenAtMs < 60_000;
  const connected = running && status.connection === 'streaming';
  const report = {
    version: FARMWATCH_VERSION,
    stateDir: config.state_dir,
    server: config.server ?? status?.server ?? null,
    enrolled,
    device: cert ? { id: cert.subjectCommonName, certificateExpires: cert.notAfter.toISOString() } : null,
    running,
    status: status ?? null,
  };
  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return connected ? 0 : 1;
  }
  const lines = [
    `farmwatch agent ${FARMWATCH_VERSION}, state in ${config.state_dir}`,
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
