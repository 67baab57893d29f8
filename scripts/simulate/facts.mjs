// What a simulated laptop's sensors would report, as the agent's own fact types (HostFacts). The
// hardware and logs come from real recordings read by the agent's own readers (`inspect`): the
// KVMs' USB identities from kernel logs of a PiKVM and a NanoKVM, the KVMs' "monitors" from the
// EDID files in reference/edid, ordinary USB devices from `lsusb -v` of a Logitech
// receiver and an IntelliMouse, real monitors from linuxhw/EDID, Windows processes from a real
// `tasklist`; AnyDesk and TeamViewer session logs are written in the tools' own formats (see the
// agent's session fixtures) and parsed by the agent's parsers. Sources: the README next to each
// fixture. Networks (gateway, Wi-Fi, neighbours) are the agent's fact shapes filled per home.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectBytes } from '../../agent/dist/index.js';
import { parseSessionLog } from '../../agent/dist/sensors/sessions/parse.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'agent', 'test', 'fixtures');
const REFERENCE_EDID = join(ROOT, 'reference', 'edid');

function read(path, as) {
  const facts = {};
  const r = inspectBytes(path, readFileSync(path), facts);
  if (r.problem || r.items === 0) throw new Error(`${path}: ${r.problem ?? 'nothing read'}`);
  return facts[as];
}

let recorded;
/** The recordings, read once per process. */
export function recordings() {
  if (recorded) return recorded;
  const edid = (file) => read(join(REFERENCE_EDID, file), 'displays')[0].edid;
  recorded = {
    processes: read(join(FIXTURES, 'parsers', 'tasklist.txt'), 'processes'),
    usb: {
      receiver: read(join(FIXTURES, 'golden', 'usb-ordinary', 'logitech-unifying-lsusb-v.txt'), 'usb'),
      mouse: read(join(FIXTURES, 'golden', 'usb-ordinary', 'intellimouse-lsusb-v.txt'), 'usb'),
      pikvm: read(join(FIXTURES, 'golden', 'pikvm-dmesg', 'dmesg.txt'), 'usb'),
      nanokvm: read(join(FIXTURES, 'golden', 'usb-kvm', 'nanokvm-dmesg.txt'), 'usb'),
    },
    monitors: [
      read(join(FIXTURES, 'golden', 'edid-real-monitors', 'lanix-lx900t.txt'), 'displays')[0].edid,
      read(join(FIXTURES, 'golden', 'edid-real-monitors', 'toshiba-tv.txt'), 'displays')[0].edid,
    ],
    kvmEdids: {
      pikvm: edid('pikvm-v3.hex'), pikvm4: edid('pikvm-v4plus.hex'), tinypilot: edid('tinypilot-edid_pi4.hex'),
      jetkvm: edid('jetkvm-default.hex'), jetkvmAcer: edid('jetkvm-preset-acer-b246wl.hex'), nanokvm: edid('nanokvm-E21_NanoKVM.hex'),
      blikvm: edid('blikvm-edid.hex'),
    },
  };
  return recorded;
}

/** The KVM set-ups a farm uses: USB gadget and EDID as the device ships. */
export const KVM_KINDS = {
  pikvm: { usb: 'pikvm', edid: 'pikvm' },
  pikvm4: { usb: 'pikvm', edid: 'pikvm4' },
  tinypilot: { usb: 'pikvm', edid: 'tinypilot' },
  jetkvm: { usb: 'pikvm', edid: 'jetkvm' },
  jetkvmAcer: { usb: 'pikvm', edid: 'jetkvmAcer' },
  nanokvm: { usb: 'nanokvm', edid: 'nanokvm' },
  blikvm: { usb: 'pikvm', edid: 'blikvm' },
};

const pad = (n) => String(n).padStart(2, '0');
const anydeskTime = (ms) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
};
const tvTime = (ms) => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/** AnyDesk ad_svc.trace lines of an incoming unattended session from `peer` (format: agent/src/sensors/sessions/parse.ts). */
export function anydeskTrace(sessions) {
  return sessions.map((s) => [
    `   info ${anydeskTime(s.atMs)}       gsvc   4668   6440                   anynet.relay_conn - Logged in from ${s.ip}:${s.port} on relay 9a3f2c1e.`,
    `   info ${anydeskTime(s.atMs + 800)}       back   4668   6440                   app.backend_session - Incoming session request: ${s.name} (${s.id})`,
    `   info ${anydeskTime(s.atMs + 2100)}       back   4668   6440                   app.backend_session - Authenticated by password.`,
  ].join('\n')).join('\n');
}

/** TeamViewer Connections_incoming.txt rows (tab separated: id, name, start, end, local user, mode, GUID). */
export function teamviewerIncoming(sessions) {
  return sessions.map((s) => [s.id, s.name, tvTime(s.atMs), tvTime(s.atMs + 12 * 60_000), s.localUser, 'RemoteControl', `{${s.guid}}`, ''].join('\t')).join('\n');
}

const mac = (seed) => {
  const h = createHash('sha256').update(seed).digest();
  h[0] = (h[0] & 0xfc) | 0x02; // locally administered, unicast: never a real vendor's prefix
  return [...h.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
};
export { mac };

/**
 * The facts of one laptop in one situation. `at` says where it is (a home or hotel: gateway, Wi-Fi,
 * neighbours); `extras` what runs on it and what is plugged in.
 */
export function hostFacts(laptop, at, extras = {}) {
  const rec = recordings();
  const ownMac = mac(`own:${laptop.serial}`);
  const processes = [...rec.processes, ...(extras.processes ?? [])].map((p, i) => ({ ...p, pid: p.pid || 10_000 + i }));
  const usb = [...rec.usb.receiver.map((d) => ({ ...d, portPath: '1-2' }))];
  if (laptop.mouse) usb.push(...rec.usb.mouse.map((d) => ({ ...d, portPath: '1-3' })));
  const displays = [{ connector: 'eDP-1', connected: true, internal: true, lidOpen: !extras.kvm }];
  if (laptop.monitor !== undefined) displays.push({ connector: 'HDMI-A-1', connected: true, internal: false, edid: rec.monitors[laptop.monitor % rec.monitors.length] });
  if (extras.kvm) {
    const k = KVM_KINDS[extras.kvm];
    usb.push(...rec.usb[k.usb].map((d) => ({ ...d, portPath: '1-4' })));
    displays.push({ connector: 'HDMI-A-2', connected: true, internal: false, edid: rec.kvmEdids[k.edid] });
  }
  // On a dock at the desk: the dock's Ethernet carries the traffic and the Wi-Fi is off.
  const lan = at.wired ? 'Ethernet' : 'Wi-Fi';
  const interfaces = [
    at.wired
      ? { name: 'Ethernet', kind: 'ethernet', up: true, addresses: [`${at.lanPrefix}.${laptop.hostOctet}/24`], mac: mac(`dock:${laptop.serial}`), mtu: 1500, kindReason: 'simulated dock', description: 'Realtek USB GbE Family Controller' }
      : { name: 'Wi-Fi', kind: 'wifi', up: true, addresses: [`${at.lanPrefix}.${laptop.hostOctet}/24`], mac: ownMac, mtu: 1500, kindReason: 'simulated Wi-Fi adapter', description: 'Intel(R) Wi-Fi 6E AX211 160MHz' },
    ...(extras.interfaces ?? []),
  ];
  const routes = extras.routes ?? [{ destination: '0.0.0.0/0', gateway: `${at.lanPrefix}.1`, interface: lan, metric: 35 }, ...(extras.extraRoutes ?? [])];
  return {
    host: {
      machineIdHash: createHash('sha256').update(`farmwatch:simulate:${laptop.serial}`).digest('hex'), hostname: laptop.hostname,
      hardwareSerial: laptop.serial, bootId: createHash('sha256').update(`boot:${laptop.serial}`).digest('hex').slice(0, 32),
      os: { platform: 'win32', name: 'Windows 11 Pro', version: '10.0.22631', kernel: '10.0.22631', arch: 'x64' },
      timeZone: extras.timeZone ?? laptop.timeZone,
    },
    processes,
    interfaces,
    network: {
      routes, dnsServers: extras.dnsServers ?? [`${at.lanPrefix}.1`],
      defaultGateway: { ip: `${at.lanPrefix}.1`, interface: lan, mac: at.gatewayMac },
      neighbours: at.neighbours.filter((n) => n !== ownMac).map((m, i) => ({ ip: `${at.lanPrefix}.${20 + i}`, mac: m, interface: lan })),
    },
    wifi: at.wired ? [] : [{ interface: 'Wi-Fi', ssid: at.ssid, bssid: at.bssid ?? at.bssids[laptop.band % at.bssids.length], signalDbm: -48, visible: at.visible.map((b) => ({ bssid: b, signalDbm: -71 })) }],
    sockets: (extras.sockets ?? []).map((s) => ({ localAddress: `${at.lanPrefix}.${laptop.hostOctet}`, ...s })),
    usb,
    displays,
    services: extras.services ?? [],
    apps: extras.apps ?? [],
    sessions: extras.sessions ?? [],
    locale: { timeZone: extras.timeZone ?? laptop.timeZone, locales: ['en-US'], keyboardLayouts: ['00000409'] },
    mdns: [],
  };
}

/** Sessions as the agent's session sensor reads them from the logs. */
export function sessionsFrom(file, text) {
  return parseSessionLog(text, file);
}
