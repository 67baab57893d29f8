// Renewing the client certificate before it expires: a new key and CSR, sent over mutual TLS with
// the current certificate (the collector checks it is live and unrevoked), the answer checked
// against the pinned CA and the new key, then the files replaced atomically. The key changes at
// each renewal, so a copied key stops working at the next one.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { enrollmentService, type farmwatch } from '@farmwatch/proto';
import { createCertificateRequest, describeCertificate } from '@farmwatch/shared';
import { enrollmentRecordNear, saveEnrollment } from './files.js';

type EnrollResponse = farmwatch.v1.EnrollResponse.$Shape;

export interface IdentityFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Renew when less than a third of the certificate's life, or less than 14 days, is left. */
export function renewalDue(certPem: string | Buffer, nowMs = Date.now()): boolean {
  const c = describeCertificate(certPem);
  const life = c.notAfter.getTime() - c.notBefore.getTime();
  const left = c.notAfter.getTime() - nowMs;
  return left < life / 3 || left < 14 * 86_400_000;
}

const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

export async function renewCertificate(server: string, files: IdentityFiles, timeoutMs = 30_000): Promise<{ notAfterMs: number }> {
  const caPem = readFileSync(files.caFile, 'utf8');
  const current = readFileSync(files.certFile);
  const request = await createCertificateRequest(describeCertificate(current).subjectCommonName);
  const client = new Client(server, credentials.createSsl(Buffer.from(caPem), readFileSync(files.keyFile), current));
  const m = enrollmentService.renew;
  let response: EnrollResponse;
  try {
    response = await new Promise<EnrollResponse>((resolve, reject) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { csrDer: request.csrDer }, new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, value?: EnrollResponse) => (err ? reject(new Error(`the collector refused to renew: ${err.details || err.message}`)) : resolve(value as EnrollResponse)));
    });
  } finally {
    client.close();
  }
  const ca = new X509Certificate(caPem);
  const cert = new X509Certificate(Buffer.from(response.certificateDer ?? new Uint8Array()));
  if (!cert.verify(ca.publicKey)) throw new Error('the renewed certificate is not signed by the pinned CA; the current one is kept');
  if (!cert.checkPrivateKey(createPrivateKey(request.keyPem))) throw new Error('the renewed certificate is not for the new key; the current one is kept');
  const old = enrollmentRecordNear(files.certFile);
  const notAfterMs = new Date(cert.validTo).getTime();
  saveEnrollment(dirname(files.certFile), { caPem, certPem: pem(response.certificateDer ?? new Uint8Array()), keyPem: request.keyPem }, {
    server: old?.server ?? server, deviceId: response.deviceId ?? old?.deviceId ?? '', notAfterMs, enrolledAtMs: old?.enrolledAtMs ?? Date.now(),
  });
  return { notAfterMs };
}
