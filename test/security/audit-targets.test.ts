// Probe: audit targets were bare numbers, so API-token and exclusion ids collided with alert ids
// and showed up in alert trails (alert 1 listed an api-token.create). Now every target is typed.
// Audit trails through a real collector process: an API token, an exclusion and a suppression that
// all have id 1, and alert 1 raised by an enrolled laptop's finding. Alert 1's trail (API, CLI,
// the device's timeline) holds alert 1's records only; the audit log names every target by kind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Category, Severity } from '@farmwatch/proto';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { makePki, type Pki } from '../helpers/pki.js';
import { RawIngestClient } from '../helpers/raw-client.js';
import { enrollLaptop, type EnrolledLaptop } from '../helpers/enroll.js';

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let admin: string;
let laptop: EnrolledLaptop;

interface AuditRow { actor: string; action: string; target: string; detail: string }

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${collector.api}${path}`, {
    method, headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-audit-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir);
  // API token 1.
  const made = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'soc', '--role', 'admin', '--json', '--db', db]);
  admin = (JSON.parse(made.stdout) as { id: number; token: string }).token;
  expect((JSON.parse(made.stdout) as { id: number }).id).toBe(1);
  // Exclusion 1 and suppression 1.
  expect((await api<{ id: number }>('POST', '/v1/exclusions', { kind: 'network', value: '12.0.0.0/24', reason: 'corporate egress' })).body.id).toBe(1);
  expect((await api<{ id: number }>('POST', '/v1/suppressions', { rule: 'vpn.client', reason: 'travel week', for: '7d' })).body.id).toBe(1);
  // Alert 1: a laptop reports AnyDesk running.
  laptop = await enrollLaptop(collector.address, db, pki.ca, {
    serial: 'AUDIT-1', assignee: 'Avery Brooks <avery.brooks@example.com>', shipTo: 'Columbus, Ohio, US', timeZone: 'America/New_York', hostname: 'LT-avery',
  });
  const finding = { finding: { detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM,
    confidence: 80, title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs: Date.now(), evidence: [{ field: 'process.name', value: 'AnyDesk.exe' }] } };
  const client = new RawIngestClient(collector.address, laptop);
  const r = await client.exchange([{ hello: { ...laptop.hello, clockMs: Date.now() } }, { batch: { events: [{ ...finding, sequence: 1, observedAtMs: Date.now() }] } }]);
  client.close();
  expect(r.error).toBeUndefined();
  // The finding's alert, and the device's risk alert (unsanctioned remote access in its first days).
  const alerts = await api<{ items: { id: number; deviceId: string; rule: string }[] }>('GET', '/v1/alerts');
  expect(alerts.body.items.find((a) => a.id === 1)).toMatchObject({ deviceId: laptop.deviceId });
  expect((await api('POST', '/v1/alerts/1/ack', { note: 'calling the user' })).status).toBe(200);
  // An alert is assigned to a console user who takes alerts.
  const jordan = await run(COLLECTOR_CLI, ['users', 'create', '--name', 'jordan', '--role', 'analyst', '--db', db]);
  expect(jordan.code, jordan.stderr).toBe(0);
  const assigned = await run(COLLECTOR_CLI, ['alerts', 'assign', '1', 'jordan', '--db', db]);
  expect(assigned.code, assigned.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe("alert 1's audit trail", () => {
  it('holds only what was done to alert 1, through the API', async () => {
    const a = await api<{ audit: AuditRow[] }>('GET', '/v1/alerts/1');
    expect(a.body.audit.map((r) => [r.action, r.target])).toEqual([['alert.assign', 'alert:1'], ['alert.ack', 'alert:1']]);
  });

  it('holds only what was done to alert 1, through the CLI', async () => {
    const json = await run(COLLECTOR_CLI, ['alerts', 'show', '1', '--json', '--db', db]);
    expect((JSON.parse(json.stdout) as { audit: AuditRow[] }).audit.map((r) => `${r.action} ${r.target}`)).toEqual(['alert.assign alert:1', 'alert.ack alert:1']);
    const text = await run(COLLECTOR_CLI, ['alerts', 'show', '1', '--db', db]);
    const trail = text.stdout.slice(text.stdout.indexOf('Audit trail'));
    expect(trail).toMatch(/^Audit trail \(newest first\):\n {2}\S+ cli:\S+ alert\.assign: jordan\n {2}\S+ api:soc alert\.ack: open -> acknowledged: calling the user\n$/);
  });

  it("puts the laptop's own records and alert 1's in its timeline, and nothing of the token, exclusion or suppression", async () => {
    const tl = await api<{ items: { kind: string; title: string; detail: string; alertId?: number }[] }>('GET', `/v1/devices/${laptop.deviceId}/timeline`);
    const audit = tl.body.items.filter((t) => t.kind === 'audit');
    expect(audit.map((t) => t.title.replace(/ by .*/, ''))).toEqual(['alert.assign', 'alert.ack', 'device.enroll', 'token.create']);
    expect(audit[0]).toMatchObject({ alertId: 1, detail: 'alert #1: jordan' });
    expect(audit[2]?.alertId).toBeUndefined();
  });

  it('names every target by its kind in the audit log', async () => {
    const log = await api<AuditRow[]>('GET', '/v1/audit?limit=50');
    expect(log.body.map((r) => `${r.action} ${r.target}`).reverse()).toEqual([
      'api-token.create api-token:1', 'exclusion.add exclusion:1', 'suppression.add suppression:1', `device.register device:${laptop.deviceId}`,
      `token.create enroll-token:${laptop.deviceId}`, `device.enroll device:${laptop.deviceId}`, 'alert.ack alert:1', 'user.create user:jordan', 'alert.assign alert:1',
    ]);
    expect(log.body.find((r) => r.action === 'exclusion.add')?.detail).toBe('network 12.0.0.0/24: corporate egress');
  });
});
