// The private PKI: certificates that TLS stacks accept, and CSR checks that refuse forgeries.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createAuthority, createCertificateRequest, describeCertificate, issueCertificate, signCertificateRequest,
} from '../src/index.js';

describe('certificates', async () => {
  const ca = await createAuthority('test CA', 30);
  const caCert = new X509Certificate(ca.certPem);

  it('makes a CA that can sign', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(createPrivateKey(ca.keyPem).asymmetricKeyType).toBe('ec');
  });

  it('issues a server certificate for names and addresses', async () => {
    const server = await issueCertificate(ca, { commonName: 'collector', usage: 'server', days: 10, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const cert = new X509Certificate(server.certPem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('example.com')).toBeUndefined();
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
  });

  it('never issues past the CA', async () => {
    const client = await issueCertificate(ca, { commonName: 'agent', usage: 'client', days: 10_000 });
    expect(describeCertificate(client.certPem).notAfter.getTime()).toBeLessThanOrEqual(new Date(caCert.validTo).getTime());
  });

  it('signs a CSR with the subject the CA chooses', async () => {
    const req = await createCertificateRequest('whatever the laptop asks for');
    const pem = await signCertificateRequest(ca, req.csrDer, { commonName: 'dev_123', usage: 'client', days: 30 });
    const info = describeCertificate(pem);
    expect(info.subjectCommonName).toBe('dev_123');
    const cert = new X509Certificate(pem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(req.keyPem))).toBe(true);
  });

  it('refuses a CSR whose signature does not match its key', async () => {
    const req = await createCertificateRequest('laptop');
    const tampered = Buffer.from(req.csrDer);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
    await expect(signCertificateRequest(ca, tampered, { commonName: 'x', usage: 'client', days: 1 }))
      .rejects.toThrow(/not (signed by its own key|valid PKCS#10)/);
  });

  it('refuses bytes that are not a CSR', async () => {
    await expect(signCertificateRequest(ca, Buffer.from('hello'), { commonName: 'x', usage: 'client', days: 1 }))
      .rejects.toThrow(/not valid PKCS#10 DER/);
  });

  it('escapes a common name that would change the subject', async () => {
    const c = await issueCertificate(ca, { commonName: 'a,CN=admin', usage: 'client', days: 1 });
    expect(new X509Certificate(c.certPem).subject).not.toMatch(/\nCN=admin$/);
  });
});
