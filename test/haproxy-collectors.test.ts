// The shipped HAProxy configuration (packaging/haproxy/farmwatch-collectors.cfg) in front of two
// real collectors (collector/dist/cli.js serve --http-tls): its HTTPS health check on /v1/health
// finds both up, agents' TLS passes through to a collector untouched (the certificate an agent sees
// is the collector's own) after the PROXY protocol v2 header the collectors read from it
// (--trusted-proxy 127.0.0.1/32), connections spread over both, and when one collector is killed it
// is marked down and every new connection reaches the other.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyUnavailable, startHaproxy, type HaproxyServer } from './harness/haproxy.mjs';
import { makePki, type Pki } from './helpers/pki.js';
import { COLLECTOR_CLI, ROOT } from './helpers/processes.js';

const SHIPPED = join(ROOT, 'packaging', 'haproxy', 'farmwatch-collectors.cfg');

interface Collector {
  grpcPort: number;
  apiPort: number;
  child: ChildProcessWithoutNullStreams;
  /** SHA-256 fingerprint of its server certificate */
  fingerprint: string;
}

function startCollector(dir: string, pki: Pki): Promise<Collector> {
  // HAProxy connects from 127.0.0.1 and starts each connection with a PROXY v2 header (send-proxy-v2).
  const child = spawn(process.execPath, [COLLECTOR_CLI, 'serve', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--http-tls',
    '--db', join(dir, 'collector.db'), '--tls-dir', pki.dir, '--trusted-proxy', '127.0.0.1/32']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const fingerprint = new X509Certificate(readFileSync(join(pki.dir, 'server.pem'))).fingerprint256;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+) .*API on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m?.[1] && m[2]) resolve({ grpcPort: Number(m[1]), apiPort: Number(m[2]), child, fingerprint });
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code}) before listening:\n${stderr}`)));
  });
}

/**
 * The shipped configuration with this machine's addresses: each line replaced must be there as
 * shipped (a changed line fails here, so this test follows the file it checks).
 */
function adapt(shipped: string, where: { port: number; socket: string; caFile: string; collectors: Collector[] }): string {
  const replace = (text: string, from: string, to: string): string => {
    if (!text.includes(from)) throw new Error(`${SHIPPED} no longer has the line "${from.trim()}": update this test with it`);
    return text.replace(from, to);
  };
  let cfg = shipped;
  cfg = replace(cfg, '    log /dev/log local0 notice\n', '');
  cfg = replace(cfg, 'stats socket /run/haproxy/admin.sock mode 660 level admin', `stats socket ${where.socket} mode 600 level admin`);
  cfg = replace(cfg, 'maxconn 60000', 'maxconn 1000');
  cfg = replace(cfg, 'bind :7443', `bind 127.0.0.1:${where.port}`);
  cfg = replace(cfg, 'ca-file /etc/farmwatch/ca.pem', `ca-file ${where.caFile}`);
  cfg = replace(cfg, 'inter 2s', 'inter 200ms');
  const servers = where.collectors.map((c, i) => `    server collector${i + 1} 127.0.0.1:${c.grpcPort} port ${c.apiPort}\n`).join('');
  cfg = replace(cfg, '    server collector1 10.0.0.11:7443\n    server collector2 10.0.0.12:7443\n    server collector3 10.0.0.13:7443\n', servers);
  return cfg;
}

/** A TLS connection through the balancer, as an agent makes one (gRPC's ALPN), trusting `cas`. */
function agentTls(port: number, cas: Buffer[]): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca: cas, ALPNProtocols: ['h2'] });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

const unavailable = haproxyUnavailable();

describe.skipIf(unavailable !== undefined)(`the shipped HAProxy configuration${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dir: string;
  let pkis: Pki[] = [];
  let collectors: Collector[] = [];
  let lb: HaproxyServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'farmwatch-lb-'));
    // Each collector with its own CA and certificate, so the one an agent reached is known by the certificate it saw.
    pkis = [makePki(), makePki()];
    const caFile = join(dir, 'cas.pem');
    writeFileSync(caFile, Buffer.concat(pkis.map((p) => p.ca)));
    collectors = await Promise.all(pkis.map((pki, i) => startCollector(join(dir, `c${i + 1}`), pki)));
    const shipped = readFileSync(SHIPPED, 'utf8');
    lb = await startHaproxy({ config: ({ port, socket }) => adapt(shipped, { port, socket, caFile, collectors }) });
  }, 600_000);

  afterAll(async () => {
    await lb?.stop();
    for (const c of collectors) c.child.kill('SIGKILL');
    for (const p of pkis) rmSync(p.dir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('health-checks each collector\'s /v1/health over HTTPS, verifying its certificate', async () => {
    await lb.waitFor('collector1', 'UP');
    await lb.waitFor('collector2', 'UP');
  });

  it('passes agents\' TLS through to the collectors and spreads long-lived connections over both', async () => {
    const cas = pkis.map((p) => p.ca);
    // Held open, as agents' streams are: the one with fewest connections gets the next.
    const sockets: TLSSocket[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await agentTls(lb.port, cas));
    try {
      expect(sockets.map((s) => s.alpnProtocol)).toEqual(Array(4).fill('h2'));
      const reached = sockets.map((s) => s.getPeerX509Certificate()?.fingerprint256);
      const [one, two] = collectors as [Collector, Collector];
      expect(reached.filter((f) => f === one.fingerprint)).toHaveLength(2);
      expect(reached.filter((f) => f === two.fingerprint)).toHaveLength(2);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
  });

  it('marks a killed collector down and sends every new connection to the other', async () => {
    const [one, two] = collectors as [Collector, Collector];
    const exited = new Promise((resolve) => one.child.once('exit', resolve));
    one.child.kill('SIGKILL');
    await exited;
    await lb.waitFor('collector1', 'DOWN');
    expect((await lb.backendStatus()).get('collector2')).toBe('UP');
    for (let i = 0; i < 4; i++) {
      const s = await agentTls(lb.port, pkis.map((p) => p.ca));
      expect(s.getPeerX509Certificate()?.fingerprint256).toBe(two.fingerprint);
      s.destroy();
    }
  });
});
