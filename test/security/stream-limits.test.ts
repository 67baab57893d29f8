// Probe: there was no cap on streams per device (one certificate held 1,000 streams, +196 MB), and
// every Hello naming another catalog version pulled the 134 KB catalog again. Now a device keeps
// one stream: a new one ends the one before with ABORTED "stream replaced: ..." (the agent then
// backs off instead of fighting a copy of itself), and the catalog is pushed to a device at most
// once in 10 minutes however many Hellos ask.
import { credentials, status as Status } from '@grpc/grpc-js';
import type { Logger } from '@farmwatch/shared';
import { describe, expect, it } from 'vitest';
import { probeCollector } from '../helpers/probe-collector.js';
import { enrollLaptop, type EnrolledLaptop } from '../helpers/enroll.js';
import { RawIngestClient } from '../helpers/raw-client.js';
import { StreamClient } from '../../agent/src/transport/stream-client.js';
import { MemoryOutbox } from '../../agent/src/transport/outbox.js';

const p = probeCollector('sec-streams');
let n = 0;

const enroll = (serial: string): Promise<EnrolledLaptop> => enrollLaptop(p.collector.address, p.db, p.pki.ca, {
  serial, assignee: 'Pat Doe <pat@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: `lt-streams-${++n}`,
});
const until = async (ok: () => boolean, ms = 8000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

describe('streams per device', () => {
  it('keeps only the newest of three streams with one identity; the others end saying they were replaced', async () => {
    const laptop = await enroll('SEC-STREAMS-1');
    const clients = [0, 1, 2].map(() => new RawIngestClient(p.collector.address, laptop));
    const streams: ReturnType<RawIngestClient['open']>[] = [];
    for (const c of clients) {
      const s = c.open();
      s.call.write({ hello: { ...laptop.hello, clockMs: Date.now() } });
      await until(() => s.result.received.length > 0 || s.result.error !== undefined);
      expect(s.result.received[0]?.helloAck?.deviceId).toBe(laptop.deviceId);
      streams.push(s);
    }
    await until(() => streams.slice(0, 2).every((s) => s.result.error !== undefined));
    for (const s of streams.slice(0, 2)) {
      expect(s.result.error?.code).toBe(Status.ABORTED);
      expect(s.result.error?.details).toMatch(new RegExp(`^stream replaced: device ${laptop.deviceId} opened a newer stream \\(from .+\\) at \\d{4}-`));
    }
    // The newest is still open and working.
    const newest = streams[2];
    newest?.call.write({ batch: { events: [{ sequence: 1, observedAtMs: Date.now(), heartbeat: { uptimeMs: 1 } }] } });
    await until(() => (newest?.result.received.length ?? 0) > 1 || newest?.result.error !== undefined);
    expect(newest?.result.error).toBeUndefined();
    expect(newest?.result.received[1]?.ack?.sequence).toBe(1);
    newest?.call.end();
    await newest?.ended;
    for (const c of clients) c.close();
  });

  it('pushes the catalog once to a device whose Hellos keep naming another version', async () => {
    const laptop = await enroll('SEC-STREAMS-2');
    const client = new RawIngestClient(p.collector.address, laptop);
    let pushed = 0;
    for (let i = 0; i < 4; i++) {
      const s = client.open();
      s.call.write({ hello: { ...laptop.hello, clockMs: Date.now(), catalogVersion: '0123456789abcdef' } });
      // The collector sends HelloAck, configuration and any catalog, then its first ping.
      await until(() => s.result.pings > 0 || s.result.error !== undefined);
      expect(s.result.error).toBeUndefined();
      expect(s.result.received[0]?.helloAck?.deviceId).toBe(laptop.deviceId);
      pushed += s.result.catalogs.length;
      s.call.end();
      await s.ended;
    }
    client.close();
    expect(pushed).toBe(1);
  });

  it('two agents holding one identity back off instead of replacing each other every few hundred milliseconds', async () => {
    const laptop = await enroll('SEC-STREAMS-3');
    const retries: { agent: number; inMs: number }[] = [];
    const agent = (i: number): StreamClient => {
      const log: Logger = {
        debug: () => undefined, info: () => undefined, error: () => undefined, child: () => log,
        warn: (message, fields) => {
          if (message === 'collector stream closed; reconnecting' && /stream replaced/.test(String(fields?.reason))) retries.push({ agent: i, inMs: Number(fields?.retryInMs) });
        },
      };
      return new StreamClient({
        server: p.collector.address, credentials: credentials.createSsl(laptop.ca, laptop.keyPem, laptop.certPem), outbox: new MemoryOutbox(), log,
        hello: () => ({ ...laptop.hello, clockMs: Date.now() }), backoff: { initialMs: 200, maxMs: 60_000 },
      });
    };
    const agents = [agent(1), agent(2)];
    for (const a of agents) a.start();
    await new Promise((r) => setTimeout(r, 5000));
    for (const a of agents) a.stop();
    // Replaced again and again, each agent waits longer each time (200 ms doubling): a handful of
    // replacements in 5 s, not one every 100-200 ms.
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.length).toBeLessThan(16);
    expect(Math.max(...retries.map((r) => r.inMs))).toBeGreaterThanOrEqual(800);
  });
});
