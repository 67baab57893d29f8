// The sensor and detector declarations (sensors/registry.ts, detectors/registry.ts) against what
// depends on them: every fact a detector reads is scheduled by the running agent on each platform
// the detector serves, a detector reads no fact it does not declare (watched through a Proxy over
// recorded facts), the README's sensor table is the declaration's, and the running agent's table
// is the declaration's `run` part.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Platform } from '@farmwatch/proto';
import { builtinCatalog } from '@farmwatch/shared';
import { SENSORS, sensorsOf, usedBy, type HostFacts, type SensorDeclaration } from '../src/sensors/index.js';
import { sensorTableMarkdown, withSensorTable } from '../src/sensors/readme-table.js';
import { DETECTORS, EMPTY_POLICY, type DetectorDeclaration } from '../src/detectors/index.js';
import { detect } from '../src/pipeline/scan.js';
import { inspectBytes } from '../src/pipeline/inspect/recognise.js';
import { parseHostsFile, parseRustdeskToml } from '../src/sensors/hosts/collect.js';
import { SENSOR_TABLE, sensorTable } from '../src/runtime/sensor-table.js';
import type { AgentConfig } from '../src/config/index.js';

const catalog = builtinCatalog();
const readmeFile = fileURLToPath(new URL('../../README.md', import.meta.url));
const golden = fileURLToPath(new URL('./fixtures/golden', import.meta.url));
const flowsFile = fileURLToPath(new URL('./fixtures/pcap/anyconnect.pcap.flows.json', import.meta.url));

/** Each fact a detector reads that the running agent does not schedule on a platform the detector serves. */
function unscheduledReads(sensors: readonly SensorDeclaration[], detectors: readonly DetectorDeclaration[]): string[] {
  const out: string[] = [];
  for (const d of detectors) {
    for (const platform of d.platforms) {
      const scheduled = new Set(sensors.filter((s) => usedBy(s, 'run') && s.spec.platforms.includes(platform)).map((s) => s.key));
      for (const key of [...d.needs, ...d.uses]) {
        if (!scheduled.has(key)) out.push(`${d.id} reads ${key}, which the running agent never schedules on ${platform}`);
      }
    }
  }
  return out;
}

/** Facts with every part filled: recorded inputs (golden folders, a capture's flows) and a few typed lines. */
function recordedFacts(): HostFacts {
  const facts: HostFacts = {};
  for (const name of readdirSync(golden)) {
    for (const f of readdirSync(join(golden, name)).filter((f) => f !== 'expected.json' && f !== 'README.md')) {
      inspectBytes(f, readFileSync(join(golden, name, f)), facts);
    }
  }
  const flows = (JSON.parse(readFileSync(flowsFile, 'utf8')) as { flows: NonNullable<HostFacts['packets']>['flows'] }).flows;
  return {
    ...facts,
    host: {
      machineIdHash: 'ab'.repeat(32), hostname: 'laptop', timeZone: 'America/Chicago',
      os: { platform: 'linux', name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0', arch: 'x64' },
    },
    interfaces: [
      { name: 'wlan0', kind: 'wifi', up: true, addresses: ['192.168.1.23/24'], kindReason: 'sysfs' },
      { name: 'tun0', kind: 'tunnel', up: true, addresses: ['10.8.0.2/24'], kindReason: 'sysfs' },
    ],
    network: {
      routes: [{ destination: '0.0.0.0/1', interface: 'tun0' }, { destination: '128.0.0.0/1', interface: 'tun0' }, { destination: '0.0.0.0/0', gateway: '192.168.1.1', interface: 'wlan0' }],
      neighbours: [{ ip: '192.168.1.40', mac: 'b8:27:eb:00:00:01', interface: 'wlan0' }],
      dnsServers: ['10.8.0.1', '100.100.100.100'],
      defaultGateway: { ip: '192.168.1.1', interface: 'wlan0', mac: '00:11:22:33:44:55' },
    },
    wifi: [{ interface: 'wlan0', ssid: 'home', bssid: '00:11:22:33:44:66', visible: [] }],
    sockets: [
      { protocol: 'tcp', state: 'listen', localAddress: '0.0.0.0', localPort: 5900, pid: 4242, process: 'x11vnc' },
      { protocol: 'tcp', state: 'established', localAddress: '192.168.1.23', localPort: 50000, remoteAddress: '198.51.100.7', remotePort: 21116, pid: 4243, process: 'rustdesk' },
    ],
    services: [{ name: 'anydesk.service', path: '/usr/bin/anydesk', enabled: true, running: true }],
    apps: [{ name: 'AnyDesk', source: 'dpkg' }, { name: 'Astrill VPN', source: 'opt', path: '/opt/astrill' }],
    locale: { timeZone: 'Asia/Pyongyang', locales: ['ko_KP.UTF-8'], keyboardLayouts: ['kr'] },
    mdns: [{ name: 'pikvm.local', address: '192.168.1.40', interface: 'wlan0' }],
    nameConfig: {
      hosts: parseHostsFile('0.0.0.0 boot.net.anydesk.com\n'),
      relays: parseRustdeskToml("custom-rendezvous-server = 'hbbs.example.net'\n", '/home/u/.config/rustdesk/RustDesk2.toml'),
    },
    input: { idleMs: 1000, source: 'logind', sessions: 1 },
    packets: { device: 'any', linkType: 'LINKTYPE_ETHERNET', flows, ordinaryFlows: 0, droppedFlows: 0, packets: 38, undecoded: 0 } as unknown as NonNullable<HostFacts['packets']>,
  };
}

/** The fact keys a detector reads from `facts`, through a Proxy that records every property asked for. */
function readsOf(d: DetectorDeclaration, facts: HostFacts, platform: Platform): Set<string> {
  const read = new Set<string>();
  const watched = new Proxy(facts, { get: (t, key, r) => { if (typeof key === 'string') read.add(key); return Reflect.get(t, key, r) as unknown; } });
  d.detect(watched, { catalog, policy: EMPTY_POLICY, platform });
  return read;
}

describe('the sensor declaration', () => {
  it('names each sensor and each facts key once', () => {
    expect(new Set(SENSORS.map((s) => s.spec.name)).size).toBe(SENSORS.length);
    expect(new Set(SENSORS.map((s) => s.key)).size).toBe(SENSORS.length);
  });

  it('is the running agent\'s table: every `run` sensor, mdns_kvm and name_config among them, in declaration order', () => {
    const table = sensorTable({ packet_capture: false } as AgentConfig);
    expect(table.map((e) => e.key)).toEqual(sensorsOf('run').map((s) => s.key));
    expect(SENSOR_TABLE.map((e) => e.spec.name)).toEqual(table.map((e) => e.spec.name));
    expect(table.map((e) => e.spec.name)).toEqual(expect.arrayContaining(['mdns_kvm', 'name_config', 'input_idle', 'packets']));
    expect(table.filter((e) => e.hotplug).map((e) => [e.spec.name, e.hotplug])).toEqual([['usb_devices', 'usb'], ['displays', 'display']]);
    // The packets sensor is built from the configuration (off here) and is the one with something to stop.
    expect(table.filter((e) => e.stop).map((e) => e.spec.name)).toEqual(['packets']);
  });

  it('gives `scan` every sensor but the running agent\'s own (input idle time, live capture)', () => {
    expect(SENSORS.filter((s) => !usedBy(s, 'scan')).map((s) => s.spec.name)).toEqual(['input_idle', 'packets']);
    expect(sensorsOf('scan').map((s) => s.spec.name)).toContain('mdns_kvm');
  });
});

describe('the detector declaration', () => {
  it('asks only for facts the running agent schedules, on every platform each detector serves', () => {
    expect(unscheduledReads(SENSORS, DETECTORS)).toEqual([]);
  });

  it('the check catches a sensor left out of the running agent (as mdns_kvm and name_config once were)', () => {
    const scanOnly = SENSORS.map((s): SensorDeclaration => (s.key === 'mdns' || s.key === 'nameConfig' ? { ...s, use: 'scan' } : s));
    const gaps = unscheduledReads(scanOnly, DETECTORS);
    expect(gaps).toContain('kvm.mdns reads mdns, which the running agent never schedules on linux');
    expect(gaps).toContain('remote_access.name_config reads nameConfig, which the running agent never schedules on win32');
    expect(gaps).toHaveLength(6);
    // And a detector declared for a platform no sensor of its facts runs on.
    const onWindows = DETECTORS.map((d) => (d.id === 'network.flow' ? { ...d, platforms: ['win32' as const] } : d));
    expect(unscheduledReads(SENSORS, onWindows)).toEqual(['network.flow reads packets, which the running agent never schedules on win32']);
  });

  it('each detector reads exactly the facts it declares (a Proxy over recorded facts)', () => {
    const facts = recordedFacts();
    expect(Object.keys(facts).sort()).toEqual(SENSORS.map((s) => s.key).sort());
    for (const platform of [Platform.PLATFORM_LINUX, Platform.PLATFORM_MACOS, Platform.PLATFORM_WINDOWS]) {
      for (const d of DETECTORS) {
        const declared = [...d.needs, ...d.uses].sort();
        expect({ detector: d.id, reads: [...readsOf(d, facts, platform)].sort() }).toEqual({ detector: d.id, reads: declared });
      }
    }
  });

  it('the Proxy sees a read that is not declared', () => {
    const sneaky: DetectorDeclaration = { ...DETECTORS[0] as DetectorDeclaration, detect: (f) => (f.locale ? [] : []) };
    expect([...readsOf(sneaky, recordedFacts(), Platform.PLATFORM_LINUX)]).toEqual(['locale']);
  });

  it('the recorded facts make every declared finding, and only declared ones', () => {
    const emitted = new Set(detect(recordedFacts(), catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX).map((f) => f.detector));
    const declared = new Set([...DETECTORS.flatMap((d) => d.emits), 'remote_access.multiple_vendors']);
    expect([...emitted].filter((id) => !declared.has(id))).toEqual([]);
    for (const id of ['kvm.mdns', 'remote_access.hosts_file', 'remote_access.custom_relay', 'network.flow', 'kvm.usb_identity']) expect(emitted).toContain(id);
  });

  it('a detector runs only on the facts it needs', () => {
    const mdns = DETECTORS.find((d) => d.id === 'kvm.mdns');
    expect(mdns?.needs).toEqual(['mdns']);
    expect(detect({ mdns: [{ name: 'pikvm.local', address: '192.168.1.40', interface: 'eth0' }] }, catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX).map((f) => f.detector)).toEqual(['kvm.mdns']);
    expect(detect({}, catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX)).toEqual([]);
  });
});

describe('the README', () => {
  const readme = readFileSync(readmeFile, 'utf8');

  it('has the declaration\'s sensor table (regenerate: npx tsc -b && node scripts/sensor-table.mjs)', () => {
    expect(withSensorTable(readme)).toBe(readme);
    for (const s of SENSORS) expect(readme).toContain(`| \`${s.spec.name}\``);
  });

  it('the comparison fails on a README whose table is not the declaration\'s', () => {
    const fewer = withSensorTable(readme, SENSORS.filter((s) => s.key !== 'nameConfig'));
    expect(fewer).not.toBe(readme);
    expect(withSensorTable(fewer)).toBe(readme);
    const otherInterval = SENSORS.map((s): SensorDeclaration => (s.key === 'mdns' ? { ...s, spec: { ...s.spec, defaultIntervalS: 60 } } : s));
    expect(sensorTableMarkdown(otherInterval)).not.toBe(sensorTableMarkdown());
    expect(() => withSensorTable('# no table here\n')).toThrow(/no sensor table markers/);
  });

  it('names every finding a declared detector makes', () => {
    for (const id of DETECTORS.flatMap((d) => d.emits)) expect(readme).toContain(`\`${id}\``);
  });
});
