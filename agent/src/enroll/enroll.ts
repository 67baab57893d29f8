// Enrollment from the laptop's side: a new key and CSR (the key never leaves the laptop), the
// one-time token and what the laptop says it is, over server-authenticated TLS to the collector
// whose CA IT gave us. The answer is checked before anything is written: the certificate must be
// signed by that CA and made out for our key.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client, credentials, Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { enrollmentService, type Hello, type farmwatch } from '@farmwatch/proto';
import { createCertificateRequest } from '@farmwatch/shared';
import { saveEnrollment, type EnrollmentRecord } from './files.js';
import { checkPrivateFolder } from '../state/private-folder.js';

type EnrollResponse = farmwatch.v1.EnrollResponse.$Shape;

export interface EnrollOptions {
  server: string;
  caPem: string;
  token: string;
  dir: string;
  hello: Hello;
  timeoutMs?: number;
}

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

export class EnrollError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnrollError';
  }
}

function explain(err: ServiceError, server: string): string {
  const raw = err.details || err.message;
  if (err.code === Status.UNAUTHENTICATED || err.code === Status.PERMISSION_DENIED || err.code === Status.FAILED_PRECONDITION || err.code === Status.INVALID_ARGUMENT) {
    return `the collector refused the enrollment: ${raw}`;
  }
  if (/self[- ]signed|unable to (get|verify)|UNABLE_TO_VERIFY/i.test(raw)) return `the collector at ${server} is not signed by the CA given with --ca: check you have the collector's ca.pem`;
  if (/ECONNREFUSED/.test(raw)) return `nothing accepts connections at ${server}: is the collector running there?`;
  if (/ENOTFOUND|EAI_AGAIN/.test(raw)) return `the name in ${server} does not resolve`;
  return `${Status[err.code] ?? err.code}: ${raw}`;
}

export async function enroll(opts: EnrollOptions): Promise<EnrollmentRecord> {
  // Refused before the token is spent: the folder it would be saved in must be the agent's alone.
  if (existsSync(opts.dir)) checkPrivateFolder(opts.dir, 'the agent\'s identity folder');
  const request = await createCertificateRequest(opts.hello.hostname || 'farmwatch-agent');
  const client = new Client(opts.server, credentials.createSsl(Buffer.from(opts.caPem)));
  const m = enrollmentService.enroll;
  let response: EnrollResponse;
  try {
    response = await new Promise<EnrollResponse>((resolve, reject) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize,
        { token: opts.token.trim(), csrDer: request.csrDer, hello: opts.hello }, new Metadata(),
        { deadline: Date.now() + (opts.timeoutMs ?? 30_000) },
        (err, value) => (err ? reject(new EnrollError(explain(err, opts.server))) : resolve(value as EnrollResponse)));
    });
  } finally {
    client.close();
  }
  const ca = new X509Certificate(opts.caPem);
  if (!response.certificateDer || response.certificateDer.length === 0 || !response.deviceId) {
    throw new EnrollError('the collector answered without a certificate or device id');
  }
  const cert = new X509Certificate(Buffer.from(response.certificateDer));
  if (!cert.verify(ca.publicKey)) throw new EnrollError('the certificate the collector sent is not signed by the pinned CA; nothing was saved');
  if (!cert.checkPrivateKey(createPrivateKey(request.keyPem))) throw new EnrollError('the certificate the collector sent is not for this agent\'s key; nothing was saved');
  if (response.caCertificateDer && response.caCertificateDer.length > 0 && !Buffer.from(response.caCertificateDer).equals(ca.raw)) {
    throw new EnrollError('the collector named a different CA than the one given with --ca; nothing was saved');
  }
  const record: EnrollmentRecord = {
    server: opts.server, deviceId: response.deviceId, notAfterMs: response.notAfterMs ?? new Date(cert.validTo).getTime(), enrolledAtMs: Date.now(),
  };
  saveEnrollment(opts.dir, { caPem: pem('CERTIFICATE', ca.raw), certPem: pem('CERTIFICATE', response.certificateDer), keyPem: request.keyPem }, record);
  return record;
}
