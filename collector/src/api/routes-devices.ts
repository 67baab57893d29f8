// Device endpoints: IT registers laptops (one, or a CSV export) and issues enrollment tokens;
// analysts read devices with their risk, observations and clusters; admins revoke.
import type { Collector } from '../app.js';
import { deviceViews, findDevice, importDevices, registerDevice } from '../ops/devices.js';
import { purgeDemoDevices } from '../ops/demo.js';
import { Enrollment, DEFAULT_TOKEN_TTL_MS } from '../enroll/enrollment.js';
import { RegistryConflict } from '../store/sqlite/registry.js';
import { isPublicIp } from '../enrich/ip.js';
import { ApiError, actor, type Routes } from './route.js';
import { PAGING, page } from './paging.js';
import { agentHealth } from './views/device-health.js';
import { alertView } from './analyst-only.js';
import { deviceLocations } from './views/device-locations.js';
import { withSites } from '../sites/views.js';

const ID = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 128 } } };
const TTL = { type: 'integer', minimum: 1, maximum: 90, default: 7, description: 'days the enrollment token is valid' };

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof RegistryConflict) throw new ApiError(409, err.message);
    throw new ApiError(400, (err as Error).message);
  }
}

export function deviceRoutes(routes: Routes, c: Collector): void {
  const store = c.store;
  routes.add({
    method: 'GET', url: '/v1/devices', roles: ['admin', 'analyst', 'it'], tag: 'devices', summary: 'Registered and enrolled laptops',
    query: { type: 'object', additionalProperties: false, properties: { state: { type: 'string', enum: ['registered', 'enrolled', 'reporting', 'stopped', 'revoked', 'unregistered'] }, q: { type: 'string', maxLength: 200 }, ...PAGING } },
    handler: (req) => {
      const q = req.query as { state?: string; q?: string; limit?: number; offset?: number };
      const needle = q.q?.toLowerCase();
      const all = deviceViews(store).filter((v) => (!q.state || v.state === q.state) && (!needle || JSON.stringify([v.id, v.registration?.serial, v.registration?.assigneeName, v.registration?.assigneeEmail, v.device?.hostname]).toLowerCase().includes(needle)));
      return page(all, q);
    },
  });
  routes.add({
    method: 'POST', url: '/v1/devices', roles: ['admin', 'it'], tag: 'devices', summary: 'Register a laptop before shipping; returns its one-time enrollment token',
    body: {
      type: 'object', required: ['serial', 'assignee', 'shipTo', 'timeZone'], additionalProperties: false, properties: {
        serial: { type: 'string', maxLength: 64 }, assignee: { type: 'string', maxLength: 300, description: 'Name <email>' },
        shipTo: { type: 'string', maxLength: 300, description: 'City, Region, Country' }, timeZone: { type: 'string', maxLength: 64 }, tokenDays: TTL,
        street: { type: 'string', maxLength: 200, description: 'the street line shipped to ("1402 Oak Street, Apt 2"); only a keyed hash is stored' },
        unit: { type: 'string', maxLength: 200, description: 'the apartment or suite, when not in street' },
        demo: { type: 'boolean', default: false, description: 'a simulated laptop of the demo fleet (npm run demo), removed by POST /v1/devices/purge-demo' },
      },
    },
    handler: (req, reply) => {
      const b = req.body as { serial: string; assignee: string; shipTo: string; street?: string; unit?: string; timeZone: string; tokenDays?: number; demo?: boolean };
      const r = wrap(() => registerDevice(store, b, actor(req), (b.tokenDays ?? 7) * 86_400_000));
      void reply.status(201);
      return r;
    },
  });
  routes.add({
    method: 'POST', url: '/v1/devices/import', roles: ['admin', 'it'], tag: 'devices', summary: 'Register laptops from an HR / asset CSV export (all rows or none; an optional demo column, yes or no, marks simulated laptops of the demo fleet)',
    body: { type: 'object', required: ['csv'], additionalProperties: false, properties: { csv: { type: 'string', maxLength: 8_000_000 }, tokenDays: TTL } },
    handler: (req, reply) => {
      const b = req.body as { csv: string; tokenDays?: number };
      const r = importDevices(store, b.csv, actor(req), (b.tokenDays ?? 7) * 86_400_000);
      if (r.errors.length > 0) {
        void reply.status(400);
        return { error: { status: 400, message: `nothing was imported: ${r.problemCount} problem(s)`, problems: r.errors } };
      }
      void reply.status(201);
      return r;
    },
  });
  routes.add({
    method: 'POST', url: '/v1/devices/purge-demo', roles: ['admin'], tag: 'devices',
    summary: 'Delete every demo laptop (npm run demo) and everything that hangs off it; real devices are not touched',
    handler: (req) => {
      const r = purgeDemoDevices(store, actor(req));
      if (r.devices.length > 0) c.forgetPurged();
      return r;
    },
  });
  /** The hours the activity rules read (on, and in use when the agent reports input), for the page's grid. */
  const activityView = (id: string, timeZone: string, now: number) => {
    const a = c.fleet.activityHours(id, now);
    return { timeZone, days: c.fleet.rules.activity.days, nowMs: now, hours: a.onlineHours, inputReportedMs: a.inputReportedMs, activeHours: a.activeHours ?? [] };
  };
  routes.add({
    method: 'GET', url: '/v1/devices/:id', roles: ['admin', 'analyst', 'it'], tag: 'devices', summary: 'One laptop: registration, state, risk, findings, observations, cluster',
    params: ID,
    handler: (req) => {
      const v = wrap(() => findDevice(store, (req.params as { id: string }).id));
      const risk = c.fleet.riskOf(v.id) ?? null;
      const cluster = c.fleet.clusterOf(v.id);
      const ip = v.device?.publicIp ?? '';
      const observations = store.fleet.observations(v.id);
      const now = Date.now();
      return {
        ...v, risk, egress: ip && isPublicIp(ip) ? c.fleet.enricher.lookup(ip) : null, findings: store.findings(v.id), observations, sensors: store.sensorStates(v.id),
        inventory: store.inventory(v.id), certificates: store.registry.certificates(v.id),
        cluster: cluster ? { ...cluster.result, edges: cluster.edges } : null,
        health: agentHealth(v.device, c.live.byDevice(v.id).length > 0, c.fleet.rules.silentAfterMs, now),
        locations: withSites(deviceLocations({ registration: v.registration ?? undefined, observations, currentIp: ip, enricher: c.fleet.enricher, farKm: c.fleet.rules.farKm }), (a) => c.fleet.sites.siteFor(a)),
        // A company site the laptop is at now (src/sites): a company place, no location signal.
        site: c.fleet.sites.siteFor(ip) ?? null,
        alerts: store.listAlerts({ deviceId: v.id, sort: 'recent', limit: 100 }).map(alertView),
        // The hours the activity rules read, for the page's hours-on grid (in the assigned zone).
        activity: activityView(v.id, v.registration?.timeZone || v.device?.timeZone || 'UTC', now),
      };
    },
  });
  routes.add({
    method: 'POST', url: '/v1/devices/:id/tokens', roles: ['admin', 'it'], tag: 'devices', summary: "A new one-time enrollment token (re-enrollment); the laptop's earlier unused tokens stop working",
    params: ID, body: { type: 'object', additionalProperties: false, properties: { tokenDays: TTL } },
    handler: (req, reply) => {
      const v = wrap(() => findDevice(store, (req.params as { id: string }).id));
      const days = (req.body as { tokenDays?: number } | undefined)?.tokenDays;
      const t = wrap(() => Enrollment.issueToken(store, v.id, days ? days * 86_400_000 : DEFAULT_TOKEN_TTL_MS, actor(req), Date.now()));
      void reply.status(201);
      return { deviceId: v.id, token: t.token, expiresMs: t.expiresMs, replaced: t.replaced };
    },
  });
  routes.add({
    method: 'GET', url: '/v1/enrollment/ca.pem', roles: ['admin', 'it'], tag: 'devices', produces: 'application/x-pem-file',
    summary: "The collector's CA certificate (PEM; public, never its key): each laptop enrolls with it (farmwatch-agent enroll --ca ca.pem) and pins it",
    handler: (_req, reply) => {
      // Certificates only, whatever else the file holds: the CA's key never leaves the collector.
      const certs = c.config.ca.certPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
      if (!certs) throw new ApiError(503, 'this collector has no CA certificate loaded (see ca.pem in its --tls-dir)');
      void reply.type('application/x-pem-file').header('content-disposition', 'attachment; filename="ca.pem"').send(`${certs.join('\n')}\n`);
    },
  });
  routes.add({
    method: 'POST', url: '/v1/devices/:id/revoke', roles: ['admin'], tag: 'devices', summary: "Revoke the laptop's certificates; its live streams end now",
    params: ID, body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } },
    handler: (req) => {
      const v = wrap(() => findDevice(store, (req.params as { id: string }).id));
      const serials = c.revoke(v.id, (req.body as { reason: string }).reason, actor(req));
      return { deviceId: v.id, revokedCertificates: serials };
    },
  });
}
