// farmwatch-agent enroll: trade IT's one-time token for this laptop's client certificate.
import { readFileSync } from 'node:fs';
import { builtinCatalog } from '@farmwatch/shared';
import { hostPlatform, hostSensor, runSensor } from '../sensors/index.js';
import { helloFromHost } from '../pipeline/to-proto.js';
import { enroll } from '../enroll/enroll.js';
import { enrollmentFiles } from '../enroll/files.js';
import { parse, UsageError } from './args.js';

export const ENROLL_HELP = `Usage: farmwatch-agent enroll --server HOST:PORT --ca FILE --token TOKEN --dir DIR

Enrolls this laptop with the collector: makes a key (it never leaves the laptop) and a certificate
request, sends it with the one-time token IT gave you, and stores the client certificate, the key
(mode 0600) and the collector's CA in DIR. Then: farmwatch-agent run --dir DIR

  --server HOST:PORT   the collector
  --ca FILE            the collector's CA certificate (PEM), from IT; the only CA trusted
  --token TOKEN        the one-time enrollment token (fwe_...); or FARMWATCH_ENROLL_TOKEN
  --dir DIR            where to keep this agent's identity
`;

export async function enrollCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    server: { type: 'string' }, ca: { type: 'string' }, token: { type: 'string' }, dir: { type: 'string' },
    root: { type: 'string', default: '' }, help: { type: 'boolean', default: false },
  }, 'farmwatch-agent enroll');
  if (values.help) {
    process.stdout.write(ENROLL_HELP);
    return 0;
  }
  const token = values.token ?? process.env.FARMWATCH_ENROLL_TOKEN;
  const missing = [!values.server && '--server', !values.ca && '--ca', !token && '--token', !values.dir && '--dir'].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`enroll needs ${missing.join(', ')}\n\n${ENROLL_HELP}`);
  if (!/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(values.server as string)) throw new UsageError(`--server must be HOST:PORT, not "${values.server}"`);
  let caPem: string;
  try {
    caPem = readFileSync(values.ca as string, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the collector CA ${values.ca} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const host = await runSensor(hostSensor, { platform: hostPlatform(), root: values.root });
  if (host.status !== 'ok') throw new Error(`cannot identify this machine: ${host.reason}`);
  const record = await enroll({
    server: values.server as string, caPem, token: token as string, dir: values.dir as string,
    hello: helloFromHost(host.facts, builtinCatalog().version ?? '', ''),
  });
  const f = enrollmentFiles(values.dir as string);
  process.stdout.write(`Enrolled as ${record.deviceId}; certificate valid until ${new Date(record.notAfterMs).toISOString()}.\n` +
    `  key ${f.key}, certificate ${f.cert}, collector CA ${f.ca}\n` +
    `Start reporting: farmwatch-agent run --dir ${values.dir as string}\n`);
  return 0;
}
