// The agent's identity over its life: enrolled at start from a token file an MDM dropped, renewed
// before expiry with a new key, and still accepted by the collector afterwards.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthority, describeCertificate, issueCertificate } from '@farmwatch/shared';
import { renewCertificate, renewalDue } from '../agent/src/enroll/renew.js';
import { makePki, type Pki } from './helpers/pki.js';
import { register } from './helpers/enroll.js';
import { AGENT_BIN, collectorOn, enrollAgent, freePort, query, spawnProc, thisMachineSerial, type Proc } from './helpers/field.js';

let pki: Pki;
let work: string;
let db: string;
let port: number;
let collector: Proc;

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-identity-'));
  db = join(work, 'collector.db');
  port = await freePort();
  collector = await collectorOn(port, db, pki.dir);
});
afterAll(async () => {
  collector.child.kill('SIGTERM');
  await collector.exited;
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('when a certificate is due for renewal', async () => {
  const ca = await createAuthority('t', 400);
  it('is due in its last third or its last 14 days, not before', async () => {
    const year = (await issueCertificate(ca, { commonName: 'd', usage: 'client', days: 365 })).certPem;
    expect(renewalDue(year)).toBe(false);
    expect(renewalDue(year, Date.now() + 200 * 86_400_000)).toBe(false);
    expect(renewalDue(year, Date.now() + 250 * 86_400_000)).toBe(true);
    const short = (await issueCertificate(ca, { commonName: 'd', usage: 'client', days: 10 })).certPem;
    expect(renewalDue(short)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux' && existsSync(AGENT_BIN))('the agent executable\'s identity', () => {
  it('enrolls at start from a token file, removes the token, and reports', async () => {
    const state = join(work, 'mdm');
    const { deviceId, token } = await register(db, { serial: thisMachineSerial(), assignee: 'New Hire <new.hire@example.com>', shipTo: 'Denver, Colorado, US', timeZone: 'America/Denver', hostname: 'mdm' });
    const tokenFile = join(work, 'enroll.token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const config = join(work, 'agent.json');
    writeFileSync(config, JSON.stringify({ server: `127.0.0.1:${port}`, ca_file: join(pki.dir, 'ca.pem'), enroll_token_file: tokenFile, state_dir: state }));
    // ca_file names the CA IT provided; after enrollment the pinned copy sits in the identity folder.
    const a = spawnProc(AGENT_BIN, ['run', '--once', '--config', config, '--cert', join(state, 'identity', 'agent.pem'), '--key', join(state, 'identity', 'agent-key.pem')]);
    expect(await a.exited).toBe(0);
    expect(existsSync(tokenFile)).toBe(false);
    expect(describeCertificate(readFileSync(join(state, 'identity', 'agent.pem'))).subjectCommonName).toBe(deviceId);
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM events WHERE device_id = ?', deviceId)[0]?.n).toBeGreaterThan(3);
  });

  it('renews with a new key; the collector records it and accepts the new certificate', async () => {
    // A collector of its own: this machine is enrolled once per collector.
    const state = join(work, 'renew');
    const db2 = join(work, 'renew.db');
    const port2 = await freePort();
    const c2 = await collectorOn(port2, db2, pki.dir);
    try {
      await renewsWith(db2, port2, state);
    } finally {
      c2.child.kill('SIGTERM');
      await c2.exited;
    }
  });
});

async function renewsWith(db: string, port: number, state: string): Promise<void> {
    const deviceId = await enrollAgent(db, port, join(pki.dir, 'ca.pem'), state);
    const id = join(state, 'identity');
    const before = { cert: readFileSync(join(id, 'agent.pem'), 'utf8'), key: readFileSync(join(id, 'agent-key.pem'), 'utf8') };
    await renewCertificate(`127.0.0.1:${port}`, { caFile: join(id, 'ca.pem'), certFile: join(id, 'agent.pem'), keyFile: join(id, 'agent-key.pem') });
    const after = { cert: readFileSync(join(id, 'agent.pem'), 'utf8'), key: readFileSync(join(id, 'agent-key.pem'), 'utf8') };
    expect(after.cert).not.toBe(before.cert);
    expect(after.key).not.toBe(before.key);
    expect(statSync(join(id, 'agent-key.pem')).mode & 0o777).toBe(0o600);
    expect(describeCertificate(after.cert).subjectCommonName).toBe(deviceId);
    expect(query(db, 'SELECT serial FROM certificates WHERE device_id = ?', deviceId)).toHaveLength(2);
    const a = spawnProc(AGENT_BIN, ['run', '--once', '--state-dir', state, '--server', `127.0.0.1:${port}`, '--timeout', '20']);
    expect(await a.exited).toBe(0);
}
