// `npm run demo` as a user runs it: with no `npm start` it says how to start one; against a running
// `npm start` (scripts/start.mjs, state in a temporary folder) it adds a small simulated fleet
// through enrollment and mutual-TLS streams, which the collector turns into alerts of several
// severities and farm cluster alerts, every demo laptop marked; `devices purge-demo` then removes
// exactly the demo laptops, this machine's device and its data stay, and the running collector
// forgets them.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, ROOT, run, startOutput } from './helpers/processes.js';

const DEMO = join(ROOT, 'scripts', 'demo');
const home = mkdtempSync(join(tmpdir(), 'farmwatch-demo-'));
let start: ChildProcess | undefined;
afterAll(async () => {
  // Ctrl-C, so npm start stops its collector and agent too (SIGKILL would leave them running).
  if (start && start.exitCode === null && start.signalCode === null) {
    const exited = new Promise((resolve) => start?.once('exit', resolve));
    start.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (start.exitCode === null) start.kill('SIGKILL');
  }
  rmSync(home, { recursive: true, force: true });
});

interface Alert { id: number; rule: string; scope: string; severity: string; memberCount: number; demo: boolean; deviceId: string }
interface Device { id: string; demo: boolean; state: string; registration: { serial: string } | null; lastSequence?: number }

describe.runIf(process.platform === 'linux')('npm run demo', () => {
  it('says how to start npm start when none runs, adds a marked fleet with farm clusters to a running one, and purge-demo removes exactly it', async () => {
    const env = { FARMWATCH_HOME: home };
    const none = await run(DEMO, ['--laptops', '20'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no collector from \`npm start\` is running (there is no ${join(home, 'npm-start.json')})`);
    expect(none.stderr).toMatch(/start it in another terminal with `npm start`/);

    start = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { env: { ...process.env, ...env, FARMWATCH_PORT: '0' } });
    const started = startOutput(start, 45_000);
    await started.ready;
    const out = started.out();
    // What npm start says about itself for the demo to find it.
    const info = JSON.parse(readFileSync(join(home, 'npm-start.json'), 'utf8')) as { pid: number; grpc: string; api: string; db: string; certs: string };
    expect(info).toMatchObject({ pid: start.pid, db: join(home, 'collector.db'), certs: join(home, 'certs') });
    expect(out).toContain(`Web console: ${info.api}/`);
    const token = readFileSync(join(home, 'admin-api-token'), 'utf8').split('\n')[0] ?? '';
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${info.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };
    const [me] = (await get<{ items: Device[] }>('/v1/devices')).items;
    expect(me?.demo).toBe(false);

    const demo = await run(DEMO, ['--laptops', '20'], { env, timeoutMs: 90_000 });
    expect(demo.code, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toMatch(/demo: +20 laptops enrolled and reported in/);
    expect(demo.stdout).toMatch(new RegExp(`Farm clusters \\(their graph and map\\):\\n  ${info.api}/clusters/dev_`));

    // Alerts to explore: several severities, a farm cluster of two or more demo laptops.
    const alerts = (await get<{ items: Alert[] }>('/v1/alerts?status=active&limit=1000')).items;
    expect(new Set(alerts.map((a) => a.severity)).size).toBeGreaterThanOrEqual(3);
    // (this machine's own alerts, if it has any, are not demo alerts)
    expect(alerts.filter((a) => a.deviceId !== me?.id).every((a) => a.demo)).toBe(true);
    expect(alerts.filter((a) => a.deviceId === me?.id).every((a) => !a.demo)).toBe(true);
    const mineAlerts = alerts.filter((a) => !a.demo).length;
    const farms = alerts.filter((a) => a.rule === 'fleet.colocation' && (a.severity === 'high' || a.severity === 'critical'));
    expect(farms.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...farms.map((a) => a.memberCount))).toBeGreaterThanOrEqual(2);
    const graph = await get<{ members: string[]; nodes: unknown[]; links: unknown[] }>(`/v1/clusters/${farms[0]?.deviceId ?? ''}`);
    expect(graph.members.length).toBeGreaterThanOrEqual(2);
    expect(graph.links.length).toBeGreaterThan(0);

    // Every demo laptop is marked (API and CLI), this machine is not.
    const devices = (await get<{ items: Device[] }>('/v1/devices?limit=1000')).items;
    expect(devices.filter((d) => d.demo).length).toBe(20);
    expect(devices.filter((d) => d.demo).every((d) => d.registration?.serial.startsWith('DEMO') && d.state === 'stopped')).toBe(true);
    const listed = JSON.parse((await run(COLLECTOR_CLI, ['devices', 'list', '--json', '--db', info.db])).stdout) as Device[];
    expect(listed.filter((d) => d.demo).map((d) => d.id).sort()).toEqual(devices.filter((d) => d.demo).map((d) => d.id).sort());
    const mine = listed.find((d) => d.id === me?.id);
    expect(mine?.demo).toBe(false);

    // purge-demo: the demo laptops and all they left go, this machine and its events stay.
    const purge = await run(COLLECTOR_CLI, ['devices', 'purge-demo', '--db', info.db, '--json']);
    expect(purge.code, purge.stderr).toBe(0);
    const purged = JSON.parse(purge.stdout) as { devices: { id: string }[]; deleted: Record<string, number> };
    expect(purged.devices.map((d) => d.id).sort()).toEqual(devices.filter((d) => d.demo).map((d) => d.id).sort());
    expect(purged.deleted.alerts).toBe(alerts.length - mineAlerts);
    const after = JSON.parse((await run(COLLECTOR_CLI, ['devices', 'list', '--json', '--db', info.db])).stdout) as Device[];
    expect(after.map((d) => d.id)).toEqual([me?.id]);
    expect(after[0]?.lastSequence).toBeGreaterThanOrEqual(mine?.lastSequence ?? 1);
    expect((await get<{ total: number }>('/v1/alerts?status=active')).total).toBe(mineAlerts);
    // The running collector forgets them within its poll (2 s): no cluster is left.
    const deadline = Date.now() + 10_000;
    let clusters = -1;
    while (Date.now() < deadline && clusters !== 0) {
      clusters = (await get<{ total: number }>('/v1/clusters')).total;
      if (clusters !== 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(clusters).toBe(0);
    const audit = JSON.parse((await run(COLLECTOR_CLI, ['devices', 'purge-demo', '--db', info.db, '--json'])).stdout) as { devices: unknown[] };
    expect(audit.devices).toEqual([]);

    const exited = new Promise<number | null>((resolve) => start?.once('exit', resolve));
    start.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(join(home, 'npm-start.json'))).toBe(false);
  }, 150_000);
});
