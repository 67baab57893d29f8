// farmwatch-agent enroll: trade IT's one-time token for this laptop's client certificate.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig } from '../config/index.js';
import { builtinCatalog } from '@farmwatch/shared';
import { hostPlatform, hostSensor, runSensor } from '../sensors/index.js';
import { helloFromHost } from '../pipeline/to-proto.js';
import { enroll } from '../enroll/enroll.js';
import { enrollmentFiles } from '../enroll/files.js';
import { parse, UsageError } from './args.js';

export const ENROLL_HELP = `Usage: farmwatch-agent enroll [--config FILE] [--server HOST:PORT] [--ca FILE] (--token TOKEN | --token-file FILE) [--dir DIR]

Enrolls this laptop with the collector: makes a key (it never leaves the laptop) and a certificate
request, sends it with the one-time token IT gave you, and stores the client certificate, the key
(mode 0600) and the collector's CA in DIR. Then \`farmwatch-agent run\` uses them.

  --server HOST:PORT   the collector (default: "server" from the configuration)
  --ca FILE            the collector's CA certificate (PEM), from IT; the only CA trusted
                       (default: "ca_file" from the configuration, when that file exists)
  --token TOKEN        the one-time enrollment token (fwe_...); or FARMWATCH_ENROLL_TOKEN
  --token-file FILE    read the token from FILE (what MDM packages drop)
  --dir DIR            where to keep this agent's identity (default <state_dir>/identity)
  --config FILE, --state-dir DIR   as for \`run\`
`;

export async function enrollCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    server: { type: 'string' }, ca: { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' }, dir: { type: 'string' },
    config: { type: 'string' }, 'state-dir': { type: 'string' },
    root: { type: 'string', default: '' }, help: { type: 'boolean', default: false },
  }, 'farmwatch-agent enroll');
  if (values.help) {
    process.stdout.write(ENROLL_HELP);
    return 0;
  }
  const { config } = loadConfig({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    flags: values['state-dir'] !== undefined ? { state_dir: values['state-dir'] } : {},
  });
  values.server ??= config.server;
  const runHint = values.dir !== undefined ? ` --dir ${values.dir}` : values['state-dir'] !== undefined ? ` --state-dir ${values['state-dir']}` : '';
  values.dir ??= dirname(config.cert_file);
  if (values.ca === undefined && existsSync(config.ca_file)) values.ca = config.ca_file;
  let token = values.token ?? process.env.FARMWATCH_ENROLL_TOKEN;
  if (token === undefined && values['token-file'] !== undefined) {
    try {
      token = readFileSync(values['token-file'], 'utf8').trim();
    } catch (err) {
      throw new UsageError(`cannot read the token file ${values['token-file']} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  const missing = [!values.server && '--server (or "server" in the configuration)', !values.ca && '--ca (or an existing "ca_file")', !token && '--token or --token-file'].filter(Boolean);
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
    server: values.server as string, caPem, token: token as string, dir: values.dir,
    hello: helloFromHost(host.facts, builtinCatalog().version ?? '', ''),
  });
  const f = enrollmentFiles(values.dir);
  process.stdout.write(`Enrolled as ${record.deviceId}; certificate valid until ${new Date(record.notAfterMs).toISOString()}.\n` +
    `  key ${f.key}, certificate ${f.cert}, collector CA ${f.ca}\n` +
    `Start reporting: farmwatch-agent run${runHint}\n`);
  return 0;
}
