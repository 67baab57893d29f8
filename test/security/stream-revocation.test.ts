// Probe: an open alert stream outlived its caller. A client opened /v1/alerts/stream with an
// analyst's API token; the token was revoked, and alert changes still arrived on the open stream
// (only console sessions were checked, and only at the 15 s keepalive). A stream now checks its
// caller before every event and every 2 s: a revoked token or a disabled person ends it at once
// (`event: session`), and no alert is sent after that.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { anyDeskLaptop } from '../helpers/probe-collector.js';

let pki: Pki;
let dir: string;
let db: string;
let collector: RunningCollector;
let admin: string;

const tokenFor = async (name: string, role: string): Promise<{ id: number; token: string }> =>
  JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', name, '--role', role, '--json', '--db', db])).stdout) as { id: number; token: string };

const asAdmin = (path: string, body: unknown): Promise<Response> => fetch(`${collector.api}${path}`, {
  method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

beforeAll(async () => {
  pki = makePki();
  dir = mkdtempSync(join(tmpdir(), 'farmwatch-sec-stream-'));
  db = join(dir, 'collector.db');
  collector = await startCollector(db, pki.dir);
  admin = (await tokenFor('soc lead', 'admin')).token;
  // Alert 1: a laptop reports AnyDesk running.
  await anyDeskLaptop({ dir, db, pki, collector }, {
    serial: 'STREAM-1', assignee: 'Avery Brooks <avery.brooks@example.com>', shipTo: 'Columbus, Ohio, US', timeZone: 'America/New_York', hostname: 'LT-avery',
  });
}, 60_000);
afterAll(async () => {
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

/** An open event stream: the text so far, and whether the server ended it. */
function openStream(headers: Record<string, string>): { text: () => string; ended: Promise<void>; close: () => void } {
  const abort = new AbortController();
  let text = '';
  const ended = (async () => {
    const res = await fetch(`${collector.api}/v1/alerts/stream`, { headers, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { text: () => text, ended, close: () => abort.abort() };
}

const until = async (what: () => boolean, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return what();
};
const within = <T>(p: Promise<T>, ms: number): Promise<'ended' | 'still open'> =>
  Promise.race([p.then(() => 'ended' as const, () => 'ended' as const), new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);
const events = (text: string): number => text.split('\n').filter((l) => l === 'event: alert').length;

describe('an open alert stream after its caller loses access', () => {
  it('ends when its API token is revoked, and sends no alert after', async () => {
    const watcher = await tokenFor('watcher', 'analyst');
    const stream = openStream({ authorization: `Bearer ${watcher.token}` });
    try {
      expect(await until(() => stream.text().startsWith(': farmwatch alert stream'), 5000)).toBe(true);
      expect((await asAdmin('/v1/alerts/1/notes', { note: 'before the revocation' })).status).toBe(200);
      expect(await until(() => events(stream.text()) === 1, 5000)).toBe(true);

      expect((await run(COLLECTOR_CLI, ['api-tokens', 'revoke', String(watcher.id), '--db', db])).code).toBe(0);
      expect((await asAdmin('/v1/alerts/1/notes', { note: 'after the revocation' })).status).toBe(200);
      expect(await within(stream.ended, 4000)).toBe('ended');
      expect(events(stream.text())).toBe(1);
      expect(stream.text()).not.toContain('after the revocation');
      expect(stream.text()).toMatch(/event: session\ndata: \{"ended":true,"reason":"the API token \\"watcher\\" was revoked"\}/);
    } finally {
      stream.close();
    }
  });

  it('ends within seconds when its person is disabled, with no alert change to carry it', async () => {
    writeFileSync(join(dir, 'pw'), 'a long enough password 2026\n', { mode: 0o600 });
    expect((await run(COLLECTOR_CLI, ['users', 'create', '--name', 'casey', '--role', 'analyst', '--password-file', join(dir, 'pw'), '--db', db])).code).toBe(0);
    const login = await fetch(`${collector.api}/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'casey', password: 'a long enough password 2026' }),
    });
    expect(login.status).toBe(200);
    const stream = openStream({ cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' });
    try {
      expect(await until(() => stream.text().startsWith(': farmwatch alert stream'), 5000)).toBe(true);
      expect((await run(COLLECTOR_CLI, ['users', 'disable', 'casey', '--db', db])).code).toBe(0);
      expect(await within(stream.ended, 5000)).toBe('ended');
      expect(stream.text()).toContain('event: session\n');
    } finally {
      stream.close();
    }
  });
});
