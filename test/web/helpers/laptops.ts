// Laptops that enroll and report to a real collector over mutual TLS, as fleet-e2e does: `devices
// add` on the CLI, the Enroll RPC with a new key, then Hello (from a home address the collector
// learns through its trusted proxy header) and one batch of events, with co-location values
// hashed with the fleet key the collector pushed.
import { createHmac } from 'node:crypto';
import { Category, SensorStatus, Severity, type Event, type ObservationKind } from '@farmwatch/proto';
import { RawIngestClient } from '../../helpers/raw-client.js';
import { enrollLaptop, type EnrolledLaptop, type Laptop } from '../../helpers/enroll.js';

export type EventBody = Omit<Event, 'sequence' | 'observedAtMs'>;

const hash = (key: Buffer, value: string): Buffer => createHmac('sha256', key).update(value.toLowerCase()).digest().subarray(0, 16);

export async function report(address: string, db: string, ca: Buffer, l: Laptop, home: string, events: (key: Buffer) => EventBody[]): Promise<EnrolledLaptop> {
  const me = await enrollLaptop(address, db, ca, l);
  const client = new RawIngestClient(address, me, { forwardedFor: home });
  const { call, result, ended } = client.open();
  call.write({ hello: { ...me.hello, clockMs: Date.now() } });
  const deadline = Date.now() + 15_000;
  while (result.config.length === 0 && !result.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const key = Buffer.from(result.config[0]?.config?.settings?.observationKey ?? []);
  if (key.length !== 32) throw new Error(`no fleet key from the collector: ${result.error?.message ?? 'timeout'}`);
  const now = Date.now();
  const batch = events(key);
  call.write({ batch: { events: batch.map((e, i) => ({ ...e, sequence: i + 1, observedAtMs: now }) as Event) } });
  while (result.received.length < 2 && !result.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (result.error || result.received[1]?.ack?.sequence !== batch.length) throw new Error(`the batch was not acknowledged: ${result.error?.message ?? JSON.stringify(result.received)}`);
  call.end();
  await ended;
  client.close();
  return me;
}

export const finding = (tool: string, title: string, evidence: { field: string; value: string }[], severity = Severity.SEVERITY_MEDIUM): EventBody => ({
  finding: {
    detector: 'remote_access.process', key: tool, category: Category.CATEGORY_REMOTE_ACCESS, severity, confidence: 80, title, catalogEntry: tool,
    firstSeenMs: Date.now(), evidence: evidence.map((e) => ({ ...e, catalogEntry: tool, matched: e.value.toLowerCase() })),
  },
});

export const observation = (kind: ObservationKind, value: string, via: string, key?: Buffer): EventBody =>
  ({ observation: { kind, via, ...(key ? { valueHash: hash(key, value) } : { value }) } });

/** An agent health report: sensors as the agent reports them, and its spool depth. */
export const health = (spoolDepth: number): EventBody => ({
  health: {
    cpuPermille: 4, cpuWindowS: 60, rssBytes: 58_000_000, spoolDepth,
    sensors: [
      { sensor: 'processes', status: SensorStatus.SENSOR_STATUS_OK, items: 212, durationMs: 38, lastRunMs: Date.now() },
      { sensor: 'usb_devices', status: SensorStatus.SENSOR_STATUS_OK, items: 6, durationMs: 12, lastRunMs: Date.now() },
      { sensor: 'wifi', status: SensorStatus.SENSOR_STATUS_UNAVAILABLE, reason: 'no wireless interface', items: 0, durationMs: 1, lastRunMs: Date.now() },
    ],
  },
});
