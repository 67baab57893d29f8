// Probe: crafted numbers in list queries. `?offset=99999999999999999999`, `offset=1e309` and
// `limit=1e309` passed validation (Ajv reads them as whole numbers: 1e20 and Infinity) and reached
// SQLite, which answered "datatype mismatch": a 500 on every paged list. Each bounded number a
// query takes is now a whole number within a stated range, refused with a 400 that names the
// parameter and the range (and never echoes the value), and the collector stays up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { register } from '../helpers/enroll.js';

let pki: Pki;
let dir: string;
let collector: RunningCollector;
let admin: string;
let deviceId: string;

beforeAll(async () => {
  pki = makePki();
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-numbers-'));
  const db = join(dir, 'collector.db');
  collector = await startCollector(db, pki.dir);
  admin = (JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'probe', '--role', 'admin', '--json', '--db', db])).stdout) as { token: string }).token;
  deviceId = (await register(db, { serial: 'NUM-1', assignee: 'Sam Lee <sam.lee@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'LT-sam' })).deviceId;
}, 60_000);
afterAll(async () => {
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

const CRAFTED = ['99999999999999999999', '1e309', '-1e309', '1e20', '9007199254740993', '-1', '1.5', 'NaN'];
/** Each list route and the bounded numbers its query takes. */
const LISTS = (): [string, string[]][] => [
  ['/v1/alerts', ['offset', 'limit', 'since']], ['/v1/devices', ['offset', 'limit']], ['/v1/clusters', ['offset', 'limit']],
  ['/v1/audit', ['offset', 'limit']], [`/v1/devices/${deviceId}/timeline`, ['limit']],
];

const get = async (path: string, method = 'GET'): Promise<{ status: number; body: { error?: { message: string } } }> => {
  const res = await fetch(`${collector.api}${path}`, { method, headers: { authorization: `Bearer ${admin}` } });
  return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
};

describe('crafted numbers in list queries', () => {
  it('are refused with 400 naming the parameter and its range, on every list route', async () => {
    for (const [route, names] of LISTS()) {
      for (const name of names) {
        for (const value of CRAFTED) {
          const r = await get(`${route}?${name}=${encodeURIComponent(value)}`);
          expect(r.status, `${route}?${name}=${value} ${JSON.stringify(r.body)}`).toBe(400);
          expect(r.body.error?.message, `${route}?${name}=${value}`).toMatch(new RegExp(`^invalid request: the query parameter ${name} must be a whole number from -?\\d+ to \\d+$`));
          expect(r.body.error?.message.length).toBeLessThan(200);
        }
      }
    }
  });

  it('as numeric ids in a path are refused the same way', async () => {
    const routes: [string, string][] = [
      ['GET', '/v1/alerts/ID'], ['POST', '/v1/alerts/ID/notes'], ['DELETE', '/v1/exclusions/ID'], ['DELETE', '/v1/suppressions/ID'],
      ['DELETE', '/v1/api-tokens/ID'], ['POST', '/v1/users/ID/disable'],
    ];
    for (const [method, route] of routes) {
      for (const value of ['1e309', '99999999999999999999', '0', '1.5']) {
        const r = await get(route.replace('ID', encodeURIComponent(value)), method);
        expect(r.status, `${method} ${route} ${value}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.error?.message).toMatch(/^invalid request: the path parameter id must be a whole number from 1 to \d+$/);
      }
    }
  });

  it('leave the collector up, answering the same lists', async () => {
    for (const [route] of LISTS()) expect((await get(`${route}?limit=5&offset=0`)).status, route).toBe(200);
    expect((await get('/v1/audit?offset=1000000000')).status).toBe(200);
    expect((await get('/v1/audit?offset=1000000001')).status).toBe(400);
  });
});
