// Fuzzing the collector's ingest stream (a real collector process, an enrolled laptop over mutual
// TLS): batches of events with random field values, random and mutated frames, and gRPC framing
// that lies. After every input: the collector answered in time with a status that says what was
// wrong (never one that blames itself), it is still up, and the database holds exactly the events
// it acknowledged: every acknowledged event byte for byte, nothing of a refused batch.
//   FARMWATCH_FUZZ_RUNS (default 40 per property), FARMWATCH_FUZZ_SEED (fixed by default)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status as Status } from '@grpc/grpc-js';
import { pb, type AgentMessage, type Event } from '@farmwatch/proto';
import { makePki, type Pki } from '../helpers/pki.js';
import { startCollector, type RunningCollector } from '../helpers/processes.js';
import { enrollLaptop, type EnrolledLaptop } from '../helpers/enroll.js';
import { query } from '../helpers/field.js';
import { RawIngestClient, type StreamResult } from '../helpers/raw-client.js';
import { grpcFrame, rawGrpc } from './helpers/h2-grpc.js';
import { anyEvent, clearRefusal, mutate, plausibleEvent } from './helpers/arbitraries.js';
import { fuzzParams } from './helpers/runs.js';

const params = fuzzParams();

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let laptop: EnrolledLaptop;

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-fuzz-ingest-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir, ['--rate', '100000', '--burst', '1000000']);
  laptop = await enrollLaptop(collector.address, db, pki.ca, { serial: 'FUZZ-1', assignee: 'Fuzz Er <fuzz@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'fuzz' });
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

interface Stored { sequence: number; body: Buffer }
const storedEvents = (): Stored[] => query<Stored>(db, 'SELECT sequence, body FROM events WHERE device_id = ? ORDER BY sequence', laptop.deviceId);
const lastSequence = (): number => query<{ n: number }>(db, 'SELECT last_sequence AS n FROM devices WHERE id = ?', laptop.deviceId)[0]?.n ?? 0;

/** Hello, then the frames; returns what came back. */
async function exchange(frames: (AgentMessage | Buffer)[], timeoutMs = 10_000): Promise<StreamResult> {
  const client = new RawIngestClient(collector.address, laptop);
  try {
    return await client.exchange([{ hello: { ...laptop.hello, clockMs: Date.now() } }, ...frames], 1, timeoutMs);
  } finally {
    client.close();
  }
}

/** The collector is up and the database holds what it acknowledged and nothing else. */
function checkStore(before: Stored[], sent: Event[], r: StreamResult): void {
  expect(collector.child.exitCode).toBeNull();
  const after = storedEvents();
  const acked = Math.max(0, ...r.received.map((m) => m.ack?.sequence ?? 0));
  const previous = before.at(-1)?.sequence ?? 0;
  if (acked > previous) {
    // Acknowledged: every new event is stored exactly as sent.
    const fresh = sent.filter((e) => Number(e.sequence) > previous);
    expect(after.length).toBe(before.length + fresh.length);
    for (const e of fresh) {
      const row = after.find((s) => s.sequence === Number(e.sequence));
      expect(row && Buffer.from(row.body).equals(Buffer.from(pb.Event.encode(e).finish()))).toBe(true);
    }
    expect(lastSequence()).toBe(acked);
  } else {
    expect(after).toEqual(before);
  }
}

describe('fuzzing the ingest stream', () => {
  it('random field values: acknowledged events stored as sent, refused batches not at all, every refusal explained', async () => {
    const outcomes = { acked: 0, refused: 0 };
    const batch = fc.oneof(fc.array(plausibleEvent(), { minLength: 1, maxLength: 30 }), fc.array(anyEvent(), { minLength: 1, maxLength: 30 }));
    await fc.assert(fc.asyncProperty(batch, fc.boolean(), async (bodies, inOrder) => {
      const before = storedEvents();
      const base = lastSequence();
      const events: Event[] = bodies.map((e, i) => (inOrder ? { ...e, sequence: base + i + 1 } : e));
      const r = await exchange([{ batch: { events } }]);
      expect(r.received[0]?.helloAck?.deviceId).toBe(laptop.deviceId);
      if (r.error) clearRefusal(r.error);
      else expect(r.received[1]?.ack).toBeDefined();
      outcomes[r.error ? 'refused' : 'acked']++;
      checkStore(before, events, r);
    }), params);
    // Both ways through ingest were taken.
    expect(outcomes.acked).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 600_000);

  it('random bytes, cut and mutated frames: refused with INVALID_ARGUMENT (or taken when they still decode), nothing stored wrongly', async () => {
    const valid = Buffer.from(pb.AgentMessage.encode({ batch: { events: [{ sequence: 1e9, observedAtMs: Date.now(), heartbeat: { uptimeMs: 5 } }] } }).finish());
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), mutate(valid)), async (frame) => {
      const before = storedEvents();
      const decoded = (() => {
        try {
          return pb.AgentMessage.decode(frame);
        } catch {
          return undefined;
        }
      })();
      // A frame that decodes to a message of no kind this collector knows is ignored (no answer): wait less for it.
      const r = await exchange([frame], 1500);
      if (r.error) clearRefusal(r.error);
      if (!decoded) expect(r.error?.code).toBe(Status.INVALID_ARGUMENT);
      const events = decoded?.batch?.events ? (pb.AgentMessage.toObject(decoded) as AgentMessage).batch?.events ?? [] : [];
      checkStore(before, events, r);
    }), params);
  }, 600_000);

  it('gRPC framing that lies (length, compression flag, cut prefix): an answer in time, a status, nothing stored', async () => {
    const hello = Buffer.from(pb.AgentMessage.encode({ hello: { ...laptop.hello, clockMs: Date.now() } }).finish());
    const tls = { ca: pki.ca, cert: laptop.certPem, key: laptop.keyPem };
    const framing = fc.oneof(
      fc.record({ compressed: fc.constant(true) }),
      fc.record({ length: fc.oneof(fc.integer({ min: 0, max: hello.length * 3 }), fc.constantFrom(0xffffffff, 0x7fffffff, 4 * 1024 * 1024 + 1)) }),
      fc.record({ cut: fc.integer({ min: 1, max: 4 }) }),
    );
    await fc.assert(fc.asyncProperty(framing, fc.boolean(), async (how, helloFirst) => {
      const before = storedEvents();
      const bad = 'cut' in how ? grpcFrame(hello).subarray(0, how.cut) : grpcFrame(hello, how);
      const body = helloFirst ? Buffer.concat([grpcFrame(hello), bad]) : bad;
      const a = await rawGrpc(collector.port, tls, '/farmwatch.v1.Ingest/Stream', body);
      expect(a.timedOut).toBe(false);
      expect(a.grpcStatus !== undefined || a.error !== undefined).toBe(true);
      if (a.grpcStatus !== undefined && a.grpcStatus !== 0) expect(a.grpcMessage ?? '').not.toBe('');
      expect(collector.child.exitCode).toBeNull();
      expect(storedEvents()).toEqual(before);
    }), params);
  }, 600_000);
});
