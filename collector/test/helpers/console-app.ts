// The collector's HTTP app (API and console) over a real SQLite store, without listening: tests
// call it with fastify's inject. The console's files are a small built copy in a temp folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@farmwatch/shared';
import { Collector, SqliteStore } from '../../src/index.js';
import { buildApi, type ApiOptions } from '../../src/api/server.js';
import { loadConsole } from '../../src/web/assets.js';
import { createAccount } from '../../src/auth/accounts.js';
import type { LoginLimits } from '../../src/auth/login-limiter.js';

export const PASSWORDS = { alice: 'amber falcon orchard 42', bob: 'copper lantern meadow 17', carol: 'silver harbor willow 88' } as const;
export type Person = keyof typeof PASSWORDS;

export interface ConsoleApp {
  app: Awaited<ReturnType<typeof buildApi>>;
  store: SqliteStore;
  collector: Collector;
  dir: string;
  close(): Promise<void>;
}

export async function consoleApp(opts: { loginLimits?: LoginLimits; built?: boolean; trustedProxies?: string[] } = {}): Promise<ConsoleApp> {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-console-app-'));
  const dist = join(dir, 'dist');
  if (opts.built ?? true) {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>farmwatch</title><link rel="stylesheet" href="/assets/app-ABCD2345.css"><script type="module" src="/assets/app-ABCD2345.js"></script>');
    writeFileSync(join(dist, 'assets', 'app-ABCD2345.js'), `console.log(${JSON.stringify('x'.repeat(4000))});\n`);
    writeFileSync(join(dist, 'assets', 'app-ABCD2345.css'), 'body { margin: 0 }\n');
    writeFileSync(join(dist, 'assets', 'licences.txt'), 'none\n');
  }
  const store = new SqliteStore(join(dir, 'c.db'));
  const fake = Buffer.from('not used: the app does not listen');
  const collector = new Collector(store, { listen: '127.0.0.1:0', tls: { caPem: fake, certPem: fake, keyPem: fake }, ca: { certPem: '', keyPem: '' }, trustedProxies: opts.trustedProxies ?? [] }, createLogger('test', 'silent'));
  const apiOpts: ApiOptions = { console: () => loadConsole(dist), ...(opts.loginLimits ? { loginLimits: opts.loginLimits } : {}) };
  const app = await buildApi(collector, undefined, apiOpts);
  await createAccount(store, 'alice', 'admin', PASSWORDS.alice, 'test');
  await createAccount(store, 'bob', 'analyst', PASSWORDS.bob, 'test');
  await createAccount(store, 'carol', 'it', PASSWORDS.carol, 'test');
  return {
    app, store, collector, dir,
    close: async () => {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
}

export async function login(c: ConsoleApp, who: Person, password: string = PASSWORDS[who]): Promise<Session> {
  const res = await c.app.inject({ method: 'POST', url: '/v1/session', payload: { name: who, password } });
  if (res.statusCode !== 200) throw new Error(`login ${who}: ${res.statusCode} ${res.body}`);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0] ?? '', csrf: res.json<{ csrfToken: string }>().csrfToken, setCookie };
}
