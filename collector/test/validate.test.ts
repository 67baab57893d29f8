import { describe, expect, it } from 'vitest';
import { Severity, pb, type Event } from '@farmwatch/proto';
import { ProtocolViolation, validateBatch, validateHello } from '../src/index.js';

const now = 1_795_800_000_000;
// Events as the collector sees them: decoded message instances (their `body` tells the oneof).
const ev = (props: object): Event => pb.Event.decode(pb.Event.encode(props).finish());
const hb = (sequence: number, extra: object = {}): Event => ev({ sequence, observedAtMs: now, heartbeat: { uptimeMs: 1 }, ...extra });

describe('batch validation', () => {
  it('returns the new events and counts the replayed ones', () => {
    const r = validateBatch([hb(4), hb(5), hb(6)], 5, now);
    expect(r.fresh.map((e) => e.sequence)).toEqual([6]);
    expect(r.replayed).toBe(2);
  });

  it.each([
    ['an empty batch', [], /no events/],
    ['sequences that go back', [hb(3), hb(2)], /sequence 2 does not follow 3/],
    ['a repeated sequence', [hb(3), hb(3)], /does not follow 3/],
    ['sequence 0', [hb(0)], /sequences start at 1/],
    ['a missing time', [hb(1, { observedAtMs: 0 })], /observed_at_ms is missing/],
    // Found by test/fuzz/ingest.fuzz.test.ts: these broke Date formatting, and the collector answered UNAVAILABLE
    // (blaming itself, so the agent sent them again forever) instead of saying what was wrong.
    ['a time beyond any date', [hb(1, { observedAtMs: 1e16 })], /observed_at_ms is 10000000000000000, which is no time/],
    ['a first sighting beyond any date', [ev({ sequence: 1, observedAtMs: now, finding: { detector: 'd', key: 'k', firstSeenMs: 2 ** 60 } })], /finding.first_seen_ms is \d+, which is no time/],
    ['a sensor run beyond any date', [ev({ sequence: 1, observedAtMs: now, health: { sensors: [{ sensor: 'usb', lastRunMs: 9e15 }] } })], /health.sensors.last_run_ms is 9000000000000000, which is no time/],
  ] as [string, Event[], RegExp][])('refuses %s', (_what, events, message) => {
    expect(() => validateBatch(events, 0, now)).toThrow(ProtocolViolation);
    expect(() => validateBatch(events, 0, now)).toThrow(message);
  });

  it('takes times far from its own clock: a laptop\'s clock may be off by days', () => {
    expect(validateBatch([hb(1, { observedAtMs: now + 3 * 86_400_000 }), hb(2, { observedAtMs: now - 400 * 86_400_000 })], 0, now).fresh).toHaveLength(2);
  });

  it('refuses too many events in one batch', () => {
    const events = Array.from({ length: 1001 }, (_, i) => hb(i + 1));
    expect(() => validateBatch(events, 0, now)).toThrow(/1001 events; at most 1000/);
  });

  it('names the field of a finding that is too long', () => {
    const e = ev({ sequence: 1, observedAtMs: now, finding: { detector: 'd', key: 'k', title: 'x'.repeat(5000) } });
    expect(() => validateBatch([e], 0, now)).toThrow('events[0].finding.title is 5000 characters long; at most 1024 are accepted');
  });

  it('refuses an unknown severity and a confidence over 100', () => {
    const bad = (finding: object): Event => ev({ sequence: 1, observedAtMs: now, finding: { detector: 'd', key: 'k', ...finding } });
    expect(() => validateBatch([bad({ severity: 99 })], 0, now)).toThrow(/severity has the unknown value 99/);
    expect(() => validateBatch([bad({ severity: Severity.SEVERITY_LOW, confidence: 101 })], 0, now)).toThrow(/percentage/);
  });

  it('refuses a finding without detector or key', () => {
    expect(() => validateBatch([ev({ sequence: 1, observedAtMs: now, finding: { key: 'k' } })], 0, now)).toThrow(/finding.detector is empty/);
  });
});

describe('observation validation', () => {
  const obs = (o: object): Event => ev({ sequence: 1, observedAtMs: now, observation: o });
  it.each([
    ['an unknown kind', { kind: 77, value: 'x' }, /observation.kind has the unknown value 77/],
    ['no kind', { value: 'x' }, /observation.kind is missing/],
    ['a hash that is not 16 bytes', { kind: 2, valueHash: Buffer.alloc(32) }, /value_hash is 32 bytes; keyed hashes are the first 16 bytes/],
    ['neither hash nor value', { kind: 7, via: 'anydesk' }, /has neither value_hash nor value/],
    ['a value too long', { kind: 7, value: '1'.repeat(300) }, /observation.value is 300 characters long; at most 256/],
  ] as [string, object, RegExp][])('refuses %s', (_what, o, message) => {
    expect(() => validateBatch([obs(o)], 0, now)).toThrow(message);
  });
  it('accepts a keyed hash and a peer address', () => {
    expect(validateBatch([obs({ kind: 2, valueHash: Buffer.alloc(16), via: 'wlan0' })], 0, now).fresh).toHaveLength(1);
    expect(validateBatch([obs({ kind: 7, value: '142.214.202.2', via: 'anydesk' })], 0, now).fresh).toHaveLength(1);
  });
});

describe('hello validation', () => {
  it('needs a machine id', () => {
    expect(() => validateHello({})).toThrow('hello.machine_id is empty');
  });
  it('refuses a clock that is no time', () => {
    expect(() => validateHello({ machineId: 'm', clockMs: 1e17 })).toThrow('hello.clock_ms is 100000000000000000, which is no time');
  });
  it('bounds what the agent says about itself', () => {
    expect(() => validateHello({ machineId: 'm', hostname: 'h'.repeat(300) })).toThrow(/hello.hostname is 300 characters/);
  });
});
