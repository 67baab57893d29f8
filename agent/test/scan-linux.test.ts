// A full scan of this machine: it completes, names the sensors that cannot work here and why,
// and reads /proc and /sys itself rather than spawning a process per fact.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLinuxNetworkState, parseProcRoute } from '../src/sensors/routes/linux.js';
import { collectLinuxSockets } from '../src/sensors/sockets/linux.js';

const linux = process.platform === 'linux';
const AGENT_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe.runIf(linux)('full scan of this machine', () => {
  it('completes, says why each unavailable sensor is unavailable, and spawns (almost) no process', () => {
    // The agent CLI runs with a preload that counts every child_process call it makes.
    const dir = mkdtempSync(join(tmpdir(), 'fw-spawn-'));
    const preload = join(dir, 'count-spawns.mjs');
    writeFileSync(preload, [
      "import cp from 'node:child_process';",
      "import { syncBuiltinESMExports } from 'node:module';",
      'let n = 0;',
      "for (const k of ['spawn', 'execFile', 'exec', 'fork', 'spawnSync', 'execFileSync', 'execSync']) { const o = cp[k]; cp[k] = function (...a) { n++; return o.apply(this, a); }; }",
      'syncBuiltinESMExports();',
      "process.on('exit', () => process.stderr.write(`spawned=${n}\\n`));",
    ].join('\n'));
    const r = spawnSync(process.execPath, ['--import', preload, AGENT_CLI, 'scan', '--json', '--no-network-probes'], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect([0, 1]).toContain(r.status);
    const spawned = Number(/spawned=(\d+)/.exec(r.stderr)?.[1] ?? 'NaN');
    const report = JSON.parse(r.stdout) as { sensors: { sensor: string; status: string; reason?: string }[] };
    const wifiInterfaces = report.sensors.find((s) => s.sensor === 'wifi')?.status === 'ok' ? 2 : 0;
    expect(spawned).toBeLessThanOrEqual(wifiInterfaces);
    expect(report.sensors.length).toBeGreaterThanOrEqual(12);
    for (const s of report.sensors) if (s.status !== 'ok') expect(s.reason, s.sensor).toMatch(/\w{4,}/);
    expect(report.sensors.find((s) => s.sensor === 'processes')?.status).toBe('ok');
    expect(report.sensors.find((s) => s.sensor === 'network_state')?.status).toBe('ok');
  });
});

describe.runIf(linux && process.getuid?.() === 0)('routes and sockets in a network namespace the test creates', () => {
  const ns = `fwns${process.pid}`;
  const ip = (...args: string[]): string => execFileSync('ip', args).toString();
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'tuntap', 'add', 'dev', 'tun7', 'mode', 'tun');
    ip('-n', ns, 'addr', 'add', '10.66.0.2/24', 'dev', 'tun7');
    ip('-n', ns, 'link', 'set', 'tun7', 'up');
  });
  afterAll(() => { try { ip('netns', 'del', ns); } catch { /* gone */ } });

  it('reads the kernel routing table of this machine', async () => {
    const state = await collectLinuxNetworkState({ platform: 'linux', root: '' });
    expect(state.routes.length).toBeGreaterThan(0);
    const text = execFileSync('cat', ['/proc/net/route']).toString();
    expect(state.routes.filter((r) => !r.destination.includes(':'))).toEqual(parseProcRoute(text));
  });

  it('sees its own listening socket with its owning process', async () => {
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const sockets = await collectLinuxSockets({ platform: 'linux', root: '' });
    server.close();
    expect(sockets).toContainEqual(expect.objectContaining({ protocol: 'tcp', state: 'listen', localAddress: '127.0.0.1', localPort: port, pid: process.pid }));
  });
});
