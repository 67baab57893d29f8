// Probe: slow connections were held long: an HTTP request whose body trickled in and a TCP
// connection to the gRPC port that never started TLS were both still open after 100 s, and there
// was no cap on how many. Now the HTTP port answers 408 and closes a request whose headers or body
// do not arrive in time (--http-headers-timeout-s, --http-request-timeout-s), the gRPC port drops a
// connection that has not finished TLS (--grpc-handshake-timeout-s) and closes one with no call
// open (--grpc-idle-timeout-s), and each port closes connections beyond its cap as soon as they
// come (--http-max-connections, --grpc-max-connections). An agent's stream and the alert stream
// stay open past every one of those timeouts. Short values here; the defaults are in the README.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { probeCollector, type ProbeCollector } from '../helpers/probe-collector.js';
import { enrollLaptop } from '../helpers/enroll.js';
import { RawIngestClient } from '../helpers/raw-client.js';
import { COLLECTOR_CLI, run } from '../helpers/processes.js';

const timed = probeCollector('sec-slow', [
  '--grpc-handshake-timeout-s', '1', '--grpc-idle-timeout-s', '2', '--http-headers-timeout-s', '1', '--http-request-timeout-s', '2',
]);
const capped = probeCollector('sec-caps', ['--grpc-max-connections', '3', '--http-max-connections', '3']);

interface Probe {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Milliseconds from connecting to the server closing the connection. */
  closed: Promise<number>;
}

/** A TCP connection to PORT that sends only what the test writes. */
function probe(port: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = tcpConnect(port, '127.0.0.1');
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset is a close here
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

const portOf = (c: ProbeCollector, which: 'grpc' | 'http'): number => (which === 'grpc' ? c.collector.port : Number(new URL(c.collector.api).port));

/** Writes TEXT one piece every `everyMs` until the connection closes. */
function trickle(p: Probe, pieces: string[], everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (p.socket.destroyed) return clearInterval(timer);
    p.socket.write(pieces[i++ % pieces.length] as string);
  }, everyMs);
  void p.closed.then(() => clearInterval(timer));
}

describe('slow HTTP requests', () => {
  it('a body that trickles in is answered 408 and closed once the request timeout (2 s) has passed', async () => {
    const p = await probe(portOf(timed, 'http'));
    p.socket.write('POST /v1/session HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"');
    trickle(p, ['a'], 200); // a byte every 200 ms: never idle, never done
    const ms = await p.closed;
    expect(p.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(4500);
  });

  it('headers that trickle in are answered 408 and closed once the headers timeout (1 s) has passed', async () => {
    const p = await probe(portOf(timed, 'http'));
    p.socket.write('GET /v1/health HTTP/1.1\r\nHost: collector\r\n');
    trickle(p, ['X-Slow: 1\r\n'], 200);
    const ms = await p.closed;
    expect(p.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3500);
  });

  it('the alert stream, a request that was received whole, stays open past the request timeout', async () => {
    const r = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'slow-probe', '--role', 'analyst', '--json', '--db', timed.db]);
    expect(r.code, r.stderr).toBe(0);
    const token = (JSON.parse(r.stdout) as { token: string }).token;
    const p = await probe(portOf(timed, 'http'));
    p.socket.write(`GET /v1/alerts/stream HTTP/1.1\r\nHost: collector\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    const open = await Promise.race([p.closed.then(() => false), new Promise<boolean>((ok) => setTimeout(() => ok(true), 5000))]);
    expect(p.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*: farmwatch alert stream\n/);
    expect(open).toBe(true);
    p.socket.destroy();
  });
});

describe('slow connections to the gRPC port', () => {
  it('a TCP connection that never starts TLS is dropped once the handshake timeout (1 s) has passed', async () => {
    const p = await probe(portOf(timed, 'grpc'));
    const ms = await p.closed;
    expect(p.received()).toBe('');
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3500);
  });

  it('a connection that finished TLS but opens no call is closed once the idle timeout (2 s) has passed', async () => {
    const started = Date.now();
    const socket = tlsConnect({ host: '127.0.0.1', port: portOf(timed, 'grpc'), ca: timed.pki.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    await new Promise<void>((ok, fail) => {
      socket.once('secureConnect', ok);
      socket.once('error', fail);
    });
    expect(socket.alpnProtocol).toBe('h2');
    const ms = await new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(5000);
  });

  it('an agent\'s stream stays open and acknowledged past three idle timeouts', async () => {
    const laptop = await enrollLaptop(timed.collector.address, timed.db, timed.pki.ca, {
      serial: 'SEC-SLOW-1', assignee: 'Pat Doe <pat@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-slow-1',
    });
    const client = new RawIngestClient(timed.collector.address, laptop);
    const s = client.open();
    s.call.write({ hello: { ...laptop.hello, clockMs: Date.now() } });
    // A heartbeat a second for 6 s, as a (fast) agent sends them.
    for (let seq = 1; seq <= 6; seq++) {
      await new Promise((r) => setTimeout(r, 1000));
      s.call.write({ batch: { events: [{ sequence: seq, observedAtMs: Date.now(), heartbeat: { uptimeMs: seq * 1000 } }] } });
    }
    const deadline = Date.now() + 5000;
    while (!s.result.received.some((m) => m.ack?.sequence === 6) && s.result.error === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(s.result.error).toBeUndefined();
    expect(s.result.received[0]?.helloAck?.deviceId).toBe(laptop.deviceId);
    expect(s.result.received.map((m) => m.ack?.sequence).filter((n) => n !== undefined)).toEqual([1, 2, 3, 4, 5, 6]);
    s.call.end();
    await s.ended;
    client.close();
  }, 20_000);
});

describe('connection caps', () => {
  for (const which of ['grpc', 'http'] as const) {
    it(`the ${which} port holds 3 connections and closes a fourth at once; once they go, it accepts again`, async () => {
      const port = portOf(capped, which);
      const held = [await probe(port), await probe(port), await probe(port)];
      const fourth = await probe(port);
      // Refused: closed at once, without a byte (an accepted silent connection waits 10 or 20 s).
      expect(await Promise.race([fourth.closed, new Promise<number>((ok) => setTimeout(() => ok(Infinity), 2000))])).toBeLessThan(2000);
      expect(fourth.received()).toBe('');
      for (const h of held) expect(h.socket.destroyed).toBe(false);
      for (const h of held) h.socket.destroy();
      // Served again once the server has seen them close.
      let served = false;
      for (let i = 0; i < 50 && !served; i++) {
        served = which === 'http'
          ? await fetch(`${capped.collector.api}/v1/health`).then((res) => res.ok, () => false)
          : await new Promise<boolean>((ok) => {
            const t = tlsConnect({ host: '127.0.0.1', port, ca: capped.pki.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
            t.once('secureConnect', () => {
              t.destroy();
              ok(true);
            });
            t.once('error', () => ok(false));
            t.once('close', () => ok(false));
          });
        if (!served) await new Promise((r) => setTimeout(r, 100));
      }
      expect(served).toBe(true);
    });
  }

  it('counts what it refused in /metrics', async () => {
    const r = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'metrics', '--role', 'analyst', '--json', '--db', capped.db]);
    const token = (JSON.parse(r.stdout) as { token: string }).token;
    const text = await (await fetch(`${capped.collector.api}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(text).toMatch(/^farmwatch_connections_refused_total\{port="grpc"\} [1-9]/m);
    expect(text).toMatch(/^farmwatch_connections_refused_total\{port="http"\} [1-9]/m);
  });
});
