// The alert queue at 10,000 alerts, through a real collector's HTTP API: every sort, both ways,
// pages through the whole queue with each alert exactly once and in the order an independent sort
// of the same rows gives; totals match for filters; and SQLite reads each page from the queue's
// index (no sort of the whole table), which is what keeps a page fast (the latency itself is
// measured by bench/console.bench.mjs, not asserted here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, newToken, type AlertQuery } from '../../collector/dist/index.js';
import { seedAlerts } from '../../bench/seed-alerts.mjs';
import { startCollector, type RunningCollector } from '../helpers/processes.js';
import { makePki, type Pki } from '../helpers/pki.js';

const N = 10_000;
const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

interface Row { id: number; severity: string; score: number; lastSeenMs: number; firstSeenMs: number; updatedMs: number; status: string; suppressedBy: number | null; scope: string; deviceId: string }
interface Item { id: number; hostname: string; scope: string; memberCount: number; deviceId: string }

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let token: string;
let rows: Row[];
let laptops: string[];

async function page(query: string): Promise<{ items: Item[]; total: number }> {
  const res = await fetch(`${collector.api}/v1/alerts?${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Item[]; total: number };
}

async function everyPage(query: string): Promise<{ ids: number[]; total: number }> {
  const ids: number[] = [];
  let total = 0;
  for (let offset = 0; ; offset += 1000) {
    const p = await page(`${query}&limit=1000&offset=${offset}`);
    total = p.total;
    ids.push(...p.items.map((a) => a.id));
    if (p.items.length < 1000) break;
  }
  return { ids, total };
}

/** The same orders the store promises, computed here over all rows. */
const ORDERS: Record<string, (a: Row, b: Row) => number> = {
  severity: (a, b) => (RANK[a.severity] ?? 4) - (RANK[b.severity] ?? 4) || b.lastSeenMs - a.lastSeenMs || a.id - b.id,
  score: (a, b) => b.score - a.score || (RANK[a.severity] ?? 4) - (RANK[b.severity] ?? 4) || a.id - b.id,
  recent: (a, b) => b.updatedMs - a.updatedMs || b.id - a.id,
  age: (a, b) => a.firstSeenMs - b.firstSeenMs || a.id - b.id,
};

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-queue-'));
  db = join(work, 'collector.db');
  const store = new SqliteStore(db);
  laptops = seedAlerts(store, N);
  const t = newToken('api');
  token = t.token;
  store.alerts.createApiToken('queue test', 'analyst', t.hash, Date.now());
  rows = store.db.prepare(`SELECT id, severity, score, last_seen_ms AS lastSeenMs, first_seen_ms AS firstSeenMs, updated_ms AS updatedMs, status,
    suppressed_by AS suppressedBy, scope, device_id AS deviceId FROM alerts`).all() as Row[];
  store.close();
  collector = await startCollector(db, pki.dir);
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe(`the alert queue at ${N.toLocaleString('en-US')} alerts`, () => {
  it('holds what was seeded', () => {
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['open', 'acknowledged', 'resolved', 'false_positive']));
    expect(rows.filter((r) => r.suppressedBy !== null).length).toBeGreaterThan(0);
  });

  for (const sort of Object.keys(ORDERS)) {
    for (const reverse of [false, true]) {
      it(`pages through every alert once, sorted by ${sort}${reverse ? ' (reversed)' : ''}`, async () => {
        const shown = rows.filter((r) => r.suppressedBy === null);
        const expected = [...shown].sort(ORDERS[sort]).map((r) => r.id);
        if (reverse) expected.reverse();
        const got = await everyPage(`sort=${sort}&reverse=${reverse}`);
        expect(got.total).toBe(shown.length);
        expect(got.ids).toEqual(expected);
      }, 60_000);
    }
  }

  it('counts and pages the default view (open or acknowledged, most severe first) and a deep page', async () => {
    const active = rows.filter((r) => r.suppressedBy === null && (r.status === 'open' || r.status === 'acknowledged')).sort(ORDERS.severity);
    const first = await page('status=active&limit=50');
    expect(first.total).toBe(active.length);
    expect(first.items.map((a) => a.id)).toEqual(active.slice(0, 50).map((r) => r.id));
    const deep = await page(`status=active&limit=50&offset=${active.length - 50}`);
    expect(deep.items.map((a) => a.id)).toEqual(active.slice(-50).map((r) => r.id));
    const beyond = await page(`status=active&limit=50&offset=${active.length}`);
    expect(beyond).toMatchObject({ items: [], total: active.length });
  });

  it('filters by severity, scope, words and suppression, with totals to match', async () => {
    const shown = rows.filter((r) => r.suppressedBy === null);
    expect((await page('severity=critical&limit=1')).total).toBe(shown.filter((r) => r.severity === 'critical').length);
    const clusters = await page('scope=cluster&limit=1000');
    expect(clusters.total).toBe(shown.filter((r) => r.scope === 'cluster').length);
    expect(new Set(clusters.items.map((a) => a.memberCount))).toEqual(new Set([10]));
    const laptop = laptops[42] ?? '';
    const mine = await page('q=LT-00042&limit=100');
    const cluster = rows.find((r) => r.scope === 'cluster' && r.deviceId === laptops[40]);
    expect(mine.items.map((a) => a.id).sort((a, b) => a - b)).toEqual(
      rows.filter((r) => r.suppressedBy === null && (r.deviceId === laptop || r.id === cluster?.id)).map((r) => r.id).sort((a, b) => a - b));
    expect((await page('suppressed=true&limit=1')).total).toBe(N);
  });

  it('reads each page from the index of its order, sorting only the page itself', () => {
    const store = new SqliteStore(db, { readonly: true });
    try {
      const index: Record<string, string> = { severity: 'alerts_queue_severity', score: 'alerts_queue_score', recent: 'alerts_queue_updated', age: 'alerts_queue_age' };
      for (const sort of ['severity', 'score', 'recent', 'age'] as const) {
        for (const reverse of [false, true]) {
          const filters: AlertQuery[] = [{}, { statuses: ['open', 'acknowledged'] }, { status: 'open' }, { status: 'false_positive' }, { severity: 'critical' }, { scope: 'cluster' }];
          for (const filter of filters) {
            const plan = store.explainAlertPage({ sort, reverse, limit: 50, offset: 5000, ...filter });
            const label = `${sort} ${reverse} ${JSON.stringify(filter)}`;
            expect(plan.join(' | '), label).toMatch(new RegExp(`SCAN a USING (COVERING )?INDEX ${index[sort] ?? '?'}\\b`));
            // One sort only: the outer one, over the page's 50 rows.
            expect(plan.filter((p) => p.includes('TEMP B-TREE')), label).toEqual(['USE TEMP B-TREE FOR ORDER BY']);
            expect(plan.at(-1), label).toBe('USE TEMP B-TREE FOR ORDER BY');
          }
        }
      }
    } finally {
      store.close();
    }
  });
});
