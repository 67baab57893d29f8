// Fuzzing enrollment (Enrollment.Enroll on a real collector process): random tokens, certificate
// requests and Hellos, real tokens with broken requests, and raw bytes for a request. After every
// call: an answer in time; a certificate only for a request that deserved one (a real unused token,
// a CSR its key signed, the laptop IT registered), with the token then used up; otherwise a refusal
// that says what is wrong, and the token still good. The collector stays up throughout.
//   FARMWATCH_FUZZ_RUNS (default 40 per property), FARMWATCH_FUZZ_SEED
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Metadata, credentials, status as Status, type ServiceError } from '@grpc/grpc-js';
import { enrollmentService, type Hello } from '@farmwatch/proto';
import { createCertificateRequest } from '@farmwatch/shared';
import { makePki, type Pki } from '../helpers/pki.js';
import { startCollector, type RunningCollector } from '../helpers/processes.js';
import { helloFor } from '../helpers/enroll.js';
import { query } from '../helpers/field.js';
import { importFleet, type Registered } from '../faults/helpers/fleet.js';
import { clearRefusal, mutate, text, time } from './helpers/arbitraries.js';
import { RUNS, fuzzParams } from './helpers/runs.js';

const params = fuzzParams();

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let client: Client;
let fleet: Registered[];
let csr: { csrDer: Uint8Array; keyPem: string };

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-fuzz-enroll-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir);
  fleet = await importFleet(db, work, RUNS * 2 + 2, 'FZE');
  client = new Client(collector.address, credentials.createSsl(pki.ca));
  csr = await createCertificateRequest('fuzz');
}, 60_000);

afterAll(async () => {
  client?.close();
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

interface Answer { error?: ServiceError; deviceId?: string; certificateDer?: Uint8Array }

function call(request: unknown, raw = false): Promise<Answer> {
  const m = enrollmentService.enroll;
  const serialize = raw ? (b: Buffer): Buffer => b : m.requestSerialize;
  return new Promise((resolve) => {
    client.makeUnaryRequest(m.path, serialize as (x: unknown) => Buffer, m.responseDeserialize, request, new Metadata(), { deadline: Date.now() + 10_000 },
      (err, value) => resolve(err ? { error: err } : { deviceId: value?.deviceId ?? '', certificateDer: value?.certificateDer ?? new Uint8Array() }));
  });
}

const certificates = (): number => query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM certificates')[0]?.n ?? 0;
const tokenUsed = (serial: string): boolean => query<{ used: number | null }>(db,
  'SELECT t.used_ms AS used FROM enrollment_tokens t JOIN registrations r ON r.device_id = t.device_id WHERE r.serial = ?', serial)[0]?.used != null;

const hello = (): fc.Arbitrary<Hello> => fc.record({
  machineId: text(), hostname: text(), hardwareSerial: text(), agentVersion: text(), catalogVersion: text(), bootId: text(), timeZone: text(),
  clockMs: time(), bootTimeMs: time(), os: fc.record({ platform: fc.integer({ min: -2, max: 9 }), name: text(), version: text() }),
}, { requiredKeys: [] });

describe('fuzzing enrollment', () => {
  let next = 0;
  it('random and half-right requests: a certificate only when deserved, the token used up only then, every refusal explained', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        token: fc.oneof(text(), fc.constant('real'), fc.constant('real')),
        csr: fc.oneof(fc.constant('real'), fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)), mutate(Buffer.from(csr.csrDer)), fc.constant('huge')),
        hello: fc.oneof(fc.constant('right'), fc.constant('none'), hello(), fc.constant('other laptop')),
      }),
      async (r) => {
        const laptop = fleet[next++ % fleet.length] as Registered;
        const before = certificates();
        const usedBefore = tokenUsed(laptop.serial);
        const right = helloFor({ serial: laptop.serial, hostname: `fz-${laptop.serial}`, timeZone: 'America/Chicago' });
        const request = {
          token: r.token === 'real' ? laptop.token : r.token,
          csrDer: r.csr === 'real' ? csr.csrDer : r.csr === 'huge' ? Buffer.alloc(5000, 0x30) : r.csr,
          ...(r.hello === 'right' ? { hello: right } : r.hello === 'other laptop' ? { hello: { ...right, hardwareSerial: 'SOMEONE-ELSE' } } : r.hello === 'none' ? {} : { hello: r.hello }),
        };
        const a = await call(request);
        expect(collector.child.exitCode).toBeNull();
        if (a.error) {
          clearRefusal(a.error);
          expect(certificates()).toBe(before);
          expect(tokenUsed(laptop.serial)).toBe(usedBefore);
        } else {
          expect(r.token).toBe('real');
          expect(usedBefore).toBe(false);
          expect(certificates()).toBe(before + 1);
          expect(tokenUsed(laptop.serial)).toBe(true);
          const cert = new X509Certificate(Buffer.from(a.certificateDer ?? []));
          expect(cert.subject).toContain(`CN=${a.deviceId}`);
          expect(cert.verify(new X509Certificate(pki.ca).publicKey)).toBe(true);
        }
      }), params);
  }, 600_000);

  it('raw bytes for a request: refused as malformed or as missing a token, no certificate', async () => {
    // A well-formed request with a token of the right shape that the collector never issued.
    const valid = Buffer.from(enrollmentService.enroll.requestSerialize({ token: `fwe_${'7'.repeat(32)}`, csrDer: csr.csrDer, hello: helloFor({ serial: 'X', hostname: 'x', timeZone: 'UTC' }) }));
    await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)), mutate(valid)), async (bytes) => {
      const before = certificates();
      const a = await call(bytes, true);
      expect(a.error, 'a certificate for bytes that are no request').toBeDefined();
      if (a.error) clearRefusal(a.error);
      expect(certificates()).toBe(before);
      expect(collector.child.exitCode).toBeNull();
    }), params);
  }, 600_000);

  it('still enrolls a laptop properly afterwards', async () => {
    const laptop = fleet.at(-2) as Registered;
    const a = await call({ token: laptop.token, csrDer: csr.csrDer, hello: helloFor({ serial: laptop.serial, hostname: 'after', timeZone: 'America/Chicago' }) });
    expect(a.error).toBeUndefined();
    expect(a.deviceId).toMatch(/^dev_/);
    const again = await call({ token: laptop.token, csrDer: csr.csrDer, hello: helloFor({ serial: laptop.serial, hostname: 'after', timeZone: 'America/Chicago' }) });
    expect(again.error?.code).toBe(Status.UNAUTHENTICATED);
    expect(again.error?.details).toMatch(/already used/);
  });
});

