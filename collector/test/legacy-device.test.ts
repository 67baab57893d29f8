// A collector that ran before enrollment existed kept laptops that reported with a shared demo
// certificate and were never registered. When such a laptop enrolls as a registered device, it
// must not be refused as "already enrolled": the old rows stay under their old id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, type HelloRecord } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'farmwatch-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hello: HelloRecord = {
  machineId: 'm'.repeat(64), hostname: 'laptop-7', hardwareSerial: '', osPlatform: 'linux', osName: 'Debian', osVersion: '12',
  agentVersion: '0.1.0', catalogVersion: 'c', bootId: 'b', timeZone: 'UTC', clockSkewMs: 0, peer: '127.0.0.1:1',
};
const cert = (serial: string) => ({ serial, fingerprint: `fp-${serial}`, notAfterMs: Date.now() + 86_400_000 });

describe('enrolling a laptop the collector knew before enrollment', () => {
  it('gives the machine to the registered device and keeps the old history apart', () => {
    const store = new SqliteStore(join(dir, 'c.db'));
    const now = Date.now();
    // As the first collector stored a laptop from its Hello: a device row, no registration, no certificate.
    store.db.prepare('INSERT INTO devices (id, machine_id, hostname, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)')
      .run('dev_legacy0000000000000', hello.machineId, hello.hostname, now - 3_600_000, now - 3_600_000);
    const legacy = { id: 'dev_legacy0000000000000' };
    expect(store.registry.deviceByMachine(hello.machineId)?.id).toBe(legacy.id);
    const reg = store.registry.register({ serial: 'SER-7', assigneeName: 'A B', assigneeEmail: 'a@b.co', shipTo: 'Berlin, Berlin, Germany', shipCountry: 'DE', shipLat: 52.5, shipLon: 13.4, timeZone: 'Europe/Berlin' }, 'it', now);
    store.registry.createToken(reg.deviceId, 'hash-1', now + 60_000, 'it', now);
    const device = store.registry.enroll({ tokenHash: 'hash-1', deviceId: reg.deviceId, hello, certificate: cert('01') }, now);
    expect(device.id).toBe(reg.deviceId);
    expect(store.registry.deviceByMachine(hello.machineId)?.id).toBe(reg.deviceId);
    expect(store.device(legacy.id)?.machineId).toBe(`unregistered:${legacy.id}:${hello.machineId}`);
    // A device that was enrolled (it has a certificate) still blocks a second enrollment.
    const reg2 = store.registry.register({ serial: 'SER-8', assigneeName: 'C D', assigneeEmail: 'c@d.co', shipTo: 'Berlin, Berlin, Germany', shipCountry: 'DE', shipLat: 52.5, shipLon: 13.4, timeZone: 'Europe/Berlin' }, 'it', now);
    store.registry.createToken(reg2.deviceId, 'hash-2', now + 60_000, 'it', now);
    expect(() => store.registry.enroll({ tokenHash: 'hash-2', deviceId: reg2.deviceId, hello, certificate: cert('02') }, now))
      .toThrow(`this machine is already enrolled as ${reg.deviceId}`);
    store.close();
  });
});
