// The HTTP JSON API (fastify): token auth with roles (admin, analyst, it), JSON-schema validated
// input, errors that say what to fix, an OpenAPI document, Prometheus /metrics and a server-sent
// event stream of alert changes; and, on the same port, the web console (src/web) for people who
// log in with a password and get a session with the same roles.
import Fastify, { type FastifyError } from 'fastify';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import type { Collector } from '../app.js';
import { Sessions } from '../auth/sessions.js';
import { resolveCaller, sessionCaller } from '../auth/http-auth.js';
import { LoginLimiter, type LoginLimits } from '../auth/login-limiter.js';
import { loadConsole, type ConsoleAssets } from '../web/assets.js';
import { ConsoleSite } from '../web/pages.js';
import { securityHeaders } from '../web/headers.js';
import { sessionRoutes } from './routes-session.js';
import { userRoutes } from './routes-users.js';
import { bulkRoutes } from './routes-bulk.js';
import { viewRoutes } from './routes-views.js';
import { LifecycleError } from '../alerts/lifecycle.js';
import { ApiError, Routes } from './route.js';
import { finiteKeyword, numberProblem } from './paging.js';
import { hideAnalystOnly } from './analyst-only.js';
import { alertRoutes } from './routes-alerts.js';
import { deviceRoutes } from './routes-devices.js';
import { adminRoutes } from './routes-admin.js';
import { siteRoutes } from './routes-sites.js';
import { capConnections, DEFAULT_HTTP_LIMITS, fastifyTimeouts, serverOptions, type HttpLimits } from './http-limits.js';

export interface RunningApi {
  host: string;
  port: number;
  scheme: 'http' | 'https';
  close(): Promise<void>;
}

export interface ApiOptions {
  /** Where the console's built files come from (tests point it elsewhere). */
  console?: () => ConsoleAssets | { missing: string };
  loginLimits?: LoginLimits;
  /** Header, request and idle timeouts and the connection cap (default DEFAULT_HTTP_LIMITS). */
  limits?: Partial<HttpLimits>;
}

export async function buildApi(collector: Collector, https?: { cert: Buffer; key: Buffer }, opts: ApiOptions = {}) {
  // Behind a load balancer the admin trusts (--trusted-proxy), the client address (login limits,
  // the audit log) and the scheme (Secure cookies) come from its X-Forwarded-* headers.
  const proxies = collector.config.trustedProxies ?? [];
  // Ajv's `verbose` keeps the failing schema on each error, for messages that name a number's range.
  const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.limits };
  const app = Fastify({
    logger: false, bodyLimit: 8 * 1024 * 1024, trustProxy: proxies.length > 0 ? proxies : false, ajv: { customOptions: { verbose: true }, plugins: [finiteKeyword] },
    ...fastifyTimeouts(limits), ...(https ? { https: { ...https, ...serverOptions(limits) } } : { http: serverOptions(limits) }),
  });
  capConnections(app.server, limits, collector.log, collector.metrics);
  const store = collector.store;
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const sessions = new Sessions(store.people);
  const site = new ConsoleSite(opts.console ?? (() => loadConsole()));
  securityHeaders(app, https !== undefined);
  hideAnalystOnly(app);
  app.addHook('onRequest', async (req, reply) => {
    const config = req.routeOptions.config;
    const roles = config?.roles;
    if (!roles || roles.length === 0) {
      // Public (login page, assets, health): a person's session still says who they are.
      if (config?.page) req.caller = sessionCaller(sessions, req);
      return;
    }
    const caller = resolveCaller(store, sessions, req);
    if (!caller) {
      if (config?.page) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
      throw new ApiError(401, 'no API token: send "Authorization: Bearer <token>" (an admin makes tokens with `farmwatch-collector api-tokens create --name NAME --role ROLE`), or log in to the console (your session may have ended)');
    }
    req.caller = caller;
    if (!roles.includes(caller.role)) {
      if (config?.page) return site.refuse(req, reply, roles);
      const who = caller.via === 'token' ? `the token "${caller.name}"` : `the user "${caller.name}"`;
      throw new ApiError(403, `${req.method} ${req.routeOptions.url ?? req.url} needs the role ${roles.join(' or ')}; ${who} has the role ${caller.role}`);
    }
    if (caller.via === 'token') store.alerts.touchApiToken(caller.id, Date.now());
  });
  const sweep = setInterval(() => sessions.sweep(), 3_600_000);
  sweep.unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(sweep);
    done();
  });

  app.setErrorHandler((err: FastifyError | ApiError | LifecycleError, _req, reply) => {
    const status = err instanceof ApiError || err instanceof LifecycleError ? err.statusCode
      : (err).validation ? 400 : (err).statusCode ?? 500;
    const validation = (err as FastifyError).validation;
    const number = validation?.[0] ? numberProblem(validation[0]) : undefined;
    const where: Record<string, string> = { querystring: 'the query parameter ', params: 'the path parameter ', body: 'the body field ' };
    const context = (err as FastifyError).validationContext;
    const message = number ? `invalid request: ${(context && where[context]) ?? ''}${number}` : validation ? `invalid request: ${err.message}` : status >= 500 ? 'internal error; see the collector log' : err.message;
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
  bulkRoutes(routes, collector);
  alertRoutes(routes, collector);
  deviceRoutes(routes, collector);
  adminRoutes(routes, collector);
  siteRoutes(routes, collector);
  viewRoutes(routes, collector);
  sessionRoutes(routes, collector, sessions, new LoginLimiter(opts.loginLimits), https !== undefined);
  userRoutes(routes, collector);
  site.register(app);
  return app;
}

export async function startApi(collector: Collector, listen: string, https?: { cert: Buffer; key: Buffer }, opts: ApiOptions = {}): Promise<RunningApi> {
  const app = await buildApi(collector, https, opts);
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[|\]$/g, '');
  await app.listen({ host, port: Number(listen.slice(i + 1)) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { host, port, scheme: https ? 'https' : 'http', close: () => app.close() };
}
