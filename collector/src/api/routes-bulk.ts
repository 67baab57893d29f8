// Acting on many alerts at once (the console's queue: select a page of alerts, acknowledge them
// with one note). Each alert goes through the same lifecycle as alone, with its own audit record;
// one that cannot take the action (already acknowledged, gone) is reported and the others proceed.
import type { Collector } from '../app.js';
import { LifecycleError, transition, type AlertAction } from '../alerts/lifecycle.js';
import { actor, type Routes } from './route.js';

export const BULK_MAX = 500;

export function bulkRoutes(routes: Routes, c: Collector): void {
  routes.add({
    method: 'POST', url: '/v1/alerts/bulk', roles: ['admin', 'analyst'], tag: 'alerts', summary: `Acknowledge, resolve, close as false positive or reopen up to ${BULK_MAX} alerts`,
    body: {
      type: 'object', required: ['ids', 'action'], additionalProperties: false, properties: {
        ids: { type: 'array', minItems: 1, maxItems: BULK_MAX, uniqueItems: true, items: { type: 'integer', minimum: 1 } },
        action: { type: 'string', enum: ['ack', 'resolve', 'false_positive', 'reopen'] },
        note: { type: 'string', maxLength: 4000 },
      },
    },
    handler: (req) => {
      const b = req.body as { ids: number[]; action: AlertAction; note?: string };
      const who = actor(req);
      const results = b.ids.map((id) => {
        try {
          transition(c.store, id, b.action, who, b.note?.trim() || undefined);
          return { id, ok: true as const };
        } catch (err) {
          if (err instanceof LifecycleError) return { id, ok: false as const, error: err.message };
          throw err;
        }
      });
      const done = results.filter((r) => r.ok).map((r) => r.id);
      c.bus.lifecycle(done);
      return { action: b.action, changed: done.length, skipped: results.length - done.length, results };
    },
  });
}
