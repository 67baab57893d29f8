// The packets sensor live on this machine: real TLS and DNS traffic from Node's own TLS stack and
// resolver on the loopback interface, captured with libpcap through node-pcap. Needs root (capture
// privilege) and the node-pcap addon; without them the sensor must say so, which is tested too.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { connect } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { runSensor } from '../src/sensors/sensor.js';
import { createPacketsSensor, packetsSensor } from '../src/sensors/packets/spec.js';
import type { PacketFacts } from '../src/sensors/packets/types.js';

const isRoot = process.getuid?.() === 0;
function hasNodePcap(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve('pcap/package.json');
    return existsSync(join(dirname(pkg), 'build', 'Release', 'pcap_binding.node'));
  } catch {
    return false;
  }
}
const canCapture = process.platform === 'linux' && isRoot && hasNodePcap();
const ctx = { platform: 'linux' as const, root: '' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TLS ClientHello with this server name, sent by Node's TLS stack to a local listener. */
async function tlsHello(servername: string): Promise<void> {
  const server = createServer((s) => s.once('data', () => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const sock = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    sock.on('error', () => resolve());
    sock.on('close', () => resolve());
  });
  await new Promise<void>((r) => server.close(() => r()));
}

/** A DNS query for this name from Node's resolver to a local server on port 53 (of a loopback
 *  address of its own, so no local resolver is in the way) that answers nothing. */
async function dnsQuery(name: string): Promise<void> {
  const server = createSocket('udp4');
  const host = `127.77.${process.pid % 250}.1`;
  await new Promise<void>((r) => server.bind(53, host, r));
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([host]);
  await resolver.resolve4(name).catch(() => undefined);
  server.close();
}

describe('packets sensor, off by default', () => {
  it('is disabled until configured, and says how to turn it on', async () => {
    const outcome = await runSensor(packetsSensor, ctx);
    expect(outcome).toMatchObject({ sensor: 'packets', status: 'disabled' });
    expect(outcome.status === 'disabled' && outcome.reason).toMatch(/off by configuration/);
  });
});

const specModule = join(import.meta.dirname, '..', 'dist', 'sensors', 'packets', 'spec.js');
const sensorModule = join(import.meta.dirname, '..', 'dist', 'sensors', 'sensor.js');
const runOnce = `const { createPacketsSensor } = await import(${JSON.stringify(specModule)});
  const { runSensor } = await import(${JSON.stringify(sensorModule)});
  const outcome = await runSensor(createPacketsSensor({ enabled: true, device: 'any' }), { platform: 'linux', root: '' });
  console.log(JSON.stringify(outcome));`;
const NOBODY = 65534;
/** Whether the unprivileged user can read the built agent (a checkout under /root cannot be). */
function nobodyCanRead(): boolean {
  if (!isRoot || process.platform !== 'linux') return false;
  const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(specModule)})`], { uid: NOBODY, gid: NOBODY });
  return r.status === 0;
}

describe('packets sensor where capture cannot work', () => {
  it.runIf(canCapture && nobodyCanRead())('run by an unprivileged user: unavailable, saying which privilege it needs', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', runOnce], { uid: NOBODY, gid: NOBODY, encoding: 'utf8', timeout: 20_000 });
    const outcome = JSON.parse(r.stdout) as { status: string; reason: string };
    expect(outcome.status).toBe('unavailable');
    expect(outcome.reason).toMatch(/^capturing on any needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities \(/);
  });

  it.runIf(process.platform === 'linux')('without node-pcap beside it (a bundle with no node_modules): unavailable, saying what to install', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fw-nopcap-'));
    try {
      const entry = join(tmp, 'entry.mjs');
      writeFileSync(entry, runOnce);
      // An ESM bundle needs a require of its own for the CommonJS packages inside it (commander).
      await build({
        entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: join(tmp, 'bundle.mjs'), logLevel: 'silent',
        banner: { js: "import { createRequire as farmwatchRequire } from 'node:module'; const require = farmwatchRequire(import.meta.url);" },
      });
      const r = spawnSync(process.execPath, [join(tmp, 'bundle.mjs')], { cwd: tmp, encoding: 'utf8', timeout: 20_000 });
      const outcome = JSON.parse(r.stdout) as { status: string; reason: string };
      expect(outcome.status).toBe('unavailable');
      expect(outcome.reason).toMatch(/the node-pcap module is not installed next to the agent .*apt-get install libpcap-dev, then npm install pcap/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe.runIf(process.platform === 'linux' && !isRoot)('packets sensor without capture privilege', () => {
  it('is unavailable with the reason', async () => {
    const sensor = createPacketsSensor({ enabled: true, device: 'lo' });
    const outcome = await runSensor(sensor, ctx);
    expect(outcome.status).toBe('unavailable');
    expect(outcome.status === 'unavailable' && outcome.reason).toMatch(/root or the CAP_NET_RAW|node-pcap module is not installed|libpcap/);
  });
});

describe.runIf(canCapture)('packets sensor capturing on this machine', () => {
  const sensor = createPacketsSensor({ enabled: true, device: 'lo' });
  afterAll(() => sensor.stop());

  it('labels live TLS and DNS flows to remote-access names and keeps only notable flows', async () => {
    const first = await runSensor(sensor, ctx);
    expect(first.status).toBe('ok');
    await tlsHello('router15.teamviewer.com');
    await tlsHello('www.example.org');
    await dnsQuery('boot.net.anydesk.com');
    await sleep(600);
    const second = await runSensor(sensor, ctx);
    expect(second.status).toBe('ok');
    const facts = (second as { facts: PacketFacts }).facts;
    expect(facts.device).toBe('lo');
    expect(facts.packets).toBeGreaterThan(0);
    const tls = facts.flows.find((f) => f.label.catalog?.value === 'router15.teamviewer.com');
    expect(tls?.label).toMatchObject({ protocol: 'tls', kind: 'remote_access', catalog: { entryId: 'teamviewer', via: 'tls.sni' } });
    const dns = facts.flows.find((f) => f.label.protocol === 'dns');
    expect(dns?.label.catalog).toMatchObject({ entryId: 'anydesk', value: 'boot.net.anydesk.com', via: 'dns.query' });
    // The ordinary TLS session was seen but not kept.
    expect(facts.flows.some((f) => f.label.features.includes('server name www.example.org'))).toBe(false);
  });

  it('lets the process exit right after the capture closes (node-pcap alone would wait for a packet)', () => {
    const module = join(import.meta.dirname, '..', 'dist', 'packets', 'capture', 'node-pcap.js');
    const script = `const { openLiveCapture } = await import(${JSON.stringify(module)});
      const c = await openLiveCapture({ device: 'any', filter: 'udp port 9', snaplen: 256, bufferBytes: 1 << 20, onPacket() {} });
      await c.close(); console.log('closed');`;
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(r.stdout.trim()).toBe('closed');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
