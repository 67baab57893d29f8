// farmwatch-collector serve: run the collector until stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@farmwatch/shared';
import { SqliteStore } from '../store/sqlite-store.js';
import { Collector } from '../app.js';
import { parseShipTo } from '../enroll/ship-to.js';
import { parseCidr } from '../enrich/ip.js';
import { DEFAULT_DB, parse, UsageError } from './args.js';

export const SERVE_HELP = `Usage: farmwatch-collector serve [options]

Runs the collector: agents enroll and stream to it over TLS gRPC (one port: enrollment with a
one-time token, everything else with the client certificate enrollment issued); it stores what
they send in SQLite, enriches and correlates it, raises alerts, serves the HTTP API and exports.

  --listen HOST:PORT      agents connect here (default 127.0.0.1:7443; port 0 picks a free port)
  --http HOST:PORT        HTTP JSON API, /metrics, /v1/openapi.json and the web console (people log in
                          with accounts from \`farmwatch-collector users create\`) (default 127.0.0.1:7480; "off": none)
  --http-tls              serve the API over HTTPS with the collector's server certificate
                          (use it whenever the API listens beyond localhost: tokens, passwords and session
                          cookies are secrets; the session cookie is then also marked Secure)
  --db FILE               the SQLite database (default ${DEFAULT_DB}; created when missing)
  --tls-dir DIR           ca.pem, ca-key.pem, server.pem, server-key.pem (default var/certs;
                          \`npm run certs\` makes them)
  --trusted-proxy CIDR    a load balancer whose X-Forwarded-For is believed (repeatable)
  --sanctioned IDS        catalog ids of the company's own remote-access tools (comma-separated)
  --site "City, Region, Country"  where the collector is (for the RTT-versus-distance rule)
  --retention-days N      events, observations and edges kept this long (default 90)
  --rate N --burst N      per-device limit in events/s and burst (default 100 and 5000)
  --far-km N              location farther than this from the ship-to city is a signal (default 500)
  --silent-after-min N    no message for this long is heartbeat loss (default 15)
  --watch-input-languages LANGS  count a keyboard typing one of these languages (ISO 639-1, e.g.
                          ko,zh,ru) on a laptop shipped where it is not spoken (off by default:
                          see collector/RULES.md before turning it on)
  --webhook URL           POST each new / escalated alert as JSON, retried with backoff (repeatable)
  --syslog URL            udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT (repeatable)
  --syslog-format F       5424 (default) or cef
  --syslog-ca FILE        CA of the syslog receiver's certificate (tls://)
  --ocsf FILE             append each alert change as an OCSF Detection Finding (JSON lines)
`;

/** `--watch-input-languages ko,zh`: ISO 639-1 codes, refused otherwise. */
function languages(text: string | undefined): string[] {
  const list = (text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.find((l) => !/^[a-z]{2}$/.test(l));
  if (bad !== undefined) throw new UsageError(`--watch-input-languages: "${bad}" is not a two-letter ISO 639-1 language code (e.g. ko,zh,ru)`);
  return list;
}

function readTls(dir: string, name: string): Buffer {
  const path = join(dir, name);
  try {
    return readFileSync(path);
  } catch {
    throw new UsageError(`${path} is missing: run \`npm run certs\` to make the CA and certificates, or pass --tls-dir`);
  }
}

const int = (v: string | undefined, flag: string, fallback: number): number => {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${flag} must be a whole number above 0, not "${v}"`);
  return Number(v);
};

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    listen: { type: 'string', default: '127.0.0.1:7443' },
    http: { type: 'string', default: '127.0.0.1:7480' },
    'http-tls': { type: 'boolean', default: false },
    db: { type: 'string', default: DEFAULT_DB },
    'tls-dir': { type: 'string', default: 'var/certs' },
    'trusted-proxy': { type: 'string', multiple: true, default: [] },
    sanctioned: { type: 'string' },
    site: { type: 'string' },
    'retention-days': { type: 'string' },
    rate: { type: 'string' },
    burst: { type: 'string' },
    'far-km': { type: 'string' },
    'silent-after-min': { type: 'string' },
    'watch-input-languages': { type: 'string' },
    webhook: { type: 'string', multiple: true, default: [] },
    'webhook-retry-ms': { type: 'string' },
    syslog: { type: 'string', multiple: true, default: [] },
    'syslog-format': { type: 'string', default: '5424' },
    'syslog-ca': { type: 'string' },
    ocsf: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, 'farmwatch-collector serve');
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  if (!/^.+:\d+$/.test(values.listen)) throw new UsageError(`--listen must be HOST:PORT, not "${values.listen}"`);
  const http = values.http === 'off' ? undefined : values.http;
  if (http !== undefined && !/^.+:\d+$/.test(http)) throw new UsageError(`--http must be HOST:PORT or off, not "${values.http}"`);
  for (const p of values['trusted-proxy']) {
    try {
      parseCidr(p);
    } catch (err) {
      throw new UsageError(`--trusted-proxy: ${(err as Error).message}`);
    }
  }
  for (const url of values.webhook) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--webhook ${url}: give an http:// or https:// URL`);
  }
  if (values['syslog-format'] !== '5424' && values['syslog-format'] !== 'cef') throw new UsageError('--syslog-format must be 5424 or cef');
  let site: { lat: number; lon: number } | undefined;
  if (values.site) {
    const s = parseShipTo(values.site);
    if (s.lat === null || s.lon === null) throw new UsageError(`--site: no city "${values.site}" in the city table; name a larger city nearby`);
    site = { lat: s.lat, lon: s.lon };
  }
  const dir = values['tls-dir'];
  const tls = { caPem: readTls(dir, 'ca.pem'), certPem: readTls(dir, 'server.pem'), keyPem: readTls(dir, 'server-key.pem') };
  const ca = { certPem: tls.caPem.toString(), keyPem: readTls(dir, 'ca-key.pem').toString() };
  const syslogCa = values['syslog-ca'] ? readFileSync(values['syslog-ca']) : undefined;
  // Every flag is read before the database is opened: a wrong one leaves nothing behind.
  const config = {
    listen: values.listen, ...(http ? { httpListen: http } : {}), httpTls: values['http-tls'], tls, ca,
    trustedProxies: values['trusted-proxy'], sanctioned: (values.sanctioned ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    retentionDays: int(values['retention-days'], '--retention-days', 90),
    rateLimit: { ratePerS: int(values.rate, '--rate', 100), burst: int(values.burst, '--burst', 5000) },
    rules: {
      farKm: int(values['far-km'], '--far-km', 500), silentAfterMs: int(values['silent-after-min'], '--silent-after-min', 15) * 60_000,
      ...(site ? { collectorSite: site } : {}),
      watchedInputLanguages: languages(values['watch-input-languages']),
    },
    exports: {
      webhooks: values.webhook.map((url) => ({ url, initialDelayMs: int(values['webhook-retry-ms'], '--webhook-retry-ms', 1000) })),
      syslog: values.syslog.map((url) => ({ url, format: values['syslog-format'] as '5424' | 'cef', ...(syslogCa ? { ca: syslogCa } : {}) })),
      ...(values.ocsf ? { ocsfFile: values.ocsf } : {}),
    },
  };
  const log = createLogger('collector');
  const store = new SqliteStore(values.db);
  const collector = new Collector(store, config, log);
  await collector.start();
  const grpc = collector.grpc as NonNullable<typeof collector.grpc>;
  const base = collector.api ? `${collector.api.scheme}://${collector.api.host.includes(':') ? `[${collector.api.host}]` : collector.api.host}:${collector.api.port}` : '';
  const api = collector.api ? `; API on ${base}, web console at ${base}/` : '';
  // The one line on stdout: scripts and tests read the ports from it.
  process.stdout.write(`farmwatch-collector listening on ${grpc.host}:${grpc.port} (database ${values.db})${api}\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info('shutting down', { signal });
      void collector.close().then(() => {
        store.close();
        resolve(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
