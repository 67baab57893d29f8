// Fuzzing the HTTP API of a real collector process with hostile requests: every route with odd
// ids, queries and bodies (wrong types, huge, deeply nested, __proto__ keys, SQL and path tricks),
// tokens of every role, revoked, forged or missing, and bytes that are barely HTTP. After every
// request: an answer in time, never a 5xx; an error is JSON that says what to fix; nothing changed
// unless the request succeeded, and no change without an audit record. The collector stays up.
//   FARMWATCH_FUZZ_RUNS (default 40 per property), FARMWATCH_FUZZ_SEED
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { query } from '../helpers/field.js';
import { importFleet } from '../faults/helpers/fleet.js';
import { text } from './helpers/arbitraries.js';
import { fuzzParams } from './helpers/runs.js';

const params = fuzzParams(5);

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
const tokens: Record<string, string> = {};
let devices: string[] = [];

const token = async (role: string, name = `fuzz ${role}`): Promise<string> =>
  (JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', name, '--role', role, '--json', '--db', db])).stdout) as { token: string }).token;

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-fuzz-api-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir);
  for (const role of ['admin', 'analyst', 'it']) tokens[role] = await token(role);
  tokens.revoked = await token('admin', 'revoked');
  await run(COLLECTOR_CLI, ['api-tokens', 'revoke', '4', '--db', db]);
  await importFleet(db, work, 3, 'API');
  devices = query<{ device_id: string }>(db, 'SELECT device_id FROM registrations').map((r) => r.device_id);
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

/** What the API may change, without the columns every authorized request touches (last use of a token). */
function snapshot(): { data: string; audit: number } {
  const rows = (sql: string): unknown[] => query(db, sql);
  const data = JSON.stringify([
    rows('SELECT * FROM registrations ORDER BY device_id'), rows('SELECT * FROM enrollment_tokens ORDER BY token_hash'),
    rows('SELECT id, name, role, token_hash, created_ms, revoked_ms FROM api_tokens ORDER BY id'), rows('SELECT * FROM exclusions ORDER BY id'),
    rows('SELECT * FROM suppressions ORDER BY id'), rows('SELECT id, status, assignee, updated_ms FROM alerts ORDER BY id'),
    rows('SELECT * FROM alert_notes ORDER BY id'), rows('SELECT serial, revoked_ms FROM certificates ORDER BY serial'),
    rows('SELECT * FROM sites ORDER BY id'), rows('SELECT * FROM site_egress ORDER BY site_id, cidr'), rows('SELECT * FROM site_equipment ORDER BY id'),
  ]);
  return { data: createHash('sha256').update(data).digest('hex'), audit: (rows('SELECT COUNT(*) AS n FROM audit_log')[0] as { n: number }).n };
}

const ROUTES: [string, string][] = [
  ['GET', '/v1/alerts'], ['GET', '/v1/alerts/:id'], ['POST', '/v1/alerts/:id/ack'], ['POST', '/v1/alerts/:id/resolve'], ['POST', '/v1/alerts/:id/false-positive'],
  ['POST', '/v1/alerts/:id/reopen'], ['POST', '/v1/alerts/:id/notes'], ['POST', '/v1/alerts/:id/assign'], ['GET', '/v1/devices'], ['POST', '/v1/devices'],
  ['POST', '/v1/devices/import'], ['GET', '/v1/devices/:id'], ['POST', '/v1/devices/:id/tokens'], ['POST', '/v1/devices/:id/revoke'], ['GET', '/v1/enrollment/ca.pem'], ['POST', '/v1/devices/purge-demo'], ['GET', '/v1/clusters'],
  ['GET', '/v1/exclusions'], ['POST', '/v1/exclusions'], ['DELETE', '/v1/exclusions/:id'], ['GET', '/v1/suppressions'], ['POST', '/v1/suppressions'],
  ['DELETE', '/v1/suppressions/:id'], ['GET', '/v1/tokens'], ['GET', '/v1/audit'], ['GET', '/v1/api-tokens'], ['POST', '/v1/api-tokens'],
  ['DELETE', '/v1/api-tokens/:id'], ['GET', '/metrics'], ['GET', '/v1/health'], ['GET', '/v1/openapi.json'],
  ['GET', '/v1/sites'], ['POST', '/v1/sites'], ['GET', '/v1/sites/:id'], ['DELETE', '/v1/sites/:id'], ['DELETE', '/v1/sites/:id/equipment/1'],
];

const id = (): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom('1', '2', '0', '-1', '99999999999999999999', '1e3', '0x10', '%00', '..%2F..%2Fetc%2Fpasswd', "1' OR '1'='1", 'null', '__proto__'),
  fc.constantFrom(...devices, 'API-0'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);

const hostileValue = (): fc.Arbitrary<unknown> => fc.oneof(text(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}),
  fc.constantFrom('12.0.0.0/24', '::/0', '0.0.0.0/0', '999.1.1.1/99', '7d', '0m', '100000d', '*', 'admin', 'Name <e@x>', 'Austin, Texas, US', 'Mars/Olympus'));

const body = (): fc.Arbitrary<{ type?: string; data: string }> => fc.oneof(
  fc.dictionary(fc.constantFrom('serial', 'assignee', 'shipTo', 'timeZone', 'tokenDays', 'csv', 'kind', 'value', 'reason', 'rule', 'device', 'for', 'name', 'role', 'note', 'assignee', 'egress', '__proto__', 'constructor', 'extra'), hostileValue(), { maxKeys: 6 })
    .map((o) => ({ type: 'application/json', data: JSON.stringify(o) })),
  fc.jsonValue().map((v) => ({ type: 'application/json', data: JSON.stringify(v) })),
  fc.integer({ min: 1, max: 5000 }).map((n) => ({ type: 'application/json', data: `${'['.repeat(n)}${']'.repeat(n)}` })),
  fc.constantFrom('{"__proto__":{"admin":true},"name":"x","role":"admin"}', '{"csv":"serial,assignee\\n\\"a,b"}', '{', 'null', '"x"', '{"a":1}'.repeat(3))
    .map((data) => ({ type: 'application/json', data })),
  fc.tuple(fc.constantFrom('text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'), text()).map(([type, data]) => ({ type, data })),
  fc.constant({ type: 'application/json', data: JSON.stringify({ csv: 'x'.repeat(9 * 1024 * 1024) }) }),
  fc.constant({ data: '' }),
);

const query_ = (): fc.Arbitrary<string> => fc.dictionary(fc.constantFrom('limit', 'offset', 'status', 'severity', 'rule', 'device', 'scope', 'sort', 'since', 'suppressed', 'state', 'q', 'x', '__proto__'),
  fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '0', '1e309', '1000000', 'true', 'open', "' OR 1=1 --", '%', '\u0000')), { maxKeys: 4 })
  .map((o) => new URLSearchParams(o).toString());

describe('fuzzing the HTTP API', () => {
  it('hostile requests on every route: no 5xx, errors that say what to fix, no change without success and audit', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...ROUTES), id(), query_(), body(), fc.constantFrom('admin', 'analyst', 'it', 'revoked', 'forged', 'none', 'garbage'),
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'route'),
      async ([routeMethod, route], theId, q, b, who, methodChoice) => {
        const method = methodChoice === 'route' ? routeMethod : methodChoice;
        const path = `${route.replace(':id', theId)}${q ? `?${q}` : ''}`;
        const auth = who === 'forged' ? 'Bearer fwa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : who === 'garbage' ? `Basic ${'\u00ff'.repeat(2)}x` : who === 'none' ? undefined : `Bearer ${tokens[who] ?? ''}`;
        const before = snapshot();
        const sent = method === 'GET' || method === 'HEAD' ? undefined : b.data;
        let res: Response;
        try {
          res = await fetch(`${collector.api}${path}`, {
            method, signal: AbortSignal.timeout(15_000),
            headers: { ...(auth ? { authorization: auth } : {}), ...(b.type ? { 'content-type': b.type } : {}) },
            ...(sent !== undefined ? { body: sent } : {}),
          });
        } catch (err) {
          // A body over the 8 MiB limit: the collector answers 413 and closes before the client has sent it all.
          expect(Buffer.byteLength(sent ?? ''), `${method} ${path}: ${String((err as Error).cause ?? err)}`).toBeGreaterThan(8 * 1024 * 1024);
          expect(snapshot()).toEqual(before);
          expect((await fetch(`${collector.api}/v1/health`)).status).toBe(200);
          return;
        }
        const textBody = await res.text();
        expect(res.status, `${method} ${path} -> ${res.status} ${textBody.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400 && method !== 'HEAD') {
          const err = (JSON.parse(textBody) as { error: { status: number; message: string } }).error;
          expect(err.status).toBe(res.status);
          expect(err.message.length).toBeGreaterThan(5);
          expect(err.message).not.toMatch(/\n\s+at |TypeError|RangeError|SqliteError|Cannot read prop/);
        }
        const after = snapshot();
        if (res.status >= 300) expect(after).toEqual(before);
        else if (after.data !== before.data) expect(after.audit, `${method} ${path} changed data without an audit record`).toBeGreaterThan(before.audit);
        expect(collector.child.exitCode).toBeNull();
      }), params);
  }, 900_000);

  it('bytes that are barely HTTP: answered with a client error or closed, and the collector keeps serving', async () => {
    const port = Number(new URL(collector.api).port);
    const cases = fc.oneof(
      fc.constantFrom(
        'GET / HTTP/0.9\r\n\r\n', 'GARBAGE\r\n\r\n', `GET /v1/health HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(100_000)}\r\n\r\n`,
        'POST /v1/devices HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/api-tokens HTTP/1.1\r\nHost: x\r\n\r\n',
        'POST /v1/exclusions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'GET /v1/health\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET /v1/health HTTP/1.1\nHost: x\nAuthorization: Bearer\r\n x\r\n\r\n',
      ),
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    await fc.assert(fc.asyncProperty(cases, async (raw) => {
      const answer = await new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1');
        let got = '';
        const t = setTimeout(() => {
          s.destroy();
          resolve(`${got}<timeout>`);
        }, 5000);
        s.on('data', (d) => (got += d.toString('latin1')));
        s.on('close', () => {
          clearTimeout(t);
          resolve(got);
        });
        s.on('error', () => {});
        s.end(Buffer.from(raw, 'latin1'));
      });
      expect(answer).not.toMatch(/^HTTP\/1\.1 5\d\d/m);
      expect(answer).not.toMatch(/"token"|fwa_/);
      const health = await fetch(`${collector.api}/v1/health`, { signal: AbortSignal.timeout(5000) });
      expect(health.status).toBe(200);
    }), fuzzParams());
  }, 600_000);
});
