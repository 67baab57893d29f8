// farmwatch-agent run: stream this laptop's findings to the collector until stopped.
import { StopReason } from '@farmwatch/proto';
import { builtinCatalog, createLogger } from '@farmwatch/shared';
import { hostPlatform } from '../sensors/index.js';
import { channelCredentials } from '../transport/credentials.js';
import { Agent } from '../runtime/agent.js';
import { enrollmentFiles, loadEnrollment } from '../enroll/files.js';
import { list, parse, positiveInt, UsageError } from './args.js';

export const RUN_HELP = `Usage: farmwatch-agent run --dir DIR [options]
       farmwatch-agent run --server HOST:PORT --ca FILE --cert FILE --key FILE [options]

Scans this machine on an interval and streams findings, inventory and heartbeats to the collector
over one TLS gRPC stream.

  --dir DIR              the identity \`farmwatch-agent enroll\` stored (certificate, key, pinned CA, server)
  --server HOST:PORT     the collector (default with --dir: the one enrolled with)
  --ca FILE              the collector's CA certificate (PEM); the agent trusts only this CA
  --cert FILE --key FILE this agent's client certificate and key (PEM)
  --interval SECONDS     time between scans (default 300)
  --heartbeat SECONDS    time between heartbeats (default 60)
  --sanctioned IDS       catalog ids of the company's own remote-access tools
  --once                 scan once, deliver, exit (0 when the collector acknowledged everything)
  --timeout SECONDS      with --once: how long to keep trying to deliver (default 60)
`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    server: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    dir: { type: 'string' },
    interval: { type: 'string' },
    heartbeat: { type: 'string' },
    sanctioned: { type: 'string' },
    root: { type: 'string', default: '' },
    once: { type: 'boolean', default: false },
    timeout: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-agent run');
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (values.dir !== undefined) {
    // An enrolled agent: certificate, key and pinned CA from its folder; the server it enrolled with.
    const files = enrollmentFiles(values.dir);
    const record = loadEnrollment(values.dir);
    values.server ??= record.server;
    values.ca ??= files.ca;
    values.cert ??= files.cert;
    values.key ??= files.key;
  }
  if (!values.server) throw new UsageError('--server HOST:PORT is required: where the collector listens');
  if (!/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(values.server)) throw new UsageError(`--server must be HOST:PORT, not "${values.server}"`);
  if (!values.ca) throw new UsageError('--ca FILE is required: the collector\'s CA certificate, to verify the collector');
  const log = createLogger('agent');
  const agent = await Agent.create({
    server: values.server,
    credentials: channelCredentials({
      caFile: values.ca,
      ...(values.cert !== undefined ? { certFile: values.cert } : {}),
      ...(values.key !== undefined ? { keyFile: values.key } : {}),
    }),
    ctx: { platform: hostPlatform(), root: values.root },
    catalog: builtinCatalog(),
    policy: { sanctionedTools: list(values.sanctioned) },
    scanIntervalS: positiveInt(values.interval, '--interval', 300),
    heartbeatIntervalS: positiveInt(values.heartbeat, '--heartbeat', 60),
    once: values.once,
    onceTimeoutMs: positiveInt(values.timeout, '--timeout', 60) * 1000,
    log,
  });
  if (values.once) {
    const delivered = await agent.run();
    if (!delivered) {
      log.error('not everything was acknowledged by the collector before the timeout', { lastError: agent.connection.lastError });
      process.stderr.write(`farmwatch-agent: nothing delivered to ${values.server}: ${agent.connection.lastError ?? 'no answer'}\n`);
    }
    return delivered ? 0 : 2;
  }
  await agent.run();
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info('stopping', { signal });
      const reason = signal === 'SIGINT' ? StopReason.STOP_REASON_USER : StopReason.STOP_REASON_SERVICE_STOP;
      void agent.stop(reason, `received ${signal}`).then((flushed) => resolve(flushed ? 0 : 2));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
