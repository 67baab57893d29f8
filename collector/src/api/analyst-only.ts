// What only the roles that handle alerts (admin, analyst) may read, declared here once, and taken
// out in one place (a preSerialization hook) of every answer to any other role (it): who an alert
// is assigned to, the notes people wrote on it, its audit trail, and any record of what someone did
// to an alert (in a laptop's timeline). Handlers mark what they return: `alertView` on an alert
// (its analyst-only fields go), `analystOnly` on a whole entry (it goes). The marks are symbol keys,
// which JSON never shows; test/security/field-access.test.ts walks every route and role.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../store/fleet-records.js';

/** The roles that read alerts in full. */
export const ALERT_READERS: readonly Role[] = ['admin', 'analyst'];
/** An alert's fields that only they read: what people decided and wrote about it. */
export const ANALYST_ONLY_ALERT_FIELDS: readonly string[] = ['assignee', 'notes', 'audit'];

const MARK = Symbol('analyst-only');
type Marked = { [MARK]?: 'alert' | 'whole' };

/** An alert (a row, a detail) in an answer: other roles get it without ANALYST_ONLY_ALERT_FIELDS. */
export function alertView<T extends object>(alert: T): T {
  return { ...alert, [MARK]: 'alert' };
}

/** A part of an answer other roles do not get at all (dropped from its list or its object). */
export function analystOnly<T extends object>(part: T): T {
  return { ...part, [MARK]: 'whole' };
}

const mark = (v: unknown): Marked[typeof MARK] => (v !== null && typeof v === 'object' ? (v as Marked)[MARK] : undefined);

/** A copy of an answer without what only alert readers read. */
export function withoutAnalystOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => mark(v) !== 'whole').map(withoutAnalystOnly);
  // Dates, Buffers and the like serialize themselves and carry nothing of an alert.
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const isAlert = mark(value) === 'alert';
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if ((isAlert && ANALYST_ONLY_ALERT_FIELDS.includes(key)) || mark(v) === 'whole') continue;
    out[key] = withoutAnalystOnly(v);
  }
  return out;
}

/** Every JSON answer to a caller whose role is not an alert reader goes through withoutAnalystOnly. */
export function hideAnalystOnly(app: FastifyInstance): void {
  app.addHook('preSerialization', async (req, _reply, payload: unknown) => {
    const role = req.caller?.role;
    return role !== undefined && !ALERT_READERS.includes(role) ? withoutAnalystOnly(payload) : payload;
  });
}
