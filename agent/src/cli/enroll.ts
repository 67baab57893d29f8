// farmwatch-agent enroll: trade IT's one-time token for this laptop's client certificate.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig } from '../config/index.js';
import { builtinCatalog, describeFileError } from '@farmwatch/shared';
import { hostPlatform, hostSensor, runSensor } from '../sensors/index.js';
import { helloFromHost } from '../pipeline/to-proto.js';
import { enroll } from '../enroll/enroll.js';
import { enrollmentFiles } from '../enroll/files.js';
import { command, exits, Option, UsageError, type Command } from './args.js';

interface EnrollOptions { server?: string; ca?: string; token?: string; tokenFile?: string; dir?: string; config?: string; stateDir?: string; root: string }

async function enrollHere(values: EnrollOptions): Promise<number> {
  const { config } = loadConfig({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    flags: values.stateDir !== undefined ? { state_dir: values.stateDir } : {},
  });
  values.server ??= config.server;
  const runHint = values.dir !== undefined ? ` --dir ${values.dir}` : values.stateDir !== undefined ? ` --state-dir ${values.stateDir}` : '';
  values.dir ??= dirname(config.cert_file);
  if (values.ca === undefined && existsSync(config.ca_file)) values.ca = config.ca_file;
  let token = values.token ?? process.env.FARMWATCH_ENROLL_TOKEN;
  if (token === undefined && values.tokenFile !== undefined) {
    try {
      token = readFileSync(values.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(describeFileError(err, values.tokenFile, 'the token file', { fix: 'pass the file IT gave you with --token-file, or the token with --token' }));
    }
  }
  const missing = [!values.server && '--server (or "server" in the configuration)', !values.ca && '--ca (or an existing "ca_file")', !token && '--token or --token-file'].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`enroll needs ${missing.join(', ')}: see \`farmwatch-agent enroll --help\``);
  if (!/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(values.server as string)) throw new UsageError(`--server must be HOST:PORT, not "${values.server}"`);
  let caPem: string;
  try {
    caPem = readFileSync(values.ca as string, 'utf8');
  } catch (err) {
    throw new UsageError(describeFileError(err, values.ca as string, 'the collector CA', { fix: 'pass the ca.pem IT gave you with --ca' }));
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

export function enrollCommand(program: Command): void {
  command(program, 'enroll', 'trade IT\'s one-time token for this laptop\'s client certificate',
    'Enrolls this laptop with the collector: makes a key (it never leaves the laptop) and a certificate request, sends it with the ' +
    'one-time token IT gave you, and stores the client certificate, the key (mode 0600) and the collector\'s CA in DIR. Then ' +
    '`farmwatch-agent run` uses them.')
    .option('--server <host:port>', 'the collector (default: "server" from the configuration)')
    .option('--ca <file>', 'the collector\'s CA certificate (PEM), from IT; the only CA trusted (default: "ca_file" from the configuration, when that file exists)')
    .option('--token <token>', 'the one-time enrollment token (fwe_...); or FARMWATCH_ENROLL_TOKEN')
    .option('--token-file <file>', 'read the token from FILE (what MDM packages drop)')
    .option('--dir <dir>', 'where to keep this agent\'s identity (default <state_dir>/identity)')
    .option('--config <file>', 'configuration file, as for `run`')
    .option('--state-dir <dir>', 'state folder, as for `run`')
    .addOption(new Option('--root <dir>').default('').hideHelp())
    .action(exits((o: EnrollOptions) => enrollHere(o)));
}
