// Probe: renewal never retired the old certificate and was unlimited: after 31 renewals a device
// held 32 valid certificates and the first still streamed. Now a renewal retires the device's
// earlier certificates after a short overlap (10 minutes by default, `--cert-overlap-s`; 1 s here),
// a stream still open on a retired certificate is ended with the reason, and a device gets at most
// 3 renewals an hour (`--renewals-per-hour`): the next is refused with the time to retry.
import { Client, credentials, Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { enrollmentService, type farmwatch } from '@farmwatch/proto';
import { createCertificateRequest, describeCertificate } from '@farmwatch/shared';
import { describe, expect, it } from 'vitest';
import { probeCollector } from '../helpers/probe-collector.js';
import { enrollLaptop, type EnrolledLaptop } from '../helpers/enroll.js';
import { RawIngestClient } from '../helpers/raw-client.js';

const p = probeCollector('sec-renew', ['--cert-overlap-s', '1', '--renewals-per-hour', '3']);

type Identity = Pick<EnrolledLaptop, 'ca' | 'certPem' | 'keyPem'>;

const pem = (der: Uint8Array): Buffer =>
  Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`);

/** The Renew RPC as the agent makes it, over mutual TLS with `id`; the new identity, or the refusal. */
async function renew(id: Identity): Promise<Identity> {
  const req = await createCertificateRequest('renew');
  const client = new Client(p.collector.address, credentials.createSsl(id.ca, id.keyPem, id.certPem));
  const m = enrollmentService.renew;
  try {
    const r = await new Promise<farmwatch.v1.EnrollResponse.$Shape>((resolve, reject) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { csrDer: req.csrDer }, new Metadata(),
        (err: ServiceError | null, v?: farmwatch.v1.EnrollResponse.$Shape) => (err ? reject(err) : resolve(v ?? {})));
    });
    return { ca: id.ca, certPem: pem(r.certificateDer ?? new Uint8Array()), keyPem: Buffer.from(req.keyPem) };
  } finally {
    client.close();
  }
}

const batch = (seq: number) => ({ batch: { events: [{ sequence: seq, observedAtMs: Date.now(), heartbeat: { uptimeMs: seq } }] } });

describe('renewal', () => {
  it('retires the previous certificate after the overlap and limits renewals per device', async () => {
    const laptop = await enrollLaptop(p.collector.address, p.db, p.pki.ca, {
      serial: 'SEC-RENEW-1', assignee: 'Pat Doe <pat@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'lt-renew',
    });
    const hello = () => ({ hello: { ...laptop.hello, clockMs: Date.now() } });
    const first = new RawIngestClient(p.collector.address, laptop);
    const open = first.open();
    open.call.write(hello());
    while (open.result.received.length < 1 && !open.result.error) await new Promise((r) => setTimeout(r, 20));
    expect(open.result.received[0]?.helloAck?.deviceId).toBe(laptop.deviceId);

    const second = await renew(laptop);
    const third = await renew(second);
    // The overlap (1 s) and the collector's 2 s poll: the stream on the first certificate is ended.
    await Promise.race([open.ended, new Promise((r) => setTimeout(r, 8000))]);
    expect(open.result.error?.code).toBe(Status.PERMISSION_DENIED);
    expect(open.result.error?.details).toMatch(/^certificate replaced: /);
    first.close();

    const serial = describeCertificate(laptop.certPem).serialNumber;
    const again = new RawIngestClient(p.collector.address, laptop);
    const refused = await again.exchange([hello(), batch(1)]);
    again.close();
    expect(refused.received).toEqual([]);
    expect(refused.error?.code).toBe(Status.PERMISSION_DENIED);
    expect(refused.error?.details).toContain(`certificate replaced: the certificate ${serial} of device ${laptop.deviceId} was replaced by a newer one`);
    // A retired certificate cannot renew either.
    const late = await renew(laptop).then(() => undefined, (e: ServiceError) => e);
    expect(late?.code).toBe(Status.PERMISSION_DENIED);

    const newest = new RawIngestClient(p.collector.address, third);
    const ok = await newest.exchange([hello(), batch(1)]);
    newest.close();
    expect(ok.error).toBeUndefined();
    expect(ok.received[1]?.ack?.sequence).toBe(1);

    // Third renewal in the hour: allowed. The fourth: refused, saying when to retry; nothing issued.
    const fourth = await renew(third);
    const over = await renew(fourth).then(() => undefined, (e: ServiceError) => e);
    expect(over?.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(over?.details).toMatch(new RegExp(`^renewal limit: device ${laptop.deviceId} was issued 3 certificates by renewal in the last 1 hour\\(s\\) \\(at most 3\\); ` +
      'the current certificate stays valid: renew again after \\d{4}-\\d\\d-\\d\\dT'));
    const still = new RawIngestClient(p.collector.address, fourth);
    const after = await still.exchange([hello(), batch(2)]);
    still.close();
    expect(after.error).toBeUndefined();
    expect(after.received[1]?.ack?.sequence).toBe(2);
  });
});
