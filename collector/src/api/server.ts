// The HTTP JSON API (fastify): token auth with roles (admin, analyst, it), JSON-schema validated
// input, errors that say what to fix, an OpenAPI document, Prometheus /metrics and a server-sent
// event stream of alert changes.
import Fastify, { type FastifyError, type FastifyRequest } from 'fastify';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import type { Collector } from '../app.js';
import { hashToken } from '../enroll/tokens.js';
import { LifecycleError } from '../ops/alerts.js';
import { ApiError, Routes } from './route.js';
import { alertRoutes } from './routes-alerts.js';
import { deviceRoutes } from './routes-devices.js';
import { adminRoutes } from './routes-admin.js';

export interface RunningApi {
  host: string;
  port: number;
  scheme: 'http' | 'https';
  close(): Promise<void>;
}

export async function buildApi(collector: Collector, https?: { cert: Buffer; key: Buffer }) {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, ...(https ? { https } : {}) });
  const store = collector.store;
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', (req, _reply, done) => {
    try {
      authorize(req);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
  const authorize = (req: FastifyRequest): void => {
    const roles = req.routeOptions.config?.roles;
    if (!roles || roles.length === 0) return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) throw new ApiError(401, 'no API token: send "Authorization: Bearer <token>" (an admin makes tokens with `farmwatch-collector api-tokens create --name NAME --role ROLE`)');
    const token = store.alerts.apiToken(hashToken(m[1]));
    if (!token) throw new ApiError(401, 'unknown API token: check it was copied whole, or ask an admin for one');
    if (token.revokedMs !== null) throw new ApiError(401, `this API token ("${token.name}") was revoked at ${new Date(token.revokedMs).toISOString()}`);
    req.caller = { id: token.id, name: token.name, role: token.role };
    if (!roles.includes(token.role)) {
      throw new ApiError(403, `${req.method} ${req.routeOptions.url ?? req.url} needs the role ${roles.join(' or ')}; the token "${token.name}" has the role ${token.role}`);
    }
    store.alerts.touchApiToken(token.id, Date.now());
  };

  app.setErrorHandler((err: FastifyError | ApiError | LifecycleError, _req, reply) => {
    const status = err instanceof ApiError || err instanceof LifecycleError ? err.statusCode
      : (err).validation ? 400 : (err).statusCode ?? 500;
    const message = (err as FastifyError).validation ? `invalid request: ${err.message}` : status >= 500 ? 'internal error; see the collector log' : err.message;
    if (status >= 500) collector.log.error('API request failed', { error: err.message });
    void reply.status(status).send({ error: { status, message } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { status: 404, message: `no such endpoint: ${req.method} ${req.url} (see /v1/openapi.json)` } });
  });

  const routes = new Routes(app);
  routes.add({ method: 'GET', url: '/v1/health', roles: [], tag: 'meta', summary: 'Liveness: the collector is up', handler: () => ({ ok: true, version: FARMWATCH_VERSION }) });
  routes.add({ method: 'GET', url: '/v1/openapi.json', roles: [], tag: 'meta', summary: 'This API as an OpenAPI 3.1 document', handler: () => routes.openapi(FARMWATCH_VERSION) });
  routes.add({
    method: 'GET', url: '/metrics', roles: ['admin', 'analyst', 'it'], tag: 'meta', summary: 'Prometheus metrics (text format 0.0.4)',
    handler: (_req, reply) => {
      collector.metrics.correlation.set({ what: 'values' }, collector.fleet.index.size);
      collector.metrics.correlation.set({ what: 'hubs' }, collector.fleet.index.hubs.size);
      void reply.type('text/plain; version=0.0.4').send(collector.metrics.render());
    },
  });
  alertRoutes(routes, collector);
  deviceRoutes(routes, collector);
  adminRoutes(routes, collector);
  return app;
}

export async function startApi(collector: Collector, listen: string, https?: { cert: Buffer; key: Buffer }): Promise<RunningApi> {
  const app = await buildApi(collector, https);
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[|\]$/g, '');
  await app.listen({ host, port: Number(listen.slice(i + 1)) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { host, port, scheme: https ? 'https' : 'http', close: () => app.close() };
}
