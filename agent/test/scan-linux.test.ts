// A full scan of this machine: it completes, names the sensors that cannot work here and why,
// and reads /proc and /sys itself rather than spawning a process per fact.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

describe.runIf(linux && process.getuid?.() === 0)('a VPN tunnel in a network namespace the test creates', () => {
  // A tun device with a program holding it (so it has carrier and passes traffic, as a VPN's does),
  // an address, and all IPv4 traffic routed into it: the agent, run inside the namespace, must see
  // a tunnel and a full-tunnel route on it.
  const ns = `fwns${process.pid}`;
  const ip = (...args: string[]): string => execFileSync('ip', args).toString();
  let holder: ChildProcess | undefined;
  beforeAll(async () => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'tuntap', 'add', 'dev', 'tun7', 'mode', 'tun');
    // Attach to tun7 (TUNSETIFF, IFF_TUN | IFF_NO_PI) and hold it open, as a VPN client does.
    holder = spawn('ip', ['netns', 'exec', ns, 'python3', '-c',
      "import fcntl,os,struct,sys,time\nfd=os.open('/dev/net/tun',os.O_RDWR)\nfcntl.ioctl(fd,0x400454ca,struct.pack('16sH',b'tun7',0x1001))\nprint('ok',flush=True)\ntime.sleep(120)"], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => { holder?.stdout?.once('data', () => resolve()); holder?.once('exit', (c) => reject(new Error(`tun holder exited ${String(c)}`))); });
    ip('-n', ns, 'addr', 'add', '10.66.0.2/24', 'dev', 'tun7');
    ip('-n', ns, 'link', 'set', 'tun7', 'up');
    ip('-n', ns, 'route', 'add', '0.0.0.0/1', 'dev', 'tun7');
    ip('-n', ns, 'route', 'add', '128.0.0.0/1', 'dev', 'tun7');
  });
  afterAll(() => {
    if (holder?.pid) holder.kill('SIGKILL');
    try { ip('netns', 'del', ns); } catch { /* gone */ }
  });

  it('finds the tunnel and the split default route through it, from inside the namespace', () => {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, AGENT_CLI, 'scan', '--json', '--no-network-probes'], { encoding: 'utf8' });
    expect([0, 1], r.stderr).toContain(r.status);
    const report = JSON.parse(r.stdout) as { findings: { detector: string; key: string; evidence: { field: string; value: string }[] }[] };
    const tunnel = report.findings.find((f) => f.detector === 'vpn.tunnel' && f.key === 'tun7');
    expect(tunnel?.evidence).toEqual(expect.arrayContaining([{ field: 'interface.name', value: 'tun7' }, { field: 'interface.address', value: '10.66.0.2/24' }]));
    const full = report.findings.find((f) => f.detector === 'vpn.full_tunnel');
    expect(full).toMatchObject({ key: '0.0.0.0/0' });
    expect(full?.evidence).toContainEqual(expect.objectContaining({ field: 'route.destination', value: '0.0.0.0/1 + 128.0.0.0/1 via tun7' }));
    expect(r.status).toBe(1);
  });

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
