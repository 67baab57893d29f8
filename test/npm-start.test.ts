// `npm start`'s main job, as a user runs it: collector and agent come up, the first report is
// shown with the web console's address and a login that works, Ctrl-C stops both and the
// collector records that the agent stopped.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, ROOT, run, startOutput } from './helpers/processes.js';

describe.runIf(process.platform === 'linux')('npm start', () => {
  it('runs a collector and an agent, shows this machine, and stops cleanly on Ctrl-C', async () => {
    const home = mkdtempSync(join(tmpdir(), 'farmwatch-start-'));
    try {
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
        env: { ...process.env, FARMWATCH_HOME: home, FARMWATCH_PORT: '0' },
      });
      const started = startOutput(child, 45_000);
      await started.ready;
      const out = started.out();
      expect(out).toMatch(/farmwatch is running: collector on 127\.0\.0\.1:\d+/);
      expect(out).toContain(`agent reporting this machine as ${hostname()}`);
      expect(out).toMatch(/Sensors:\n\s+\S+/);
      expect(out).toMatch(/processes\s+ok/);
      expect(out).toContain('npx farmwatch-collector alerts list');
      expect(out).toMatch(/enrolled with its own certificate/);
      // The API and the admin's token it prints work, and the token is kept in the state folder.
      const api = /HTTP API: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const token = /Bearer (fwa_[\w-]+)/.exec(out)?.[1];
      expect(readFileSync(join(home, 'admin-api-token'), 'utf8').split('\n')[0]).toBe(token);
      expect(statSync(join(home, 'admin-api-token')).mode & 0o777).toBe(0o600);
      const res = await fetch(`${api ?? ''}/v1/devices`, { headers: { authorization: `Bearer ${token ?? ''}` } });
      expect(res.status).toBe(200);
      const listed = (await res.json()) as { items: { state: string; device: { hostname: string } | null }[] };
      expect(listed.items).toContainEqual(expect.objectContaining({ state: 'reporting', device: expect.objectContaining({ hostname: hostname() }) as unknown }));

      // The web console: its URL and a login that works, kept like the token.
      const consoleUrl = /Web console: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      expect(consoleUrl).toBe(`${api ?? ''}/`);
      const password = /log in as "admin" with the password (\S+)/.exec(out)?.[1];
      expect(readFileSync(join(home, 'admin-login'), 'utf8')).toBe(`admin\n${password ?? ''}\n`);
      expect(statSync(join(home, 'admin-login')).mode & 0o777).toBe(0o600);
      const login = await fetch(`${api ?? ''}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const page = await fetch(consoleUrl ?? '', { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/fleet');
      const fleet = await fetch(`${api ?? ''}/fleet`, { headers: { cookie } });
      expect(fleet.status).toBe(200);
      expect(await fleet.text()).toMatch(/<script type="module" src="\/assets\/app-[A-Z0-9]{8}\.js"><\/script>/);

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const devices = await run(COLLECTOR_CLI, ['devices', 'list', '--json', '--db', join(home, 'collector.db')]);
      const [me] = JSON.parse(devices.stdout) as { stoppedAtMs: number | null; stopReason: string | null }[];
      expect(me?.stoppedAtMs).toBeGreaterThan(0);
      expect(me?.stopReason).toBe('service_stop');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 90_000);

  it('takes over the state folder of a run that was killed, stopping what it left running', async () => {
    const home = mkdtempSync(join(tmpdir(), 'farmwatch-start-'));
    const env = { ...process.env, FARMWATCH_HOME: home, FARMWATCH_PORT: '0' };
    const runFile = join(home, 'npm-start.json');
    const startOnce = async (): Promise<{ child: ReturnType<typeof spawn>; out: () => string }> => {
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { env });
      const started = startOutput(child, 60_000);
      await started.ready;
      return { child, out: started.out };
    };
    const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    try {
      const first = await startOnce();
      const held = JSON.parse(readFileSync(runFile, 'utf8')) as { pid: number; collectorPid: number; agentPid: number };
      expect(held.pid).toBe(first.child.pid);
      const killed = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await killed;
      // The killed run's collector and agent run on (their own process groups) ...
      expect(alive(held.collectorPid) && alive(held.agentPid)).toBe(true);
      const second = await startOnce();
      // ... until the next run takes the folder over and stops them first.
      expect(second.out()).toMatch(new RegExp(`taking over \\S*npm-start\\.json from pid ${held.pid}, which is not running any more`));
      expect(second.out()).toContain(`stopping the agent (pid ${held.agentPid}) that the killed run left running`);
      expect(second.out()).toContain(`stopping the collector (pid ${held.collectorPid}) that the killed run left running`);
      expect(alive(held.collectorPid) || alive(held.agentPid)).toBe(false);
      const exited = new Promise<number | null>((resolve) => second.child.once('exit', resolve));
      second.child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(runFile)).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});
