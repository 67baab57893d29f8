// The alert queue's reads: filters (status or several, severity, rule, scope, device, words; a
// laptop's case also by its findings' words),
// four orders each served by an index of migration 3 (read forwards or backwards), and a page's
// ids read from the index before their rows, so a deep page joins only the rows it shows.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../sqlite.js';
import type { AlertQuery } from '../store.js';
import type { AlertRow } from '../records.js';
import { ALERT_COLUMNS, SEVERITY_ORDER } from './columns.js';
import { RISK_RULE } from '../../alerts/case-alerts.js';

export class SqliteAlertQueue {
  private readonly shapes = new Map<string, Statement<unknown[]>>();

  constructor(private readonly db: Db) {}

  private where(q: AlertQuery): { where: string; args: unknown[] } {
    const clauses: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      clauses.push(clause);
      args.push(value);
    };
    if (q.status) add('a.status = ?', q.status);
    if (q.statuses && q.statuses.length > 0) {
      clauses.push(`a.status IN (${q.statuses.map(() => '?').join(', ')})`);
      args.push(...q.statuses);
    }
    if (q.severity) add('a.severity = ?', q.severity);
    if (q.rule) add('a.rule = ?', q.rule);
    if (q.scope) add('a.scope = ?', q.scope);
    if (q.sinceMs !== undefined) add('a.updated_ms > ?', q.sinceMs);
    if (q.deviceId) {
      clauses.push('(a.device_id = ? OR a.id IN (SELECT alert_id FROM alert_members WHERE device_id = ?))');
      args.push(q.deviceId, q.deviceId);
    }
    const text = q.text?.trim().toLowerCase();
    if (text) {
      // LOWER(..) LIKE: case-insensitive in SQLite and PostgreSQL alike; % and _ are taken literally.
      // The matching alerts are found once (one pass over the alerts, lookups for the laptops),
      // then the page is read in its order from the queue's index, keeping those.
      const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const devices = `SELECT id FROM devices WHERE LOWER(hostname) LIKE ? ESCAPE '\\' OR LOWER(id) LIKE ? ESCAPE '\\'
        UNION SELECT device_id FROM registrations WHERE LOWER(serial) LIKE ? ESCAPE '\\' OR LOWER(assignee_name) LIKE ? ESCAPE '\\'
        OR LOWER(assignee_email) LIKE ? ESCAPE '\\'`;
      // A laptop's case also by its findings (what is on the laptop: "anydesk", "astrill").
      const findings = `SELECT device_id FROM findings WHERE LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(detector) LIKE ? ESCAPE '\\'
        OR LOWER(key) LIKE ? ESCAPE '\\'`;
      clauses.push(`a.id IN (SELECT id FROM alerts WHERE LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(rule) LIKE ? ESCAPE '\\'
        UNION SELECT id FROM alerts WHERE device_id IN (${devices})
        UNION SELECT alert_id FROM alert_members WHERE device_id IN (${devices})
        UNION SELECT id FROM alerts WHERE rule = ? AND device_id IN (${findings}))`);
      args.push(like, like, ...Array<string>(10).fill(like), RISK_RULE, like, like, like);
    }
    if (!q.includeSuppressed) clauses.push('a.suppressed_by IS NULL');
    return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', args };
  }

  list(q: AlertQuery): AlertRow[] {
    const { sql, args } = this.page(q);
    return this.prepared(sql).all(...args) as AlertRow[];
  }

  explain(q: AlertQuery): string[] {
    const { sql, args } = this.page(q);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
  }

  private page(q: AlertQuery): { sql: string; args: unknown[] } {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const offset = Math.max(q.offset ?? 0, 0);
    const { where, args } = this.where(q);
    // Each order matches one of the queue's indexes (migration 3), read forwards or backwards.
    const orders: Record<NonNullable<AlertQuery['sort']>, [string, string]> = {
      severity: [`${SEVERITY_ORDER}, a.last_seen_ms DESC, a.id`, `${SEVERITY_ORDER} DESC, a.last_seen_ms, a.id DESC`],
      score: [`a.score DESC, ${SEVERITY_ORDER}, a.id`, `a.score, ${SEVERITY_ORDER} DESC, a.id DESC`],
      recent: ['a.updated_ms DESC, a.id DESC', 'a.updated_ms, a.id'],
      age: ['a.first_seen_ms, a.id', 'a.first_seen_ms DESC, a.id DESC'],
    };
    const order = orders[q.sort ?? 'severity'][q.reverse ? 1 : 0];
    // The page's ids first (from the index alone), then their rows: skipping to a deep page does
    // not join the rows it skips.
    return {
      sql: `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN devices d ON d.id = a.device_id
      WHERE a.id IN (SELECT a.id FROM alerts a ${where} ORDER BY ${order} LIMIT ? OFFSET ?)
      ORDER BY ${order}`,
      args: [...args, limit, offset],
    };
  }

  count(q: AlertQuery): number {
    const { where, args } = this.where(q);
    return (this.prepared(`SELECT COUNT(*) AS n FROM alerts a ${where}`).get(...args) as { n: number }).n;
  }

  /** Statements built from a query's filters, prepared once per shape (there are few shapes). */
  private prepared(sql: string): Statement<unknown[]> {
    let st = this.shapes.get(sql);
    if (!st) {
      if (this.shapes.size >= 256) this.shapes.clear();
      this.shapes.set(sql, (st = this.db.prepare(sql)));
    }
    return st;
  }
}
