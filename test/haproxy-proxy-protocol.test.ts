// The collector learns an agent's own address behind a load balancer in TCP mode: a real HAProxy
// with send-proxy-v2 in front of a real collector (`serve --trusted-proxy 127.0.0.1/32`). A laptop
// whose home router (a second HAProxy, connecting out from 127.0.0.5) reaches the balancer is
// recorded with 127.0.0.5, the balancer's own address being 127.0.0.1; over IPv6 ([::1]) the same.
// A LOCAL header keeps the balancer's address. A header from a source that is not trusted is not
// read (the connection fails in TLS, and nothing is recorded), while that source without a header
// is served as ever; and a trusted source without a valid header is closed, counted and logged.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyUnavailable, startHaproxy, type HaproxyServer } from './harness/haproxy.mjs';
import { enrollLaptop, type EnrolledLaptop } from './helpers/enroll.js';
import { makePki, type Pki } from './helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from './helpers/processes.js';
import { RawIngestClient, type StreamResult } from './helpers/raw-client.js';

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** A PROXY v2 header as a balancer writes it: command byte (0x20 LOCAL, 0x21 PROXY), family/transport byte, addresses. */
const v2Header = (command: number, familyTransport: number, body: Buffer): Buffer =>
  Buffer.concat([SIGNATURE, Buffer.from([command, familyTransport, body.length >> 8, body.length & 0xff]), body]);
const LOCAL = v2Header(0x20, 0x00, Buffer.alloc(0));
// PROXY, TCP over IPv6: from [2001:db8::7]:40000 to [2001:db8::1]:7443.
const FROM_2001_DB8_7 = v2Header(0x21, 0x21, Buffer.concat([
  Buffer.from('20010db8000000000000000000000007', 'hex'), Buffer.from('20010db8000000000000000000000001', 'hex'), Buffer.from([0x9c, 0x40, 0x1d, 0x13]),
]));

/** A hand-made balancer on 127.0.0.1: each connection goes on to `port` starting with `header`. */
async function relay(header: Buffer, port: number): Promise<{ address: string; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port });
    upstream.write(header);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return { address: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server };
}

interface DeviceRecord {
  id: string;
  publicIp?: string;
  lastPeer?: string;
}

const unavailable = haproxyUnavailable();

describe.skipIf(unavailable !== undefined)(`PROXY protocol v2 from HAProxy${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dir: string;
  let pki: Pki;
  let collector: RunningCollector;
  let lb: HaproxyServer;
  let home: HaproxyServer;
  let home6: HaproxyServer;
  let untrusted: HaproxyServer;
  let plain: HaproxyServer;
  const relays: Server[] = [];
  let laptops = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'farmwatch-proxyproto-'));
    pki = makePki();
    collector = await startCollector(join(dir, 'collector.db'), pki.dir, ['--trusted-proxy', '127.0.0.1/32', '--grpc-handshake-timeout-s', '2']);
    // The balancer: connects to the collector from 127.0.0.1 (trusted) and names each client in a header.
    lb = await startHaproxy({ backends: [collector.address], sendProxy: true, ipv6: true });
    // A laptop's home router: its public address is 127.0.0.5.
    home = await startHaproxy({ backends: [lb.address], source: '127.0.0.5' });
    // One that reaches the balancer over IPv6.
    home6 = await startHaproxy({ backends: [`[::1]:${lb.port}`] });
    // A balancer the collector does not trust, with and without headers.
    untrusted = await startHaproxy({ backends: [collector.address], sendProxy: true, source: '127.0.0.9' });
    plain = await startHaproxy({ backends: [collector.address], source: '127.0.0.9' });
    for (const h of [lb, home, home6, untrusted, plain]) await h.waitFor('b1', 'UP');
  }, 600_000);

  afterAll(async () => {
    for (const r of relays) r.close();
    for (const h of [plain, untrusted, home6, home, lb]) await h?.stop();
    await collector?.stop();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const db = (): string => join(dir, 'collector.db');

  async function device(id: string): Promise<DeviceRecord> {
    const r = await run(COLLECTOR_CLI, ['devices', 'list', '--json', '--db', db()]);
    expect(r.code, r.stderr).toBe(0);
    const found = (JSON.parse(r.stdout) as DeviceRecord[]).find((d) => d.id === id);
    if (!found) throw new Error(`no device ${id} in devices list`);
    return found;
  }

  /** A laptop registered and enrolled through `via` (enrollment goes through the balancer too). */
  function laptop(via: string): Promise<EnrolledLaptop> {
    const n = ++laptops;
    return enrollLaptop(via, db(), pki.ca, {
      serial: `PP-${n}`, assignee: `Pat ${n} <pat${n}@example.com>`, shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: `lt-pp-${n}`,
    });
  }

  /** Streams Hello and one heartbeat through `via`; resolves with what came back once it was acknowledged or the stream failed. */
  async function stream(via: string, l: EnrolledLaptop): Promise<StreamResult> {
    const client = new RawIngestClient(via, l);
    const s = client.open();
    s.call.write({ hello: { ...l.hello, clockMs: Date.now() } });
    s.call.write({ batch: { events: [{ sequence: 1, observedAtMs: Date.now(), heartbeat: { uptimeMs: 1000 } }] } });
    const deadline = Date.now() + 10_000;
    while (!s.result.received.some((m) => m.ack?.sequence === 1) && s.result.error === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    s.call.end();
    client.close();
    return s.result;
  }

  const logLines = (): { level: string; message: string; [k: string]: unknown }[] =>
    collector.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; message: string });

  async function metric(name: string): Promise<Map<string, number>> {
    const r = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', `metrics-${Date.now()}`, '--role', 'analyst', '--json', '--db', db()]);
    const token = (JSON.parse(r.stdout) as { token: string }).token;
    const text = await (await fetch(`${collector.api}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const values = new Map<string, number>();
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{reason="([^"]+)"\\})? (\\d+)$`, 'gm'))) values.set(m[1] ?? '', Number(m[2]));
    return values;
  }

  it('records a laptop behind its home router at 127.0.0.5, not the balancer\'s 127.0.0.1, from enrollment to its stream', async () => {
    const l = await laptop(home.address);
    const enrolled = logLines().find((x) => x.message === 'device enrolled' && x.device === l.deviceId);
    expect(enrolled?.peer).toMatch(/^127\.0\.0\.5:\d+$/);
    const r = await stream(home.address, l);
    expect(r.error).toBeUndefined();
    expect(r.received[0]?.helloAck?.deviceId).toBe(l.deviceId);
    expect(r.received.some((m) => m.ack?.sequence === 1)).toBe(true);
    const d = await device(l.deviceId);
    expect(d.publicIp).toBe('127.0.0.5');
    expect(d.lastPeer).toMatch(/^127\.0\.0\.5:\d+$/);
    const connected = logLines().find((x) => x.message === 'agent connected' && x.device === l.deviceId);
    expect(connected?.address).toBe('127.0.0.5');
  });

  it('records an IPv6 client from the balancer\'s IPv6 header', async () => {
    const l = await laptop(home6.address);
    const r = await stream(home6.address, l);
    expect(r.error).toBeUndefined();
    const d = await device(l.deviceId);
    expect(d.publicIp).toBe('::1');
    expect(d.lastPeer).toMatch(/^\[::1\]:\d+$/);
    // And one that is not loopback, from a hand-made balancer.
    const via = await relay(FROM_2001_DB8_7, collector.port);
    relays.push(via.server);
    const other = await laptop(home.address);
    expect((await stream(via.address, other)).error).toBeUndefined();
    const o = await device(other.deviceId);
    expect(o.publicIp).toBe('2001:db8::7');
    expect(o.lastPeer).toBe('[2001:db8::7]:40000');
  });

  it('keeps the balancer\'s own address for a LOCAL header', async () => {
    const via = await relay(LOCAL, collector.port);
    relays.push(via.server);
    const l = await laptop(home.address);
    expect((await stream(via.address, l)).error).toBeUndefined();
    const d = await device(l.deviceId);
    expect(d.publicIp).toBe('127.0.0.1');
    expect(d.lastPeer).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('does not read a header from a source it does not trust: the connection fails and no address is taken; without one that source is served', async () => {
    const l = await laptop(home.address);
    const enrolled = await device(l.deviceId);
    expect(enrolled.lastPeer).toMatch(/^127\.0\.0\.5:\d+$/);
    const refused = await stream(untrusted.address, l);
    expect(refused.error).toBeDefined();
    expect(refused.received).toEqual([]);
    const after = await device(l.deviceId);
    expect(after.publicIp ?? '').toBe('');
    expect(after.lastPeer).toBe(enrolled.lastPeer);
    const served = await stream(plain.address, l);
    expect(served.error).toBeUndefined();
    expect((await device(l.deviceId)).publicIp).toBe('127.0.0.9');
  });

  it('closes a trusted source\'s connection that lacks a valid header, counts each in /metrics and logs one line', async () => {
    const before = await metric('farmwatch_proxy_headers_refused_total');
    const probe = (write: (s: Socket) => void): Promise<number> => new Promise((resolve, reject) => {
      const started = Date.now();
      const s = connect(collector.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.once('connect', () => write(s));
      s.once('close', () => resolve(Date.now() - started));
      setTimeout(() => reject(new Error('the collector kept the connection open for 8 s')), 8000).unref();
    });
    // Garbage, a version 1 header, a header that stops short (closed at the 2 s handshake timeout).
    expect(await probe((s) => s.write('GET / HTTP/1.1\r\nHost: collector\r\n\r\n'))).toBeLessThan(1000);
    expect(await probe((s) => s.write('PROXY TCP4 203.0.113.9 127.0.0.1 40000 7443\r\n'))).toBeLessThan(1000);
    const partial = await probe((s) => s.write(SIGNATURE.subarray(0, 10)));
    expect(partial).toBeGreaterThanOrEqual(1900);
    expect(partial).toBeLessThan(4000);
    // TLS straight from the trusted address, with no header: never finishes its handshake.
    const tls = await new Promise<string>((resolve) => {
      const t = tlsConnect({ host: '127.0.0.1', port: collector.port, ca: pki.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
      t.once('secureConnect', () => {
        t.destroy();
        resolve('handshake finished');
      });
      t.once('error', (e: Error) => resolve(`refused: ${e.message}`));
    });
    expect(tls).toMatch(/^refused/);
    // A valid header and then no TLS: the handshake timeout still applies after the header.
    const silent = await probe((s) => s.write(LOCAL));
    expect(silent).toBeGreaterThanOrEqual(1900);
    expect(silent).toBeLessThan(4000);
    const after = await metric('farmwatch_proxy_headers_refused_total');
    const delta = (reason: string): number => (after.get(reason) ?? 0) - (before.get(reason) ?? 0);
    expect({ missing: delta('missing'), v1: delta('version-1'), timeout: delta('timeout') }).toEqual({ missing: 2, v1: 1, timeout: 1 });
    const warned = logLines().filter((x) => x.level === 'warn' && x.message.startsWith('closed a connection from a trusted proxy'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ from: '127.0.0.1', reason: 'missing' });
    expect(String(warned[0]?.message)).toContain('send-proxy-v2');
  }, 30_000);
});
