// farmwatch-collector serve: run the collector until stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, describeFileError, Option, repeatable, type Command } from '@farmwatch/shared';
import { Collector } from '../app.js';
import { parseShipTo } from '../enroll/ship-to.js';
import { DEFAULT_RENEWAL_POLICY } from '../enroll/enrollment.js';
import { DEFAULT_GRPC_LIMITS } from '../grpc-port.js';
import { DEFAULT_HTTP_LIMITS } from '../api/http-limits.js';
import { STREAM_KEEPALIVE_MS } from '../api/routes-alerts.js';
import { parseCidr } from '../enrich/ip.js';
import { DEFAULT_TLS_DIR, command, dbOption, exits, openStore, UsageError } from './args.js';

interface ServeOptions {
  listen: string; http: string; httpTls?: boolean; db: string; tlsDir: string; trustedProxy?: string[]; proxyProtocol: string; sanctioned?: string; site?: string;
  retentionDays?: string; rate?: string; burst?: string; certOverlapS?: string; renewalsPerHour?: string; farKm?: string; silentAfterMin?: string; watchInputLanguages?: string;
  webhook?: string[]; webhookRetryMs?: string; syslog?: string[]; syslogFormat: '5424' | 'cef'; syslogCa?: string; ocsf?: string;
  grpcHandshakeTimeoutS?: string; grpcIdleTimeoutS?: string; grpcMaxConnections?: string;
  httpHeadersTimeoutS?: string; httpRequestTimeoutS?: string; httpIdleTimeoutS?: string; httpMaxConnections?: string;
}

/** `--watch-input-languages ko,zh`: ISO 639-1 codes, refused otherwise. */
function languages(text: string | undefined): string[] {
  const list = (text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.find((l) => !/^[a-z]{2}$/.test(l));
  if (bad !== undefined) throw new UsageError(`--watch-input-languages: "${bad}" is not a two-letter ISO 639-1 language code (e.g. ko,zh,ru)`);
  return list;
}

function readFile(path: string, what: string, fix: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(describeFileError(err, path, what, { fix }));
  }
}

function readTls(dir: string, name: string): Buffer {
  return readFile(join(dir, name), 'the TLS file', 'run `npm run certs` to make the CA and certificates, or pass --tls-dir');
}

const int = (v: string | undefined, flag: string, fallback: number): number => {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${flag} must be a whole number above 0, not "${v}"`);
  return Number(v);
};

async function serve(values: ServeOptions): Promise<number> {
  if (!/^.+:\d+$/.test(values.listen)) throw new UsageError(`--listen must be HOST:PORT, not "${values.listen}"`);
  const http = values.http === 'off' ? undefined : values.http;
  if (http !== undefined && !/^.+:\d+$/.test(http)) throw new UsageError(`--http must be HOST:PORT or off, not "${values.http}"`);
  for (const p of values.trustedProxy ?? []) {
    try {
      parseCidr(p);
    } catch (err) {
      throw new UsageError(`--trusted-proxy: ${(err as Error).message}`);
    }
  }
  const proxyProtocol = (['required', 'optional'] as const).find((w) => w === values.proxyProtocol);
  if (!proxyProtocol) throw new UsageError(`--proxy-protocol must be required or optional, not "${values.proxyProtocol}"`);
  for (const url of values.webhook ?? []) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--webhook ${url}: give an http:// or https:// URL`);
  }
  let site: { lat: number; lon: number } | undefined;
  if (values.site) {
    const s = parseShipTo(values.site);
    if (s.lat === null || s.lon === null) throw new UsageError(`--site: no city "${values.site}" in the city table; name a larger city nearby`);
    site = { lat: s.lat, lon: s.lon };
  }
  const retentionDays = int(values.retentionDays, '--retention-days', 90);
  const rateLimit = { ratePerS: int(values.rate, '--rate', 100), burst: int(values.burst, '--burst', 5000) };
  const renewal = {
    overlapMs: int(values.certOverlapS, '--cert-overlap-s', DEFAULT_RENEWAL_POLICY.overlapMs / 1000) * 1000,
    perWindow: int(values.renewalsPerHour, '--renewals-per-hour', DEFAULT_RENEWAL_POLICY.perWindow),
  };
  const farKm = int(values.farKm, '--far-km', 500);
  const silentAfterMs = int(values.silentAfterMin, '--silent-after-min', 15) * 60_000;
  const webhookRetryMs = int(values.webhookRetryMs, '--webhook-retry-ms', 1000);
  const watchedInputLanguages = languages(values.watchInputLanguages);
  const grpcLimits = {
    handshakeTimeoutMs: int(values.grpcHandshakeTimeoutS, '--grpc-handshake-timeout-s', DEFAULT_GRPC_LIMITS.handshakeTimeoutMs / 1000) * 1000,
    idleTimeoutMs: int(values.grpcIdleTimeoutS, '--grpc-idle-timeout-s', DEFAULT_GRPC_LIMITS.idleTimeoutMs / 1000) * 1000,
    maxConnections: int(values.grpcMaxConnections, '--grpc-max-connections', DEFAULT_GRPC_LIMITS.maxConnections),
  };
  const httpLimits = {
    headersTimeoutMs: int(values.httpHeadersTimeoutS, '--http-headers-timeout-s', DEFAULT_HTTP_LIMITS.headersTimeoutMs / 1000) * 1000,
    requestTimeoutMs: int(values.httpRequestTimeoutS, '--http-request-timeout-s', DEFAULT_HTTP_LIMITS.requestTimeoutMs / 1000) * 1000,
    idleTimeoutMs: int(values.httpIdleTimeoutS, '--http-idle-timeout-s', DEFAULT_HTTP_LIMITS.idleTimeoutMs / 1000) * 1000,
    maxConnections: int(values.httpMaxConnections, '--http-max-connections', DEFAULT_HTTP_LIMITS.maxConnections),
  };
  if (httpLimits.idleTimeoutMs <= STREAM_KEEPALIVE_MS) {
    throw new UsageError(`--http-idle-timeout-s must be above ${STREAM_KEEPALIVE_MS / 1000}, not ${httpLimits.idleTimeoutMs / 1000}: the alert stream writes a keepalive every ${STREAM_KEEPALIVE_MS / 1000} s and would be closed as idle between them`);
  }
  if (httpLimits.headersTimeoutMs > httpLimits.requestTimeoutMs) {
    throw new UsageError(`--http-headers-timeout-s (${httpLimits.headersTimeoutMs / 1000}) must not be longer than --http-request-timeout-s (${httpLimits.requestTimeoutMs / 1000}): the headers are part of the request`);
  }
  // Files are read once every flag is known good, and all before the database is opened: a wrong
  // flag or a missing file leaves nothing behind.
  const dir = values.tlsDir;
  const tls = { caPem: readTls(dir, 'ca.pem'), certPem: readTls(dir, 'server.pem'), keyPem: readTls(dir, 'server-key.pem') };
  const ca = { certPem: tls.caPem.toString(), keyPem: readTls(dir, 'ca-key.pem').toString() };
  const syslogCa = values.syslogCa ? readFile(values.syslogCa, 'the syslog receiver\'s CA certificate', 'pass the PEM file with --syslog-ca') : undefined;
  const config = {
    listen: values.listen, ...(http ? { httpListen: http } : {}), httpTls: values.httpTls ?? false, tls, ca,
    trustedProxies: values.trustedProxy ?? [], proxyProtocol, sanctioned: (values.sanctioned ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    retentionDays, rateLimit, renewal, grpcLimits, httpLimits,
    rules: { farKm, silentAfterMs, ...(site ? { collectorSite: site } : {}), watchedInputLanguages },
    exports: {
      webhooks: (values.webhook ?? []).map((url) => ({ url, initialDelayMs: webhookRetryMs })),
      syslog: (values.syslog ?? []).map((url) => ({ url, format: values.syslogFormat, ...(syslogCa ? { ca: syslogCa } : {}) })),
      ...(values.ocsf ? { ocsfFile: values.ocsf } : {}),
    },
  };
  const log = createLogger('collector');
  const store = openStore(values.db, { create: true });
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

export function serveCommand(program: Command): void {
  command(program, 'serve', 'run the collector (enrollment and ingest over TLS gRPC, HTTP API, web console, exports)',
    'Runs the collector: agents enroll and stream to it over TLS gRPC (one port: enrollment with a one-time token, everything else with the ' +
    'client certificate enrollment issued); it stores what they send in SQLite, enriches and correlates it, raises alerts, serves the HTTP API and exports.')
    .option('--listen <host:port>', 'agents connect here (port 0 picks a free port)', '127.0.0.1:7443')
    .option('--http <host:port>', 'HTTP JSON API, /metrics, /v1/openapi.json and the web console (people log in with accounts from `farmwatch-collector users create`); "off": none', '127.0.0.1:7480')
    .option('--http-tls', 'serve the API over HTTPS with the collector\'s server certificate (use it whenever the API listens beyond localhost: tokens, passwords and session cookies are secrets; the session cookie is then also marked Secure)')
    .addOption(dbOption())
    .option('--tls-dir <dir>', 'ca.pem, ca-key.pem, server.pem, server-key.pem (`npm run certs` makes them)', DEFAULT_TLS_DIR)
    .option('--trusted-proxy <cidr>', 'a load balancer (repeatable): its X-Forwarded-For is believed on the HTTP port, and on the gRPC port its connections start with a PROXY protocol v2 header (HAProxy send-proxy-v2) naming the agent', repeatable)
    .option('--proxy-protocol <when>', '"required": a gRPC connection from a --trusted-proxy without a valid PROXY v2 header is closed; "optional": it may also start TLS directly, its peer then being the proxy itself, whose x-forwarded-for metadata is believed (local tools that simulate laptops\' addresses)', 'required')
    .option('--sanctioned <ids>', 'catalog ids of the company\'s own remote-access tools (comma-separated)')
    .option('--site <place>', 'where the collector is, "City, Region, Country" (for the RTT-versus-distance rule)')
    .option('--retention-days <n>', 'events, observations and edges kept this long (default 90)')
    .option('--rate <n>', 'per-device limit in events/s (default 100)')
    .option('--burst <n>', 'per-device burst of events (default 5000)')
    .option('--cert-overlap-s <n>', 'a certificate replaced by a renewal keeps working this many seconds (default 600)')
    .option('--renewals-per-hour <n>', 'certificate renewals a device may make per hour (default 3)')
    .option('--far-km <n>', 'location farther than this from the ship-to city is a signal (default 500)')
    .option('--silent-after-min <n>', 'no message for this long is heartbeat loss (default 15)')
    .option('--watch-input-languages <langs>', 'count a keyboard typing one of these languages (ISO 639-1, e.g. ko,zh,ru) on a laptop shipped where it is not spoken (off by default: see collector/RULES.md before turning it on)')
    .option('--webhook <url>', 'POST each new / escalated alert as JSON, retried with backoff (repeatable)', repeatable)
    .option('--webhook-retry-ms <n>', 'first retry delay of a webhook (default 1000)')
    .option('--syslog <url>', 'udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT (repeatable)', repeatable)
    .addOption(new Option('--syslog-format <format>', 'the syslog message format').choices(['5424', 'cef']).default('5424'))
    .option('--syslog-ca <file>', 'CA of the syslog receiver\'s certificate (tls://)')
    .option('--ocsf <file>', 'append each alert change as an OCSF Detection Finding (JSON lines)')
    .option('--grpc-handshake-timeout-s <n>', `a connection to --listen that has not finished its TLS handshake in this long is dropped (default ${DEFAULT_GRPC_LIMITS.handshakeTimeoutMs / 1000})`)
    .option('--grpc-idle-timeout-s <n>', `a connection to --listen with no call open this long is closed; an agent's stream is a call, so it stays (default ${DEFAULT_GRPC_LIMITS.idleTimeoutMs / 1000})`)
    .option('--grpc-max-connections <n>', `connections to --listen held at once (one per laptop); more are closed at once (default ${DEFAULT_GRPC_LIMITS.maxConnections})`)
    .option('--http-headers-timeout-s <n>', `an HTTP request's line and headers must arrive within this (408 otherwise; also the HTTPS handshake) (default ${DEFAULT_HTTP_LIMITS.headersTimeoutMs / 1000})`)
    .option('--http-request-timeout-s <n>', `a whole HTTP request, body included, must arrive within this (408 otherwise) (default ${DEFAULT_HTTP_LIMITS.requestTimeoutMs / 1000})`)
    .option('--http-idle-timeout-s <n>', `an HTTP connection with nothing sent either way this long is closed, kept-alive ones included (default ${DEFAULT_HTTP_LIMITS.idleTimeoutMs / 1000})`)
    .option('--http-max-connections <n>', `HTTP connections held at once; more are closed at once (default ${DEFAULT_HTTP_LIMITS.maxConnections})`)
    .action(exits((o: ServeOptions) => serve(o)));
}
