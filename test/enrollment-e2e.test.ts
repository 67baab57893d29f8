// Enrollment and identity through a real collector process: tokens that are unknown, malformed,
// expired or reused are refused with clear words; a laptop whose serial is not the registered one
// is refused; identity comes from the certificate, so a client with another CA's certificate or
// one that claims another device's machine is refused; revocation ends a live stream and blocks
// new ones, and re-enrollment with a new token works.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '@farmwatch/proto';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from './helpers/processes.js';
import { foreignClient, makePki, type Pki } from './helpers/pki.js';
import { RawIngestClient } from './helpers/raw-client.js';
import { enrollLaptop, enrollRpc, helloFor, register, type Laptop } from './helpers/enroll.js';

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;

const laptop = (serial: string, name = serial.toLowerCase()): Laptop => ({
  serial, assignee: `${name} <${name}@example.com>`, shipTo: 'Columbus, Ohio, US', timeZone: 'America/New_York', hostname: `LT-${serial}`,
});
const batch = (...sequences: number[]): AgentMessage => ({
  batch: { events: sequences.map((sequence) => ({ sequence, observedAtMs: Date.now(), heartbeat: { uptimeMs: sequence } })) },
});
const refusal = async (p: Promise<unknown>): Promise<ServiceError> => {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('the collector accepted what it should have refused');
};

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-enroll-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir);
});

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('enrollment tokens', () => {
  it('refuses a token this collector never issued, and text that is not a token', async () => {
    const unknown = await refusal(enrollRpc(collector.address, pki.ca, `fwe_${'A'.repeat(32)}`, helloFor(laptop('T-UNKNOWN'))));
    expect(unknown.code).toBe(Status.UNAUTHENTICATED);
    expect(unknown.details).toMatch(/^unknown enrollment token: this collector never issued it; ask IT for a token/);
    const garbage = await refusal(enrollRpc(collector.address, pki.ca, 'hunter2', helloFor(laptop('T-GARBAGE'))));
    expect(garbage.details).toMatch(/not an enrollment token \(they start with "fwe_"/);
  });

  it('refuses an expired token, saying when it expired', async () => {
    const l = laptop('T-EXPIRED');
    const { token, deviceId } = await register(db, l);
    // A week passes: the token's expiry is in the past.
    const conn = new Database(db);
    conn.prepare('UPDATE enrollment_tokens SET expires_ms = ? WHERE device_id = ?').run(Date.UTC(2026, 0, 1), deviceId);
    conn.close();
    const err = await refusal(enrollRpc(collector.address, pki.ca, token, helloFor(l)));
    expect(err.code).toBe(Status.UNAUTHENTICATED);
    expect(err.details).toBe('enrollment token expired at 2026-01-01T00:00:00.000Z: ask IT for a new one');
  });

  it('refuses a reused token, and a laptop that is not the one registered', async () => {
    const l = laptop('T-ONCE');
    const { token } = await register(db, l);
    const other = laptop('T-SOMEONE-ELSE');
    const wrong = await refusal(enrollRpc(collector.address, pki.ca, token, helloFor(other)));
    expect(wrong.code).toBe(Status.PERMISSION_DENIED);
    expect(wrong.details).toMatch(/this laptop's serial is T-SOMEONE-ELSE, but the token is for the laptop IT registered with serial T-ONCE/);
    const ok = await enrollRpc(collector.address, pki.ca, token, helloFor(l));
    expect(ok.response.deviceId).toMatch(/^dev_[0-9a-f]{20}$/);
    const again = await refusal(enrollRpc(collector.address, pki.ca, token, helloFor(l)));
    expect(again.details).toMatch(/^enrollment token already used at /);
  });

  it('refuses a certificate request that its key did not sign', async () => {
    const l = laptop('T-FORGED');
    const { token } = await register(db, l);
    const { createCertificateRequest } = await import('@farmwatch/shared');
    const csr = (await createCertificateRequest('x')).csrDer;
    csr[csr.length - 5] = (csr[csr.length - 5] ?? 0) ^ 0xff;
    const err = await refusal(enrollRpc(collector.address, pki.ca, token, helloFor(l), csr));
    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/not (signed by its own key|valid PKCS#10)/);
  });
});

describe('identity from the certificate', () => {
  it('refuses a certificate from another CA, even one naming a real device', async () => {
    const real = await enrollLaptop(collector.address, db, pki.ca, laptop('T-REAL'));
    const fake = await foreignClient(real.deviceId);
    const client = new RawIngestClient(collector.address, { ca: pki.ca, ...fake });
    const r = await client.exchange([{ hello: real.hello }]);
    expect(r.error?.code).toBe(Status.UNAUTHENTICATED);
    expect(r.error?.details).toMatch(/^client certificate required: .*not signed by this collector's CA/);
    client.close();
  });

  it('refuses a client that claims another device, and stores nothing for either', async () => {
    const alice = await enrollLaptop(collector.address, db, pki.ca, laptop('T-ALICE', 'alice'));
    const bob = await enrollLaptop(collector.address, db, pki.ca, laptop('T-BOB', 'bob'));
    const client = new RawIngestClient(collector.address, alice);
    const r = await client.exchange([{ hello: { ...bob.hello, clockMs: Date.now() } }, batch(1)]);
    expect(r.error?.code).toBe(Status.PERMISSION_DENIED);
    expect(r.error?.details).toMatch(new RegExp(`^this certificate belongs to device ${alice.deviceId}, enrolled from another machine`));
    const conn = new Database(db, { readonly: true });
    expect(conn.prepare('SELECT COUNT(*) AS n FROM events WHERE device_id IN (?, ?)').get(alice.deviceId, bob.deviceId)).toEqual({ n: 0 });
    conn.close();
    // The identity is the certificate's: Alice's own Hello works and her events are hers.
    const own = await client.exchange([{ hello: { ...alice.hello, clockMs: Date.now() } }, batch(1)]);
    expect(own.error).toBeUndefined();
    expect(own.received[0]?.helloAck?.deviceId).toBe(alice.deviceId);
    client.close();
  });
});

describe('renewal', () => {
  it('gives an enrolled laptop a new certificate for a new key over mutual TLS, and refuses strangers', async () => {
    const l = await enrollLaptop(collector.address, db, pki.ca, laptop('T-RENEW'));
    const { createCertificateRequest, describeCertificate } = await import('@farmwatch/shared');
    const { enrollmentService } = await import('@farmwatch/proto');
    const { Client, credentials, Metadata } = await import('@grpc/grpc-js');
    const renew = (creds: ReturnType<typeof credentials.createSsl>, csrDer: Buffer) => new Promise<{ deviceId?: string | null; certificateDer?: Uint8Array | null }>((resolve, reject) => {
      const c = new Client(collector.address, creds);
      const m = enrollmentService.renew;
      c.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { csrDer }, new Metadata(), (err: ServiceError | null, v?: { deviceId?: string | null }) => {
        c.close();
        return err ? reject(err) : resolve(v ?? {});
      });
    });
    const req = await createCertificateRequest('renew');
    const r = await renew(credentials.createSsl(pki.ca, l.keyPem, l.certPem), req.csrDer);
    expect(r.deviceId).toBe(l.deviceId);
    const fresh = `-----BEGIN CERTIFICATE-----\n${Buffer.from(r.certificateDer ?? []).toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(describeCertificate(fresh).subjectCommonName).toBe(l.deviceId);
    expect(describeCertificate(fresh).serialNumber).not.toBe(describeCertificate(l.certPem).serialNumber);
    const anonymous = await refusal(renew(credentials.createSsl(pki.ca), req.csrDer));
    expect(anonymous.code).toBe(Status.UNAUTHENTICATED);
  });
});

describe('revocation', () => {
  it('ends a live stream, refuses new ones, and lets IT re-enroll the laptop', async () => {
    const l = laptop('T-REVOKED');
    const carol = await enrollLaptop(collector.address, db, pki.ca, l);
    const client = new RawIngestClient(collector.address, carol);
    const { call, result, ended } = client.open();
    call.write({ hello: { ...carol.hello, clockMs: Date.now() } });
    call.write(batch(1, 2));
    while (result.received.length < 2 && !result.error) await new Promise((r) => setTimeout(r, 20));
    expect(result.received[1]?.ack?.sequence).toBe(2);

    const revoke = await run(COLLECTOR_CLI, ['devices', 'revoke', carol.deviceId, '--reason', 'laptop reported stolen', '--db', db]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/Revoked 1 certificate\(s\)/);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 8000))]);
    expect(result.error?.code).toBe(Status.PERMISSION_DENIED);
    expect(result.error?.details).toMatch(/^certificate revoked: /);

    const again = await client.exchange([{ hello: { ...carol.hello, clockMs: Date.now() } }]);
    expect(again.error?.code).toBe(Status.PERMISSION_DENIED);
    expect(again.error?.details).toMatch(/certificate revoked: .*laptop reported stolen/);
    client.close();

    const token = await run(COLLECTOR_CLI, ['tokens', 'create', carol.deviceId, '--json', '--db', db]);
    const { response, keyPem } = await enrollRpc(collector.address, pki.ca, (JSON.parse(token.stdout) as { token: string }).token, helloFor(l));
    expect(response.deviceId).toBe(carol.deviceId);
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(response.certificateDer ?? []).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const renewed = new RawIngestClient(collector.address, { ca: pki.ca, certPem: Buffer.from(pem), keyPem: Buffer.from(keyPem) });
    const back = await renewed.exchange([{ hello: { ...carol.hello, clockMs: Date.now() } }, batch(3)]);
    expect(back.error).toBeUndefined();
    expect(back.received[0]?.helloAck?.lastSequence).toBe(2);
    expect(back.received[1]?.ack?.sequence).toBe(3);
    renewed.close();
    const audit = new Database(db, { readonly: true });
    expect(audit.prepare("SELECT action FROM audit_log WHERE target = ? ORDER BY id").all(carol.deviceId).map((r) => (r as { action: string }).action))
      .toEqual(['device.register', 'token.create', 'device.enroll', 'device.revoke', 'token.create', 'device.enroll']);
    audit.close();
  });
});

describe('registration from an HR export', () => {
  // Columns as a Workday / BambooHR export names them; one row has no e-mail.
  const header = 'Employee Name,Work Email,Serial Number,City,State,Country,Time Zone';
  const rows = [
    'Dana Whitfield,dana.whitfield@example.com,C02FK1ABMD6M,Portland,Oregon,United States,America/Los_Angeles',
    '"Okafor, Chidi",chidi.okafor@example.com,PF3ZQ8B1,Atlanta,Georgia,United States,America/New_York',
  ];

  it('imports nothing when a row is wrong, and says which line and why', async () => {
    const file = join(work, 'bad.csv');
    writeFileSync(file, [header, ...rows, 'Sam Lee,,5CG1234XYZ,Austin,Texas,United States,America/Chicago'].join('\r\n') + '\r\n');
    const r = await run(COLLECTOR_CLI, ['devices', 'import', file, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`nothing was imported from ${file}`);
    expect(r.stderr).toMatch(/line 4: assignee "Sam Lee <>" should be "Name <email>"/);
    const list = await run(COLLECTOR_CLI, ['devices', 'list', '--json', '--db', db]);
    expect(list.stdout).not.toContain('C02FK1ABMD6M');
  });

  it('imports every row with a token that enrolls', async () => {
    const file = join(work, 'good.csv');
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    const r = await run(COLLECTOR_CLI, ['devices', 'import', file, '--db', db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('serial,device_id,assignee,token,token_expires');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^PF3ZQ8B1,dev_[0-9a-f]{20},"Okafor, Chidi <chidi.okafor@example.com>",fwe_[\w-]{32},/);
    const token = lines[1]?.split(',')[3] ?? '';
    const l = { serial: 'C02FK1ABMD6M', hostname: 'danas-mbp', timeZone: 'America/Los_Angeles' };
    const { response } = await enrollRpc(collector.address, pki.ca, token, helloFor(l));
    expect(response.deviceId).toBe(lines[1]?.split(',')[1]);
    const show = await run(COLLECTOR_CLI, ['devices', 'show', 'C02FK1ABMD6M', '--json', '--db', db]);
    const shown = JSON.parse(show.stdout) as { registration: { shipTo: string; shipCountry: string; assigneeEmail: string } };
    expect(shown.registration).toMatchObject({ shipTo: 'Portland, Oregon, United States', shipCountry: 'US', assigneeEmail: 'dana.whitfield@example.com' });
  });
});
