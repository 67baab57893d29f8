// Fleet and administration endpoints: clusters, correlation exclusions, suppressions, enrollment
// tokens, the audit log, API tokens.
import type { Collector } from '../app.js';
import { parseDuration, suppress } from '../alerts/lifecycle.js';
import { clusterViews } from '../ops/clusters.js';
import { enrollmentTokens } from '../ops/devices.js';
import { newToken } from '../enroll/tokens.js';
import { parseCidr } from '../enrich/ip.js';
import { ROLES, type Role } from '../store/fleet-records.js';
import { auditTarget } from '../store/audit-target.js';
import { ApiError, actor, type Routes } from './route.js';
import { NUMERIC_ID, PAGING, page } from './paging.js';

const NUM_ID = NUMERIC_ID;

export function adminRoutes(routes: Routes, c: Collector): void {
  const store = c.store;
  routes.add({
    method: 'GET', url: '/v1/clusters', roles: ['admin', 'analyst'], tag: 'fleet', summary: 'Co-location clusters of two or more laptops, highest score first',
    query: { type: 'object', additionalProperties: false, properties: PAGING },
    handler: (req) => ({ ...page(clusterViews(c), req.query as { limit?: number; offset?: number }), hubs: c.fleet.index.hubList() }),
  });
  routes.add({
    method: 'GET', url: '/v1/exclusions', roles: ['admin', 'analyst'], tag: 'fleet', summary: 'Values that do not link laptops (corporate egress, VPN concentrators)',
    handler: () => store.fleet.exclusions(),
  });
  routes.add({
    method: 'POST', url: '/v1/exclusions', roles: ['admin'], tag: 'fleet', summary: 'Exclude a network (CIDR) or a value from correlation',
    body: {
      type: 'object', required: ['kind', 'value', 'reason'], additionalProperties: false, properties: {
        kind: { type: 'string', enum: ['network', 'gateway_mac', 'wifi_bssid', 'lan_neighbour', 'kvm_identity', 'remote_peer_id', 'remote_peer_ip', 'public_ip'] },
        value: { type: 'string', minLength: 1, maxLength: 200 }, reason: { type: 'string', minLength: 1, maxLength: 500 },
      },
    },
    handler: (req, reply) => {
      const b = req.body as { kind: string; value: string; reason: string };
      if (b.kind === 'network') {
        try {
          parseCidr(b.value);
        } catch (err) {
          throw new ApiError(400, (err as Error).message);
        }
      }
      const row = store.fleet.addExclusion(b.kind, b.value.trim().toLowerCase(), b.reason, actor(req), Date.now());
      store.alerts.audit(actor(req), 'exclusion.add', auditTarget.exclusion(row.id), `${row.kind} ${row.value}: ${b.reason}`, Date.now());
      c.fleet.reloadExclusions();
      void reply.status(201);
      return row;
    },
  });
  routes.add({
    method: 'DELETE', url: '/v1/exclusions/:id', roles: ['admin'], tag: 'fleet', summary: 'Remove an exclusion', params: NUM_ID,
    handler: (req) => {
      const id = (req.params as { id: number }).id;
      if (!store.fleet.removeExclusion(id)) throw new ApiError(404, `there is no exclusion ${id}`);
      store.alerts.audit(actor(req), 'exclusion.remove', auditTarget.exclusion(id), '', Date.now());
      c.fleet.reloadExclusions();
      return { removed: id };
    },
  });
  routes.add({
    method: 'GET', url: '/v1/suppressions', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Suppressions in force', handler: () => store.alerts.suppressions(Date.now()),
  });
  routes.add({
    method: 'POST', url: '/v1/suppressions', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Silence a rule (for a device, or every device) until it expires',
    body: {
      type: 'object', required: ['rule', 'reason', 'for'], additionalProperties: false, properties: {
        rule: { type: 'string', minLength: 1, maxLength: 128 }, device: { type: 'string', maxLength: 128 },
        reason: { type: 'string', minLength: 1, maxLength: 500 }, for: { type: 'string', description: 'duration: 30m, 12h, 7d' },
      },
    },
    handler: (req, reply) => {
      const b = req.body as { rule: string; device?: string; reason: string; for: string };
      void reply.status(201);
      const made = suppress(store, b.rule, b.device ?? '', b.reason, parseDuration(b.for), actor(req));
      // The cases it covers change now (the CLI's suppressions are picked up by the sweep).
      c.bus.publish(c.fleet.suppressionsChanged());
      return made;
    },
  });
  routes.add({
    method: 'DELETE', url: '/v1/suppressions/:id', roles: ['admin', 'analyst'], tag: 'alerts', summary: 'Lift a suppression', params: NUM_ID,
    handler: (req) => {
      const id = (req.params as { id: number }).id;
      if (!store.alerts.removeSuppression(id)) throw new ApiError(404, `there is no suppression ${id}`);
      store.alerts.audit(actor(req), 'suppression.remove', auditTarget.suppression(id), '', Date.now());
      c.bus.publish(c.fleet.suppressionsChanged());
      return { removed: id };
    },
  });
  routes.add({
    method: 'GET', url: '/v1/tokens', roles: ['admin', 'it'], tag: 'devices', summary: 'Enrollment tokens (never the secrets) and their state',
    handler: () => enrollmentTokens(store),
  });
  routes.add({
    method: 'GET', url: '/v1/audit', roles: ['admin'], tag: 'admin', summary: 'Audit log, newest first',
    query: { type: 'object', additionalProperties: false, properties: PAGING },
    handler: (req) => {
      const q = req.query as { limit?: number; offset?: number };
      return store.alerts.auditLog(q.limit ?? 100, q.offset ?? 0);
    },
  });
  routes.add({
    method: 'GET', url: '/v1/api-tokens', roles: ['admin'], tag: 'admin', summary: 'API tokens (never the secrets)', handler: () => store.alerts.listApiTokens(),
  });
  routes.add({
    method: 'POST', url: '/v1/api-tokens', roles: ['admin'], tag: 'admin', summary: 'Make an API token; the secret is shown once',
    body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role: { type: 'string', enum: [...ROLES] } } },
    handler: (req, reply) => {
      const b = req.body as { name: string; role: Role };
      const { token, hash } = newToken('api');
      const row = store.alerts.createApiToken(b.name, b.role, hash, Date.now());
      store.alerts.audit(actor(req), 'api-token.create', auditTarget.apiToken(row.id), `${b.name} (${b.role})`, Date.now());
      void reply.status(201);
      return { ...row, token };
    },
  });
  routes.add({
    method: 'DELETE', url: '/v1/api-tokens/:id', roles: ['admin'], tag: 'admin', summary: 'Revoke an API token', params: NUM_ID,
    handler: (req) => {
      const id = (req.params as { id: number }).id;
      if (!store.alerts.revokeApiToken(id, Date.now())) throw new ApiError(404, `there is no live API token ${id}`);
      store.alerts.audit(actor(req), 'api-token.revoke', auditTarget.apiToken(id), '', Date.now());
      return { revoked: id };
    },
  });
}
