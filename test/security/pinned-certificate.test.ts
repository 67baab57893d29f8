// Probe: a certificate minted with the CA key that copies an enrolled laptop's serial and CN (the
// `it` role reads the serial from GET /v1/devices/:id) streamed as that laptop: the collector
// checked the serial and the subject, not the certificate. Now the certificate's SHA-256
// fingerprint, recorded when enrollment or renewal issued it, must match: the copy is refused with
// the reason, and the laptop's own certificate still streams.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as Status } from '@grpc/grpc-js';
import { describeCertificate, issueCertificate } from '@farmwatch/shared';
import { describe, expect, it } from 'vitest';
import { probeCollector } from '../helpers/probe-collector.js';
import { enrollLaptop } from '../helpers/enroll.js';
import { RawIngestClient } from '../helpers/raw-client.js';

const p = probeCollector('sec-pin');

const batch = (seq: number) => ({ batch: { events: [{ sequence: seq, observedAtMs: Date.now(), heartbeat: { uptimeMs: seq } }] } });

describe('a certificate minted with the CA key', () => {
  it('is refused when it copies an issued certificate\'s serial and CN; the issued one still streams', async () => {
    const laptop = await enrollLaptop(p.collector.address, p.db, p.pki.ca, {
      serial: 'SEC-PIN-1', assignee: 'Pat Doe <pat@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-pin',
    });
    const issued = describeCertificate(laptop.certPem);
    const ca = { certPem: readFileSync(join(p.pki.dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(p.pki.dir, 'ca-key.pem'), 'utf8') };
    const hex = issued.serialNumber.length % 2 === 0 ? issued.serialNumber : `0${issued.serialNumber}`;
    const forged = await issueCertificate(ca, { commonName: laptop.deviceId, usage: 'client', days: 30, serial: hex.toLowerCase() });
    // The copy is a good one: same CN and serial, signed by the collector's CA; only the key differs.
    expect(describeCertificate(forged.certPem).serialNumber).toBe(issued.serialNumber);
    expect(describeCertificate(forged.certPem).subjectCommonName).toBe(laptop.deviceId);
    expect(describeCertificate(forged.certPem).fingerprint256).not.toBe(issued.fingerprint256);

    const impostor = new RawIngestClient(p.collector.address, { ca: p.pki.ca, certPem: Buffer.from(forged.certPem), keyPem: Buffer.from(forged.keyPem) });
    const refused = await impostor.exchange([{ hello: { ...laptop.hello, clockMs: Date.now() } }, batch(1)]);
    impostor.close();
    expect(refused.received).toEqual([]);
    expect(refused.error?.code).toBe(Status.UNAUTHENTICATED);
    expect(refused.error?.details).toContain(`the client certificate ${issued.serialNumber} for "${laptop.deviceId}" is not the certificate this collector issued with that serial`);

    const own = new RawIngestClient(p.collector.address, laptop);
    const ok = await own.exchange([{ hello: { ...laptop.hello, clockMs: Date.now() } }, batch(1)]);
    own.close();
    expect(ok.error).toBeUndefined();
    expect(ok.received[0]?.helloAck?.deviceId).toBe(laptop.deviceId);
    expect(ok.received[1]?.ack?.sequence).toBe(1);
  });
});
