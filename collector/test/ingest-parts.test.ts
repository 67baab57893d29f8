// Parts of ingest: the client address behind trusted proxies, token buckets, group commit (one
// transaction for many batches, each retried alone when the group fails), and retention.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pb, type Event } from '@farmwatch/proto';
import { ClientAddress, RateLimiter, SqliteStore, peerAddress } from '../src/index.js';
import { GroupCommit } from '../src/ingest/group-commit.js';

describe('client address', () => {
  it('takes the TCP peer, unless it is a trusted proxy: then the right-most untrusted X-Forwarded-For hop', () => {
    expect(peerAddress('ipv4:203.0.113.7:51234')).toBe('203.0.113.7');
    expect(peerAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(peerAddress('::ffff:127.0.0.1:5000')).toBe('127.0.0.1');
    expect(peerAddress('2001:db8::1:443')).toBe('2001:db8::1');
    expect(peerAddress('127.0.0.1:5000')).toBe('127.0.0.1');
    const none = new ClientAddress();
    expect(none.resolve('127.0.0.1:5000', ['73.162.10.1'])).toBe('127.0.0.1');
    const lb = new ClientAddress(['10.0.0.0/8']);
    expect(lb.resolve('10.0.0.5:5000', ['66.1.1.1, 73.162.10.1'])).toBe('73.162.10.1');
    expect(lb.resolve('10.0.0.5:5000', ['73.162.10.1, 10.9.9.9'])).toBe('73.162.10.1');
    expect(lb.resolve('10.0.0.5:5000', [])).toBe('10.0.0.5');
    expect(lb.resolve('10.0.0.5:5000', ['not-an-ip'])).toBe('10.0.0.5');
  });
});

describe('rate limiter', () => {
  it('allows a burst, then the rate, and says how long to wait', () => {
    const r = new RateLimiter({ ratePerS: 10, burst: 100 });
    expect(r.take('d', 100, 0)).toBe(0);
    expect(r.take('d', 10, 0)).toBe(1000);
    expect(r.take('d', 10, 1000)).toBe(0);
    expect(r.take('other', 50, 1000)).toBe(0);
  });
});

describe('storage', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const store = (): SqliteStore => {
    const dir = mkdtempSync(join(tmpdir(), 'farmwatch-store-'));
    dirs.push(dir);
    const s = new SqliteStore(join(dir, 'c.db'));
    for (const id of ['dev_a', 'dev_b']) {
      s.registry.register({ serial: id, assigneeName: id, assigneeEmail: `${id}@x.com`, shipTo: 'x', shipCountry: 'US', shipLat: null, shipLon: null, timeZone: 'UTC' }, 'test', 1);
      const reg = s.registry.registrationBySerial(id);
      s.db.prepare("INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES (?, ?, 1, 1)").run(reg?.deviceId, `m-${id}`);
    }
    return s;
  };
  const ev = (sequence: number, at: number): Event => pb.Event.decode(pb.Event.encode({ sequence, observedAtMs: at, heartbeat: { uptimeMs: 1 } }).finish());

  it('commits batches of several devices in one transaction and answers each', async () => {
    const s = store();
    const [a, b] = s.listDevices().map((d) => d.id);
    const gc = new GroupCommit(s);
    const results = await Promise.all([gc.submit(a ?? '', 0, [ev(1, 5), ev(2, 5)], 0, 10), gc.submit(b ?? '', 0, [ev(1, 5)], 0, 10), gc.submit(a ?? '', 2, [ev(3, 5)], 0, 10)]);
    expect(results.map((r) => [r.stored, r.lastSequence])).toEqual([[2, 2], [1, 1], [1, 3]]);
    expect(gc.commits).toBe(1);
    expect(gc.batches).toBe(3);
    s.close();
  });

  it('retries each batch alone when the group fails, so one bad batch fails alone', async () => {
    const s = store();
    const [a] = s.listDevices().map((d) => d.id);
    const gc = new GroupCommit(s);
    const good = gc.submit(a ?? '', 0, [ev(1, 5)], 0, 10);
    const bad = gc.submit('dev_does_not_exist', 0, [ev(1, 5)], 0, 10); // foreign key: no such device
    await expect(bad).rejects.toThrow(/FOREIGN KEY/);
    expect((await good).stored).toBe(1);
    expect(s.device(a ?? '')?.lastSequence).toBe(1);
    s.close();
  });

  it('keeps the latest CPU figure with the span it covers, from heartbeats and health reports', async () => {
    const s = store();
    const [a] = s.listDevices().map((d) => d.id);
    const id = a ?? '';
    const gc = new GroupCommit(s);
    const event = (sequence: number, at: number, body: Omit<Event, 'sequence' | 'observedAtMs'>): Event =>
      pb.Event.decode(pb.Event.encode({ sequence, observedAtMs: at, ...body }).finish());
    // Start-up, then a minute later: the heartbeat's 60 s figure is the later one and wins.
    await gc.submit(id, 0, [
      event(1, 1000, { health: { cpuPermille: 936, cpuWindowS: 12, rssBytes: 80_000_000, sensors: [] } }),
      event(2, 61_000, { heartbeat: { uptimeMs: 61_000, cpuPermille: 7, cpuWindowS: 60 } }),
      event(3, 62_000, { heartbeat: { uptimeMs: 62_000 } }), // no figure: an older agent's heartbeat
    ], 0, 70_000);
    expect(s.device(id)).toMatchObject({ cpuPermille: 7, cpuWindowS: 60, cpuAtMs: 61_000, rssBytes: 80_000_000 });
    // An older agent's health report: its figure covers "since its previous report" (window 0).
    await gc.submit(id, 3, [event(4, 120_000, { health: { cpuPermille: 12, rssBytes: 81_000_000, sensors: [] } })], 0, 130_000);
    expect(s.device(id)).toMatchObject({ cpuPermille: 12, cpuWindowS: 0, cpuAtMs: 120_000 });
    s.close();
  });

  it('prunes what is older than the retention period, keeping the device and its sequence', async () => {
    const s = store();
    const [a] = s.listDevices().map((d) => d.id);
    const gc = new GroupCommit(s);
    await gc.submit(a ?? '', 0, [ev(1, 5), ev(2, 5)], 0, 1000);
    await gc.submit(a ?? '', 2, [ev(3, 5)], 0, 5000);
    s.write((w) => w.upsertObservation({ deviceId: a ?? '', kind: 'public_ip', valueKey: '73.162.10.1', value: '73.162.10.1', via: 'collector', atMs: 1000 }));
    expect(s.prune(2000)).toMatchObject({ events: 2, observations: 1 });
    expect(s.db.prepare('SELECT sequence FROM events').all()).toEqual([{ sequence: 3 }]);
    expect(s.device(a ?? '')?.lastSequence).toBe(3);
    s.close();
  });
});

describe('raw event bytes', () => {
  it('keeps each event exactly as the agent sent it, unknown fields from newer agents included', async () => {
    const { collectorIngestService, rawEvent } = await import('../src/ingest/raw-events.js');
    const e1 = Buffer.from(pb.Event.encode({ sequence: 1, observedAtMs: 5, heartbeat: { uptimeMs: 1 } }).finish());
    // Field 99 (varint) is unknown to this collector: a newer agent's addition.
    const e2 = Buffer.concat([Buffer.from(pb.Event.encode({ sequence: 2, observedAtMs: 5, heartbeat: { uptimeMs: 2 } }).finish()), Buffer.from([0x98, 0x06, 0x2a])]);
    const batch = Buffer.concat([Buffer.from([0x0a, e1.length]), e1, Buffer.from([0x0a, e2.length]), e2]);
    const frame = Buffer.concat([Buffer.from([0x12, batch.length]), batch]);
    const decoded = collectorIngestService.stream.requestDeserialize(frame);
    expect(decoded.ok).toBe(true);
    const events = decoded.ok ? decoded.message.batch?.events ?? [] : [];
    expect(events.map((e) => Buffer.from(rawEvent(e) ?? []).toString('hex'))).toEqual([e1.toString('hex'), e2.toString('hex')]);
  });
});
