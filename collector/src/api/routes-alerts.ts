// Alert endpoints: list (filters, sorting, paging), one alert with evidence and notes, lifecycle
// actions, notes, assignment, and a server-sent event stream of alert changes.
import type { Collector } from '../app.js';
import type { AlertChange, AlertQuery } from '../store/store.js';
import type { AlertStatus } from '../store/records.js';
import { assign, note, transition, type AlertAction } from '../alerts/lifecycle.js';
import { ALERT_SCOPES, ALERT_SEVERITIES, ALERT_SORTS, ALERT_STATUS_FILTERS } from '../ops/alert-values.js';
import { alertDocument } from '../export/document.js';
import { caseFindingViews } from '../alerts/case-evidence.js';
import { auditTarget } from '../store/audit-target.js';
import { ApiError, actor, type Routes } from './route.js';
import { callerEnded } from '../auth/http-auth.js';
import { alertView } from './analyst-only.js';
import { MAX_EPOCH_MS, NUMERIC_ID, PAGING, wholeNumber } from './paging.js';

const ID = NUMERIC_ID;
/** How often an open event stream checks that its caller may still read it. */
export const STREAM_RECHECK_MS = 2_000;
/** An open alert stream writes a comment this often, so that it is never an idle connection. */
export const STREAM_KEEPALIVE_MS = 15_000;
const NOTE = { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 4000 } } };

export function alertRoutes(routes: Routes, c: Collector): void {
  const store = c.store;
  routes.add({
    method: 'GET', url: '/v1/alerts', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Alerts, filtered, sorted and paged',
    query: {
      type: 'object', additionalProperties: false, properties: {
        status: { type: 'string', enum: ALERT_STATUS_FILTERS, description: 'active: open or acknowledged' },
        severity: { type: 'string', enum: ALERT_SEVERITIES },
        rule: { type: 'string', maxLength: 128 }, device: { type: 'string', maxLength: 128 },
        scope: { type: 'string', enum: ALERT_SCOPES },
        q: { type: 'string', maxLength: 200, description: "words in the title or rule, a laptop's id, hostname, serial or assignee, or (a laptop's case) its findings" },
        sort: { type: 'string', enum: ALERT_SORTS, default: 'severity', description: 'severity: most severe first; score: highest first; recent: last changed first; age: oldest first' },
        reverse: { type: 'boolean', default: false, description: 'the other way round' },
        since: wholeNumber(0, MAX_EPOCH_MS, { description: 'only alerts changed after this time (epoch ms)' }),
        suppressed: { type: 'boolean', default: false },
        ...PAGING,
      },
    },
    handler: (req) => {
      const q = req.query as {
        status?: AlertStatus | 'active'; severity?: string; rule?: string; device?: string; scope?: 'device' | 'cluster'; q?: string; sort?: AlertQuery['sort'];
        reverse?: boolean; since?: number; suppressed?: boolean; limit?: number; offset?: number;
      };
      const query: AlertQuery = {
        ...(q.status === 'active' ? { statuses: ['open', 'acknowledged'] } : q.status ? { status: q.status } : {}),
        ...(q.severity ? { severity: q.severity } : {}), ...(q.rule ? { rule: q.rule } : {}),
        ...(q.device ? { deviceId: q.device } : {}), ...(q.scope ? { scope: q.scope } : {}), ...(q.since !== undefined ? { sinceMs: q.since } : {}),
        ...(q.q?.trim() ? { text: q.q } : {}), includeSuppressed: q.suppressed ?? false, ...(q.sort ? { sort: q.sort } : {}), reverse: q.reverse ?? false,
      };
      const items = store.listAlerts({ ...query, limit: q.limit ?? 100, offset: q.offset ?? 0 });
      const members = store.views.memberCounts(items.filter((a) => a.scope === 'cluster').map((a) => a.id));
      const demo = store.views.demoAlerts(items.map((a) => a.id));
      return {
        items: items.map((a) => alertView({ ...a, memberCount: members.get(a.id) ?? 1, demo: demo.has(a.id) })),
        total: store.countAlerts(query), limit: q.limit ?? 100, offset: q.offset ?? 0,
      };
    },
  });
  routes.add({
    method: 'GET', url: '/v1/alerts/stream', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Alert changes as server-sent events (event: alert)',
    handler: (req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
      reply.raw.write(': farmwatch alert stream\n\n');
      // The caller is checked again before every event and every STREAM_RECHECK_MS: a revoked token,
      // a disabled person, a session that ended (logout, expiry) ends the stream with `event:
      // session` (the console then asks to log in again), and nothing more is sent.
      const caller = req.caller;
      let ended = false;
      const stillAllowed = (): boolean => {
        if (ended) return false;
        const why = caller ? callerEnded(store, caller) : 'no caller';
        if (!why) return true;
        stop();
        reply.raw.end(`event: session\ndata: ${JSON.stringify({ ended: true, reason: why })}\n\n`);
        return false;
      };
      const send = (change: AlertChange): void => {
        if (!stillAllowed()) return;
        const doc = alertDocument(store, change);
        if (doc) reply.raw.write(`id: ${doc.id}-${Date.now()}\nevent: alert\ndata: ${JSON.stringify(doc)}\n\n`);
      };
      c.bus.on('alert', send);
      c.bus.on('lifecycle', send);
      const stop = (): void => {
        ended = true;
        clearInterval(recheck);
        clearInterval(keepalive);
        c.bus.off('alert', send);
        c.bus.off('lifecycle', send);
      };
      const recheck = setInterval(stillAllowed, STREAM_RECHECK_MS);
      const keepalive = setInterval(() => {
        if (stillAllowed()) reply.raw.write(': keepalive\n\n');
      }, STREAM_KEEPALIVE_MS);
      req.raw.on('close', stop);
    },
  });
  routes.add({
    method: 'GET', url: '/v1/alerts/:id', roles: ['admin', 'analyst'], tag: 'alerts',
    summary: "One alert: explanation, evidence (a laptop's case: its findings, with what the agent matched), members, notes",
    params: ID,
    handler: (req) => {
      const id = (req.params as { id: number }).id;
      const a = store.alerts.detail(id);
      if (!a) throw new ApiError(404, `there is no alert ${id}`);
      const finding = a.scope === 'device' ? store.findings(a.deviceId).find((f) => f.detector === a.rule && f.key === a.key) ?? null : null;
      return alertView({
        ...a, demo: store.views.demoAlerts([id]).has(id), finding, findings: caseFindingViews(store, a), notes: store.alerts.notes(id),
        document: alertDocument(store, { id, change: 'updated' }),
        audit: store.views.auditFor([auditTarget.alert(id)], 200),
      });
    },
  });
  const actions: [string, AlertAction, string][] = [
    ['ack', 'ack', 'Acknowledge: someone is on it'], ['resolve', 'resolve', 'Resolve: dealt with'],
    ['false-positive', 'false_positive', 'Close as a false positive'], ['reopen', 'reopen', 'Reopen'],
  ];
  for (const [path, action, summary] of actions) {
    routes.add({
      method: 'POST', url: `/v1/alerts/:id/${path}`, roles: ['admin', 'analyst'], tag: 'alerts', summary, params: ID, body: NOTE,
      handler: (req) => {
        const id = (req.params as { id: number }).id;
        transition(store, id, action, actor(req), (req.body as { note?: string } | undefined)?.note);
        c.bus.lifecycle([id]);
        const d = store.alerts.detail(id);
        return d && alertView(d);
      },
    });
  }
  routes.add({
    method: 'POST', url: '/v1/alerts/:id/notes', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Add a note', params: ID,
    body: { type: 'object', required: ['note'], additionalProperties: false, properties: { note: { type: 'string', minLength: 1, maxLength: 4000 } } },
    handler: (req) => {
      const id = (req.params as { id: number }).id;
      note(store, id, (req.body as { note: string }).note, actor(req));
      c.bus.lifecycle([id]);
      return store.alerts.notes(id);
    },
  });
  routes.add({
    method: 'POST', url: '/v1/alerts/:id/assign', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Assign to a console user (admin or analyst); "" assigns to nobody', params: ID,
    body: { type: 'object', required: ['assignee'], additionalProperties: false, properties: { assignee: { type: 'string', maxLength: 200 } } },
    handler: (req) => {
      const id = (req.params as { id: number }).id;
      assign(store, id, (req.body as { assignee: string }).assignee, actor(req));
      c.bus.lifecycle([id]);
      const d = store.alerts.detail(id);
      return d && alertView(d);
    },
  });
}
