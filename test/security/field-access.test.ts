// Probe: what the `it` role read of the analysts' work. With an `it` token, GET
// /v1/devices/ID/timeline returned an analyst's confidential note on the laptop's alert and who the
// alert was assigned to (its audit records), and GET /v1/devices/ID listed the alert's assignee.
// What only admin and analyst read (an alert's assignee, notes and audit trail, and any record of
// what someone did to an alert) is now declared once (collector/src/api/analyst-only.ts) and taken
// out of every answer to another role. This walks every GET route of the API's own OpenAPI
// document for every role, filling ids with the seeded alert and laptop, and searches each answer's
// text: `it` never gets the note or the assignee, by token or by console session, while admin and
// analyst get both where the alert is shown.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { anyDeskLaptop } from '../helpers/probe-collector.js';
import type { EnrolledLaptop } from '../helpers/enroll.js';

const NOTE = 'CONFIDENTIAL 7f3a: HR says the references were made up';
const ACK_NOTE = 'PRIVATE b91c: calling the manager first';
const ASSIGNEE = 'quinn.marlowe';
const PASSWORD = 'a long enough password 2026';
const ROLES = ['admin', 'analyst', 'it'] as const;
type Role = (typeof ROLES)[number];

let pki: Pki;
let dir: string;
let db: string;
let collector: RunningCollector;
let laptop: EnrolledLaptop;
const tokens = {} as Record<Role, string>;
let itCookie = '';

const get = async (path: string, auth: Record<string, string>): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${collector.api}${path}`, { headers: auth });
  return { status: res.status, text: await res.text() };
};
const post = async (path: string, body: unknown): Promise<number> => (await fetch(`${collector.api}${path}`, {
  method: 'POST', headers: { authorization: `Bearer ${tokens.analyst}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
})).status;

beforeAll(async () => {
  pki = makePki();
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-fields-'));
  db = join(dir, 'collector.db');
  collector = await startCollector(db, pki.dir);
  for (const role of ROLES) {
    tokens[role] = (JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', `${role} desk`, '--role', role, '--json', '--db', db])).stdout) as { token: string }).token;
  }
  writeFileSync(join(dir, 'pw'), `${PASSWORD}\n`, { mode: 0o600 });
  for (const [name, role] of [[ASSIGNEE, 'analyst'], ['it.desk', 'it']] as const) {
    expect((await run(COLLECTOR_CLI, ['users', 'create', '--name', name, '--role', role, '--password-file', join(dir, 'pw'), '--db', db])).code).toBe(0);
  }
  // Alert 1: a laptop reports AnyDesk running; an analyst acknowledges it with a note, writes
  // another and assigns it.
  laptop = await anyDeskLaptop({ dir, db, pki, collector }, {
    serial: 'FIELDS-1', assignee: 'Avery Brooks <avery.brooks@example.com>', shipTo: 'Columbus, Ohio, US', timeZone: 'America/New_York', hostname: 'LT-avery',
  });
  // Site 1, so that /v1/sites/{id} is read too.
  expect((await run(COLLECTOR_CLI, ['sites', 'add', 'HQ', '--egress', '12.0.0.0/24', '--db', db])).code).toBe(0);
  expect(await post('/v1/alerts/1/ack', { note: ACK_NOTE })).toBe(200);
  expect(await post('/v1/alerts/1/notes', { note: NOTE })).toBe(200);
  expect(await post('/v1/alerts/1/assign', { assignee: ASSIGNEE })).toBe(200);
  const login = await fetch(`${collector.api}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'it.desk', password: PASSWORD }) });
  expect(login.status).toBe(200);
  itCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 60_000);
afterAll(async () => {
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

interface Operation { 'x-roles'?: Role[]; parameters?: { name: string; in: string; schema: { type?: string } }[] }

/** Every GET route of the running API, with its path ids filled: a number with alert 1, a string with the laptop. */
async function getRoutes(): Promise<{ path: string; url: string; roles: Role[] }[]> {
  const doc = JSON.parse((await get('/v1/openapi.json', {})).text) as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) => {
    const op = ops.get;
    if (!op) return [];
    const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const type = op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema.type;
      return type === 'integer' ? '1' : encodeURIComponent(laptop.deviceId);
    });
    return [{ path, url, roles: op['x-roles'] ?? [] }];
  });
}

/** The event stream never ends (and sends nothing before an alert changes): only its refusal is read. */
const SKIP_READING = new Set(['/v1/alerts/stream']);
/** The one laptop shares nothing with another: it is in no cluster. */
const NOT_FOUND = new Set(['/v1/clusters/{id}']);

describe('fields only alert readers read, on every route and role', () => {
  it('the route table is walked whole', async () => {
    const routes = await getRoutes();
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/v1/devices/{id}/timeline', '/v1/devices/{id}', '/v1/alerts/{id}', '/v1/alerts', '/v1/tokens', '/metrics']));
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it('it never gets the note or the assignee; admin and analyst get them where the alert is', async () => {
    const seen: Record<Role, { note: string[]; assignee: string[] }> = { admin: { note: [], assignee: [] }, analyst: { note: [], assignee: [] }, it: { note: [], assignee: [] } };
    for (const route of await getRoutes()) {
      for (const role of ROLES) {
        const allowed = route.roles.length === 0 || route.roles.includes(role);
        if (SKIP_READING.has(route.path) && allowed) continue;
        const r = await get(route.url, { authorization: `Bearer ${tokens[role]}` });
        expect(r.status, `${role} GET ${route.url}: ${r.text.slice(0, 300)}`).toBe(!allowed ? 403 : NOT_FOUND.has(route.path) ? 404 : 200);
        if (r.text.includes(NOTE) || r.text.includes(ACK_NOTE)) seen[role].note.push(route.path);
        if (r.text.includes(ASSIGNEE)) seen[role].assignee.push(route.path);
      }
    }
    expect(seen.it).toEqual({ note: [], assignee: [] });
    for (const role of ['admin', 'analyst'] as const) {
      expect(seen[role].note, role).toEqual(expect.arrayContaining(['/v1/alerts/{id}', '/v1/devices/{id}/timeline']));
      expect(seen[role].assignee, role).toEqual(expect.arrayContaining(['/v1/alerts', '/v1/alerts/{id}', '/v1/devices/{id}', '/v1/devices/{id}/timeline']));
    }
  });

  it('it still gets the laptop, its alerts without their assignee, and the timeline without what people did to the alert', async () => {
    const auth = { authorization: `Bearer ${tokens.it}` };
    const device = JSON.parse((await get(`/v1/devices/${laptop.deviceId}`, auth)).text) as { id: string; alerts: Record<string, unknown>[] };
    expect(device.id).toBe(laptop.deviceId);
    expect(device.alerts.find((a) => a.id === 1)).toMatchObject({ title: expect.stringContaining('AnyDesk is running') as unknown, status: 'acknowledged' });
    expect(device.alerts.every((a) => !('assignee' in a))).toBe(true);
    const timeline = JSON.parse((await get(`/v1/devices/${laptop.deviceId}/timeline`, auth)).text) as { items: { kind: string; title: string; alertId?: number }[] };
    expect(timeline.items.map((t) => t.kind)).toEqual(expect.arrayContaining(['registration', 'alert', 'audit']));
    expect(timeline.items.filter((t) => t.kind === 'audit' && t.alertId !== undefined)).toEqual([]);
    const analystTimeline = JSON.parse((await get(`/v1/devices/${laptop.deviceId}/timeline`, { authorization: `Bearer ${tokens.analyst}` })).text) as { items: { kind: string; alertId?: number }[] };
    expect(analystTimeline.items.filter((t) => t.kind === 'audit' && t.alertId === 1).length).toBe(3);
  });

  it('a console session with the it role gets the same', async () => {
    for (const path of [`/v1/devices/${laptop.deviceId}`, `/v1/devices/${laptop.deviceId}/timeline`, '/v1/devices']) {
      const r = await get(path, { cookie: itCookie });
      expect(r.status, path).toBe(200);
      expect(r.text).not.toContain(NOTE);
      expect(r.text).not.toContain(ACK_NOTE);
      expect(r.text).not.toContain(ASSIGNEE);
    }
  });
});
