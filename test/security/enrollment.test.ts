// Probes at enrollment, over the real gRPC path:
// - a wrong serial was refused but an empty one skipped the check: no check may be skipped by
//   leaving a field out (a laptop without a firmware serial proves itself by its machine id);
// - the CA signed an RSA-512 request signed with SHA-1: only P-256/P-384, Ed25519 and RSA of 2048
//   bits or more, signed with SHA-256 or better, get a certificate, and the refusal says so.
import 'reflect-metadata'; // @peculiar/x509 needs it loaded first
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { probeCollector } from '../helpers/probe-collector.js';
import { enrollRpc, helloFor, register } from '../helpers/enroll.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const p = probeCollector('sec-enroll');
let n = 0;

const laptop = (serial: string) => ({ serial, assignee: 'New Hire <new@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: `lt-${++n}` });
const refusal = (p: Promise<unknown>): Promise<string> => p.then(() => 'enrolled', (err: ServiceError) => err.details);

/** A CSR made with Node's own keys, for key types and signatures the agent never makes. */
async function csrWith(keyType: 'rsa' | 'ec', opts: { modulusLength?: number; namedCurve?: string; hash: string }): Promise<Buffer> {
  const pair = keyType === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: opts.modulusLength ?? 2048 })
    : generateKeyPairSync('ec', { namedCurve: opts.namedCurve ?? 'prime256v1' });
  const algorithm = keyType === 'rsa'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: opts.hash }
    : { name: 'ECDSA', namedCurve: opts.namedCurve === 'secp384r1' ? 'P-384' : 'P-256', hash: opts.hash };
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), algorithm, true, ['verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=laptop', keys: { privateKey, publicKey }, signingAlgorithm: algorithm });
  return Buffer.from(csr.rawData);
}

describe('the serial check', () => {
  it('refuses a hello with no serial for a laptop registered by its serial', async () => {
    const l = laptop('SEC-SERIAL-1');
    const { token } = await register(p.db, l);
    const why = await refusal(enrollRpc(p.collector.address, p.pki.ca, token, { ...helloFor(l), hardwareSerial: '' }));
    expect(why).toContain('this laptop reports no hardware serial, so it cannot show that it is the laptop IT registered with serial SEC-SERIAL-1');
  });

  it('refuses a wrong serial, and the token still works for the right laptop', async () => {
    const l = laptop('SEC-SERIAL-2');
    const { token } = await register(p.db, l);
    expect(await refusal(enrollRpc(p.collector.address, p.pki.ca, token, { ...helloFor(l), hardwareSerial: 'SOMEONE-ELSE' }))).toContain("this laptop's serial is SOMEONE-ELSE");
    expect(await refusal(enrollRpc(p.collector.address, p.pki.ca, token, helloFor(l)))).toBe('enrolled');
  });

  it('a laptop without a firmware serial enrolls when registered by its machine id, and only that laptop', async () => {
    const hello = { ...helloFor(laptop('ignored')), hardwareSerial: '' };
    const l = laptop(`machine-${(hello.machineId ?? '').slice(0, 16)}`);
    const { token } = await register(p.db, l);
    expect(await refusal(enrollRpc(p.collector.address, p.pki.ca, token, { ...hello, machineId: 'f'.repeat(64) }))).toMatch(/machine id \(ffffffffffffffff\.\.\.\) is not the one/);
    expect(await refusal(enrollRpc(p.collector.address, p.pki.ca, token, hello))).toBe('enrolled');
  });
});

describe('keys and signatures the CA signs', () => {
  const cases: [string, () => Promise<Buffer>, RegExp | 'enrolled'][] = [
    ['RSA-512 with SHA-1', () => csrWith('rsa', { modulusLength: 512, hash: 'SHA-1' }), /key is RSA of 512 bits, too weak/],
    ['RSA-1024 with SHA-256', () => csrWith('rsa', { modulusLength: 1024, hash: 'SHA-256' }), /key is RSA of 1024 bits, too weak/],
    ['RSA-2048 with SHA-1', () => csrWith('rsa', { modulusLength: 2048, hash: 'SHA-1' }), /signed with RSASSA-PKCS1-v1_5 and SHA-1, too weak/],
    ['P-256 with SHA-1', () => csrWith('ec', { hash: 'SHA-1' }), /signed with ECDSA and SHA-1, too weak/],
    ['RSA-2048 with SHA-256', () => csrWith('rsa', { modulusLength: 2048, hash: 'SHA-256' }), 'enrolled'],
    ['P-384 with SHA-384', () => csrWith('ec', { namedCurve: 'secp384r1', hash: 'SHA-384' }), 'enrolled'],
  ];
  for (const [name, make, expected] of cases) {
    it(`${name}: ${expected === 'enrolled' ? 'signed' : 'refused, saying why'}`, async () => {
      const l = laptop(`SEC-KEY-${n}`);
      const { token } = await register(p.db, l);
      const why = await refusal(enrollRpc(p.collector.address, p.pki.ca, token, helloFor(l), await make()));
      if (expected === 'enrolled') expect(why).toBe('enrolled');
      else {
        expect(why).toMatch(expected);
        expect(why).toContain('The CA signs P-256 or P-384 ECDSA, Ed25519, or RSA of 2048 bits or more, with SHA-256 or better');
      }
    });
  }
});
