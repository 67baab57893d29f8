// The web console's alert queue at 10,000 alerts: how long one page takes through the collector's
// HTTP API (real HTTP on loopback, JSON out, token auth), for the views analysts use, against a
// baseline measured in the same run: the same data and requests on the schema as it was before
// the console's queue indexes (migration 3), and the API's floor (GET /v1/health).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../shared/dist/index.js';
import { Collector, SqliteStore, newToken } from '../collector/dist/index.js';
import { startApi } from '../collector/dist/api/server.js';
import { seedAlerts } from './seed-alerts.mjs';
import { Table, record } from './results.mjs';

const N = 10_000;
const ROUNDS = 300;
const now = Date.now();

/** The schema before the console: the queue's indexes gone, migration 1's status index back. */
const BEFORE = `DROP INDEX alerts_queue_severity; DROP INDEX alerts_queue_score; DROP INDEX alerts_queue_updated; DROP INDEX alerts_queue_age;
  CREATE INDEX alerts_by_status ON alerts (status, last_seen_ms);`;

async function server(dir, name, before) {
  const store = new SqliteStore(join(dir, `${name}.db`));
  seedAlerts(store, N, now);
  if (before) store.db.exec(BEFORE);
  const t = newToken('api');
  store.alerts.createApiToken('bench', 'analyst', t.hash, now);
  const fake = Buffer.from('unused');
  const collector = new Collector(store, { listen: '127.0.0.1:0', tls: { caPem: fake, certPem: fake, keyPem: fake }, ca: { certPem: '', keyPem: '' } }, createLogger('bench', 'silent'));
  const api = await startApi(collector, '127.0.0.1:0');
  return { url: `http://127.0.0.1:${api.port}`, token: t.token, close: async () => { await api.close(); store.close(); } };
}

async function latency(s, path) {
  const once = async () => {
    const t = performance.now();
    const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.token}` } });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 30; i++) await once();
  const times = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(ROUNDS / 2)], p95: times[Math.floor(ROUNDS * 0.95)] };
}

const dir = mkdtempSync(join(tmpdir(), 'farmwatch-bench-console-'));
const after = await server(dir, 'console', false);
const before = await server(dir, 'before', true);
const views = [
  ['default view: open or acknowledged, most severe first, page 1', '/v1/alerts?status=active&sort=severity&limit=50'],
  ['highest score first, page 1', '/v1/alerts?sort=score&limit=50'],
  ['oldest first, page 1', '/v1/alerts?status=active&sort=age&limit=50'],
  ['last changed first, critical only', '/v1/alerts?severity=critical&sort=recent&limit=50'],
  ['deep page: open or acknowledged, offset 7,000', '/v1/alerts?status=active&sort=severity&limit=50&offset=7000'],
  ['words: one laptop\'s hostname', '/v1/alerts?q=LT-00042&limit=50'],
];
const table = new Table(`${N.toLocaleString('en-US')} alerts over ${Math.ceil(N / 4)} laptops (bench/seed-alerts.mjs); ${ROUNDS} sequential requests per view over HTTP on loopback, after 30 to warm up`,
  ['view (50 alerts a page)', 'before p50 / p95 ms', 'console p50 / p95 ms', 'speed-up'], [62, 22, 22, 8]).header();
const floor = await latency(after, '/v1/health');
table.add(['API floor: GET /v1/health', '', `${floor.p50.toFixed(2)} / ${floor.p95.toFixed(2)}`, '']);
for (const [name, path] of views) {
  const b = await latency(before, path);
  const a = await latency(after, path);
  table.add([name, `${b.p50.toFixed(2)} / ${b.p95.toFixed(2)}`, `${a.p50.toFixed(2)} / ${a.p95.toFixed(2)}`, `${(b.p50 / a.p50).toFixed(1)}x`]);
}
table.note('before = same data and requests, schema without the console\'s queue indexes (migration 1\'s status index back); speed-up = before p50 / console p50');
record('console', 'The web console\'s alert queue at 10,000 alerts', [table]);
await after.close();
await before.close();
rmSync(dir, { recursive: true, force: true });
