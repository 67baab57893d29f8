// Enrollment and identity through a real collector process: tokens that are unknown, malformed,
// expired, reused or replaced by a newer one are refused with clear words; a laptop whose serial is
// not the registered one is refused; identity comes from the certificate, so a client with another
// CA's certificate or one that claims another device's machine is refused; revocation ends a live
// stream and blocks new ones, and re-enrollment with a new token works. IT downloads the CA
// certificate the laptops enroll with, and imports HR exports (malformed ones refused by line).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const apiTokens: Record<string, string> = {};

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
  for (const role of ['admin', 'analyst', 'it']) {
    const r = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', `test ${role}`, '--role', role, '--json', '--db', db]);
    apiTokens[role] = (JSON.parse(r.stdout) as { token: string }).token;
  }
});

async function api<T>(role: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; body: T; type: string }> {
  const res = await fetch(`${collector.api}${path}`, {
    method, headers: { ...(role ? { authorization: `Bearer ${apiTokens[role] ?? ''}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, text, body: (type.startsWith('application/json') ? JSON.parse(text) : undefined) as T, type };
}

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
    expect(audit.prepare('SELECT action FROM audit_log WHERE target IN (?, ?) ORDER BY id').all(`device:${carol.deviceId}`, `enroll-token:${carol.deviceId}`)
      .map((r) => (r as { action: string }).action))
      .toEqual(['device.register', 'token.create', 'device.enroll', 'device.revoke', 'token.create', 'device.enroll']);
    audit.close();
  });
});

describe('a new enrollment token revokes the old one', () => {
  it('through the CLI: the older unused token is refused with the reason, the new one enrolls, and it is audited', async () => {
    const l = laptop('T-REISSUE-CLI');
    const first = await register(db, l);
    const again = await run(COLLECTOR_CLI, ['tokens', 'create', 'T-REISSUE-CLI', '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("The laptop's 1 earlier unused token(s) no longer work.");
    const second = /^\s+(fwe_\S+)$/m.exec(again.stdout)?.[1] ?? '';
    const old = await refusal(enrollRpc(collector.address, pki.ca, first.token, helloFor(l)));
    expect(old.code).toBe(Status.UNAUTHENTICATED);
    expect(old.details).toMatch(/^enrollment token revoked at \S+Z: a newer token for this laptop was issued at \S+Z by cli:\S+; enroll with the newest token IT gave for this laptop$/);
    const ok = await enrollRpc(collector.address, pki.ca, second, helloFor(l));
    expect(ok.response.deviceId).toBe(first.deviceId);
    const list = JSON.parse((await run(COLLECTOR_CLI, ['tokens', 'list', '--json', '--db', db])).stdout) as { deviceId: string; state: string }[];
    expect(list.filter((t) => t.deviceId === first.deviceId).map((t) => t.state)).toEqual(['used', 'revoked']);
    // A used token is not "replaced": the next one revokes nothing.
    const third = JSON.parse((await run(COLLECTOR_CLI, ['tokens', 'create', first.deviceId, '--json', '--db', db])).stdout) as { replaced: number };
    expect(third.replaced).toBe(0);
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare('SELECT action, detail FROM audit_log WHERE target = ? ORDER BY id').all(`enroll-token:${first.deviceId}`) as { action: string; detail: string }[];
    conn.close();
    expect(rows.map((r) => r.action)).toEqual(['token.create', 'token.revoke', 'token.create', 'token.create']);
    expect(rows[1]?.detail).toBe('1 earlier unused token(s): replaced by a new one');
  });

  it("through the API IT's page uses: each new token revokes the one before, only the newest enrolls", async () => {
    const l = laptop('T-REISSUE-API');
    const reg = await api<{ registration: { deviceId: string }; token: string }>('it', 'POST', '/v1/devices',
      { serial: l.serial, assignee: l.assignee, shipTo: l.shipTo, timeZone: l.timeZone });
    expect(reg.status).toBe(201);
    const id = reg.body.registration.deviceId;
    const b = await api<{ token: string; replaced: number }>('it', 'POST', `/v1/devices/${id}/tokens`, {});
    const c = await api<{ token: string; replaced: number }>('admin', 'POST', `/v1/devices/${l.serial}/tokens`, {});
    expect([b.status, b.body.replaced, c.status, c.body.replaced]).toEqual([201, 1, 201, 1]);
    for (const stale of [reg.body.token, b.body.token]) {
      const err = await refusal(enrollRpc(collector.address, pki.ca, stale, helloFor(l)));
      expect(err.details).toMatch(/^enrollment token revoked at .*: a newer token for this laptop was issued at .* by api:test (it|admin);/);
    }
    expect((await enrollRpc(collector.address, pki.ca, c.body.token, helloFor(l))).response.deviceId).toBe(id);
    const tokens = await api<{ deviceId: string; state: string; revokedMs: number | null }[]>('it', 'GET', '/v1/tokens');
    expect(tokens.body.filter((t) => t.deviceId === id).map((t) => t.state)).toEqual(['used', 'revoked', 'revoked']);
  });
});

describe("the collector's CA certificate for the laptops", () => {
  it('is served to IT and admins as PEM that verifies the server certificate and enrolls a laptop; others are refused', async () => {
    const server = new X509Certificate(readFileSync(join(pki.dir, 'server.pem')));
    for (const role of ['it', 'admin']) {
      const r = await api(role, 'GET', '/v1/enrollment/ca.pem');
      expect(r.status).toBe(200);
      expect(r.type).toBe('application/x-pem-file');
      expect(r.text).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
      expect(r.text).not.toMatch(/PRIVATE KEY/);
      const ca = new X509Certificate(r.text);
      expect(server.verify(ca.publicKey)).toBe(true);
      expect(ca.raw.equals(new X509Certificate(pki.ca).raw)).toBe(true);
    }
    const analyst = await api<{ error: { message: string } }>('analyst', 'GET', '/v1/enrollment/ca.pem');
    expect(analyst.status).toBe(403);
    expect(analyst.body.error.message).toBe('GET /v1/enrollment/ca.pem needs the role admin or it; the token "test analyst" has the role analyst');
    const none = await api<{ error: { message: string } }>(undefined, 'GET', '/v1/enrollment/ca.pem');
    expect(none.status).toBe(401);
    // The downloaded file is what the agent enrolls with.
    const l = laptop('T-CA-DOWNLOAD');
    const { token } = await register(db, l);
    const pem = (await api('it', 'GET', '/v1/enrollment/ca.pem')).text;
    expect((await enrollRpc(collector.address, Buffer.from(pem), token, helloFor(l))).response.deviceId).toMatch(/^dev_/);
    const doc = await api<{ paths: Record<string, { get?: { 'x-roles'?: string[]; responses: Record<string, { content?: Record<string, unknown> }> } }> }>(undefined, 'GET', '/v1/openapi.json');
    expect(doc.body.paths['/v1/enrollment/ca.pem']?.get?.['x-roles']).toEqual(['admin', 'it']);
    expect(Object.keys(doc.body.paths['/v1/enrollment/ca.pem']?.get?.responses['200']?.content ?? {})).toEqual(['application/x-pem-file']);
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

  it('refuses a malformed CSV by line and problem, through the CLI and the API, and imports nothing', async () => {
    const file = join(work, 'stray-quote.csv');
    writeFileSync(file, [header, rows[0], 'Sam Lee,sam.lee@example.com,5CG"1234,Austin,Texas,United States,America/Chicago'].join('\n') + '\n');
    const cli = await run(COLLECTOR_CLI, ['devices', 'import', file, '--db', db]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`nothing was imported from ${file}: 1 problem(s); fix them and run it again:\n  line 3: a quote in the middle of a field`);
    const r = await api<{ error: { status: number; message: string; problems: string[] } }>('it', 'POST', '/v1/devices/import', { csv: [header, rows[0], '"Sam Lee,x'].join('\n') });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({ status: 400, message: 'nothing was imported: 1 problem(s)', problems: ['line 3: a quoted field is not closed before the end of the file'] });
    const list = await run(COLLECTOR_CLI, ['devices', 'list', '--json', '--db', db]);
    expect(list.stdout).not.toContain('C02FK1ABMD6M');
  });

  it('answers a few MB of bad rows briefly: the first 20 problems and how many more', async () => {
    const bad = Array.from({ length: 60_000 }, (_, i) => i % 2 === 0
      ? `Row ${i},row${i}@example.com,SER"${i},Austin,Texas,United States,America/Chicago`
      : `Row ${i},not an email,SER-${i},Austin,Texas,United States,America/Chicago`);
    const csv = [header, ...bad].join('\n') + '\n';
    expect(csv.length).toBeGreaterThan(3_000_000);
    const before = new Database(db, { readonly: true });
    const registered = (before.prepare('SELECT COUNT(*) AS n FROM registrations').get() as { n: number }).n;
    before.close();
    const r = await api<{ error: { message: string; problems: string[] } }>('it', 'POST', '/v1/devices/import', { csv });
    expect(r.status).toBe(400);
    expect(r.text.length).toBeLessThan(8_000);
    expect(r.body.error.message).toBe('nothing was imported: 60000 problem(s)');
    expect(r.body.error.problems).toHaveLength(21);
    expect(r.body.error.problems[0]).toBe('line 2: a quote in the middle of a field; quote the whole field and double the quotes inside');
    expect(r.body.error.problems[1]).toMatch(/^line 3: assignee "Row 1 <not an email>" should be "Name <email>"/);
    expect(r.body.error.problems[20]).toBe('... and 59980 more problem(s)');
    const file = join(work, 'many-bad.csv');
    writeFileSync(file, csv);
    const cli = await run(COLLECTOR_CLI, ['devices', 'import', file, '--db', db]);
    expect(cli.code).toBe(2);
    expect(cli.stderr.length).toBeLessThan(8_000);
    expect(cli.stderr).toContain('60000 problem(s)');
    expect(cli.stderr).toContain('  ... and 59980 more problem(s)');
    const after = new Database(db, { readonly: true });
    expect((after.prepare('SELECT COUNT(*) AS n FROM registrations').get() as { n: number }).n).toBe(registered);
    after.close();
  }, 120_000);

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
