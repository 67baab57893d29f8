// fast-check arbitraries for the fuzz tests: agent events with hostile field values, frame
// mutations, and the check that a refusal is an explanation and not the collector's own failure.
import fc from 'fast-check';
import { expect } from 'vitest';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import type { Event } from '@farmwatch/proto';

/** Strings as they come: short, binary, NUL, astral, and just over the collector's limits. */
export const text = (): fc.Arbitrary<string> => fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', 'anydesk', 'remote_access.process', '\u0000', '💻'.repeat(300), 'a'.repeat(1025), 'b'.repeat(129), "'; DROP TABLE events; --"),
);

/** Numbers for integer fields, including ones no clock or counter ever has. */
export const uint = (): fc.Arbitrary<number> => fc.oneof(
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 53 - 1, 1e16, 8.64e15 + 1),
);

/** A time: now, a little or a lot off, or not a time at all. */
export const time = (): fc.Arbitrary<number> => fc.oneof(
  fc.integer({ min: -3_600_000, max: 3_600_000 }).map((d) => Date.now() + d),
  fc.constantFrom(Date.now() + 3 * 86_400_000, Date.now() - 40 * 86_400_000, 0, 1, 1e16, 2 ** 53 - 1, 8.64e15 + 1),
);

const enumInt = (): fc.Arbitrary<number> => fc.integer({ min: -3, max: 40 });
const bytes = (): fc.Arbitrary<Uint8Array> => fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 16, maxLength: 16 }));

const usb = fc.record({
  vendorId: uint(), productId: uint(), manufacturer: text(), product: text(), serial: text(), portPath: text(),
  interfaces: fc.array(fc.record({ number: uint(), interfaceClass: uint(), driver: text() }), { maxLength: 40 }),
});

/** Event bodies as plain objects (the encoder takes what the schema allows; the rest is the point). */
type Body = Record<string, unknown>;

const body: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ heartbeat: fc.record({ uptimeMs: uint(), spoolDepth: uint() }) }),
  fc.record({
    finding: fc.record({
      detector: text(), key: text(), category: enumInt(), severity: enumInt(), confidence: fc.integer({ min: 0, max: 300 }), title: text(),
      catalogEntry: text(), sanctioned: fc.boolean(), firstSeenMs: time(),
      evidence: fc.array(fc.record({ field: text(), value: text(), catalogEntry: text(), matched: text() }), { maxLength: 70 }),
    }),
  }),
  fc.record({ findingCleared: fc.record({ detector: text(), key: text() }) }),
  fc.record({ inventoryChange: fc.record({ op: enumInt(), item: fc.oneof(fc.constant({}), fc.record({ usbDevice: usb }), fc.record({ display: fc.record({ connector: text(), edid: fc.uint8Array({ maxLength: 5000 }) }) })) }) }),
  fc.record({ inventoryComplete: fc.record({ kinds: fc.array(enumInt(), { maxLength: 5 }), itemCount: uint() }) }),
  fc.record({ observation: fc.record({ kind: enumInt(), valueHash: bytes(), value: text(), via: text() }, { requiredKeys: ['kind'] }) }),
  fc.record({ health: fc.record({ cpuPermille: uint(), rssBytes: uint(), sensors: fc.array(fc.record({ sensor: text(), status: enumInt(), reason: text(), lastRunMs: time() }), { maxLength: 70 }) }) }),
  fc.record({ stopped: fc.record({ reason: enumInt(), detail: text() }) }),
  fc.record({ dropped: fc.record({ count: uint(), reason: enumInt() }) }),
  fc.constant({}),
);

/** Strings within the collector's limits, still odd (unicode, NUL, quotes). */
const fair = (): fc.Arbitrary<string> => fc.oneof(fc.string({ minLength: 1, maxLength: 24 }), fc.constantFrom('anydesk', '\u0000', '💻', "'; DROP TABLE events; --", 'a'.repeat(1024)));

/** Events a correct agent could send, with odd but legal values: most batches of these are taken. */
const plausible: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ heartbeat: fc.record({ uptimeMs: uint(), spoolDepth: fc.nat() }) }),
  fc.record({
    finding: fc.record({
      detector: fair(), key: fair(), category: fc.integer({ min: 0, max: 4 }), severity: fc.integer({ min: 0, max: 5 }), confidence: fc.integer({ min: 0, max: 100 }),
      title: fair(), firstSeenMs: fc.integer({ min: 1, max: 4_102_444_800_000 }), evidence: fc.array(fc.record({ field: fair(), value: fair() }), { maxLength: 5 }),
    }),
  }),
  fc.record({ findingCleared: fc.record({ detector: fair(), key: fair() }) }),
  fc.record({ observation: fc.record({ kind: fc.integer({ min: 1, max: 8 }), value: fc.oneof(fc.ipV4(), fair()), via: fc.constantFrom('anydesk', 'wlan0', '') }) }),
  fc.record({ health: fc.record({ cpuPermille: fc.nat(1000), rssBytes: fc.nat(), sensors: fc.array(fc.record({ sensor: fair(), status: fc.integer({ min: 0, max: 3 }) }), { maxLength: 5 }) }) }),
  fc.record({ stopped: fc.record({ reason: fc.integer({ min: 0, max: 6 }), detail: fair() }) }),
);

export const plausibleEvent = (): fc.Arbitrary<Event> => fc.tuple(fc.integer({ min: -7 * 86_400_000, max: 86_400_000 }), plausible)
  .map(([offset, b]) => ({ sequence: 1, observedAtMs: Date.now() + offset, ...b }));

/** An event with random sequence, time and body (the caller may renumber it). */
export const anyEvent = (): fc.Arbitrary<Event> => fc.tuple(fc.oneof(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, 2 ** 53 - 1, 1e16)), time(), body)
  .map(([sequence, observedAtMs, b]) => ({ sequence, observedAtMs, ...b }));

/** A frame cut short, with a byte flipped, bytes inserted or repeated. */
export function mutate(valid: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.integer({ min: 0, max: valid.length - 1 }).map((n) => valid.subarray(0, n)),
    fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const b = Buffer.from(valid);
      b[i] = (b[i] as number) ^ x;
      return b;
    }),
    fc.tuple(fc.integer({ min: 0, max: valid.length }), fc.uint8Array({ minLength: 1, maxLength: 20 })).map(([i, ins]) => Buffer.concat([valid.subarray(0, i), Buffer.from(ins), valid.subarray(i)])),
    fc.integer({ min: 2, max: 50 }).map((n) => Buffer.concat(Array.from({ length: n }, () => valid))),
  );
}

/** Statuses a refusal may carry: the input was wrong, too big, out of order, or not allowed. Never the collector's own failure. */
export const REFUSALS = [Status.INVALID_ARGUMENT, Status.RESOURCE_EXHAUSTED, Status.FAILED_PRECONDITION, Status.PERMISSION_DENIED, Status.UNAUTHENTICATED];

export function clearRefusal(err: ServiceError): void {
  expect(REFUSALS, `status ${Status[err.code]}: ${err.details}`).toContain(err.code);
  expect(err.details.length).toBeGreaterThan(10);
  expect(err.details).not.toMatch(/\n\s+at |TypeError|RangeError|ReferenceError|undefined is not|Cannot read prop/);
}
