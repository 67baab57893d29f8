// The console's pages: which roles may open each, the one HTML page that answers for all of them
// (the browser code draws the page from the URL), and the assets. The server checks the role of
// every page as it checks every API call: a page someone may not open is refused here, not hidden
// by the browser code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../store/fleet-records.js';
import type { ConsoleAssets } from './assets.js';
import { messagePage } from './html.js';

export interface PageSpec {
  path: string;
  roles: Role[];
}

const ALL: Role[] = ['admin', 'analyst', 'it'];
const SOC: Role[] = ['admin', 'analyst'];

/** Every console page; an empty role list means anyone (the login page). */
export const PAGES: PageSpec[] = [
  { path: '/login', roles: [] },
  { path: '/', roles: ALL },
  { path: '/fleet', roles: SOC },
  { path: '/alerts', roles: SOC },
  { path: '/alerts/:id', roles: SOC },
  { path: '/clusters', roles: SOC },
  { path: '/clusters/:id', roles: SOC },
  { path: '/devices', roles: ALL },
  { path: '/devices/:id', roles: ALL },
  { path: '/it', roles: ['admin', 'it'] },
  { path: '/sites', roles: ALL },
  { path: '/admin', roles: ['admin'] },
];

/** The page each role lands on after logging in. */
export const HOME: Record<Role, string> = { admin: '/fleet', analyst: '/alerts', it: '/it' };

/** A path inside this console to go back to after logging in (never another site). */
export function safeNext(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-./?=&%:]*$/.test(next) && next.length <= 500 ? next : undefined;
}

/** The console's pages and assets, loaded on first use. */
export class ConsoleSite {
  private loaded: ConsoleAssets | { missing: string } | undefined;

  constructor(private readonly load: () => ConsoleAssets | { missing: string }) {}

  get(): ConsoleAssets | { missing: string } {
    return (this.loaded ??= this.load());
  }

  private stylesheet(): string | undefined {
    const c = this.get();
    const name = 'missing' in c ? undefined : [...c.assets.keys()].find((n) => n.startsWith('app-') && n.endsWith('.css'));
    return name ? `/assets/${name}` : undefined;
  }

  /** The refusal of a page: 403 in the console's style, naming the role the page needs. */
  refuse(req: FastifyRequest, reply: FastifyReply, roles: Role[]): FastifyReply {
    const who = req.caller;
    const css = this.stylesheet();
    const page = messagePage({
      title: 'Not allowed',
      lines: [`The page ${req.url.split('?')[0] ?? ''} needs the role ${roles.join(' or ')}.`, `You are logged in as ${who?.name ?? '?'}, with the role ${who?.role ?? '?'}.`],
      link: { href: who ? HOME[who.role] : '/login', text: 'Back to the console' },
      ...(css ? { stylesheet: css } : {}),
    });
    return reply.status(403).type('text/html; charset=utf-8').send(page);
  }

  private shell(reply: FastifyReply): FastifyReply {
    const c = this.get();
    if ('missing' in c) {
      return reply.status(503).type('text/html; charset=utf-8').send(messagePage({ title: 'Console not built', lines: [c.missing] }));
    }
    return reply.type('text/html; charset=utf-8').send(c.indexHtml);
  }

  register(app: FastifyInstance): void {
    for (const p of PAGES) {
      app.route({
        method: 'GET', url: p.path, config: { roles: p.roles, page: true },
        handler: (req, reply) => {
          if (p.path === '/' && req.caller) return reply.redirect(HOME[req.caller.role], 302);
          if (p.path === '/login' && req.caller) return reply.redirect(safeNext((req.query as { next?: unknown }).next) ?? HOME[req.caller.role], 302);
          return this.shell(reply);
        },
      });
    }
    app.route({
      method: 'GET', url: '/assets/:name', config: { roles: [] },
      handler: (req, reply) => {
        const c = this.get();
        const asset = 'missing' in c ? undefined : c.assets.get((req.params as { name: string }).name);
        if (!asset) return reply.status(404).type('text/plain; charset=utf-8').send('no such asset');
        void reply.header('etag', asset.etag).header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache').header('vary', 'accept-encoding');
        if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
        if (asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.type(asset.type).header('content-encoding', 'gzip').send(asset.gzip);
        return reply.type(asset.type).send(asset.body);
      },
    });
    app.route({
      method: 'GET', url: '/favicon.ico', config: { roles: [] },
      handler: (_req, reply) => {
        const c = this.get();
        const icon = 'missing' in c ? undefined : c.assets.get('favicon.svg');
        return icon ? reply.type(icon.type).header('cache-control', 'public, max-age=86400').send(icon.body) : reply.status(404).send();
      },
    });
  }
}
