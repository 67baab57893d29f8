// Enrolling a test laptop the way IT and the agent do: `devices add` on the collector CLI gives a
// one-time token; a new key and CSR from shared/src/crypto go with it over server-authenticated
// TLS gRPC; the collector's certificate comes back. The laptop then streams over mutual TLS.
import { createHash } from 'node:crypto';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { enrollmentService, Platform, type Hello, type farmwatch } from '@farmwatch/proto';
import { builtinCatalog, createCertificateRequest } from '@farmwatch/shared';
import { COLLECTOR_CLI, run } from './processes.js';
import type { ClientIdentity } from './raw-client.js';

export interface Laptop {
  serial: string;
  assignee: string;
  shipTo: string;
  timeZone: string;
  hostname: string;
}

export interface EnrolledLaptop extends ClientIdentity {
  deviceId: string;
  certPem: Buffer;
  keyPem: Buffer;
  hello: Hello;
}

export function helloFor(l: Pick<Laptop, 'serial' | 'hostname' | 'timeZone'>): Hello {
  return {
    machineId: createHash('sha256').update(`farmwatch:test:${l.serial}`).digest('hex'), hostname: l.hostname, hardwareSerial: l.serial,
    agentVersion: 'test', catalogVersion: builtinCatalog().version ?? '', os: { platform: Platform.PLATFORM_WINDOWS, name: 'Windows 11 Pro', version: '10.0.22631' },
    clockMs: Date.now(), timeZone: l.timeZone,
  };
}

/** `devices add` on the collector CLI; returns the device id and its one-time token. */
export async function register(db: string, l: Laptop): Promise<{ deviceId: string; token: string }> {
  const r = await run(COLLECTOR_CLI, ['devices', 'add', '--serial', l.serial, '--assignee', l.assignee, '--ship-to', l.shipTo, '--timezone', l.timeZone, '--json', '--db', db]);
  if (r.code !== 0) throw new Error(`devices add failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { registration: { deviceId: string }; token: string };
  return { deviceId: out.registration.deviceId, token: out.token };
}

type EnrollResponse = farmwatch.v1.EnrollResponse.$Shape;

/** The Enroll RPC as the agent makes it. Rejects with the collector's ServiceError. */
export async function enrollRpc(address: string, ca: Buffer, token: string, hello: Hello, csrDer?: Buffer): Promise<{ response: EnrollResponse; keyPem: string }> {
  const req = await createCertificateRequest(hello.hostname ?? 'laptop');
  const client = new Client(address, credentials.createSsl(ca));
  const m = enrollmentService.enroll;
  try {
    const response = await new Promise<EnrollResponse>((resolve, reject) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { token, csrDer: csrDer ?? req.csrDer, hello }, new Metadata(),
        (err: ServiceError | null, value?: EnrollResponse) => (err ? reject(err) : resolve(value as EnrollResponse)));
    });
    return { response, keyPem: req.keyPem };
  } finally {
    client.close();
  }
}

const pem = (der: Uint8Array): Buffer =>
  Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`);

/** Registers and enrolls a laptop; returns what it needs to stream over mutual TLS. */
export async function enrollLaptop(address: string, db: string, ca: Buffer, l: Laptop): Promise<EnrolledLaptop> {
  const { token } = await register(db, l);
  const hello = helloFor(l);
  const { response, keyPem } = await enrollRpc(address, ca, token, hello);
  return { deviceId: response.deviceId ?? '', ca, certPem: pem(response.certificateDer ?? new Uint8Array()), keyPem: Buffer.from(keyPem), hello };
}
