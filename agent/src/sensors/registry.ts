// Every sensor the agent has, declared once, in the manner of an osquery table spec: its spec
// (name, platforms, interval, collect), where its result goes in the host facts, which of `scan`
// and the running agent (`run`) use it, whether hardware hot-plug runs it at once, and what it
// reads on each platform for the README. The HostFacts type, `scan`, the running agent's schedule
// and the README's sensor table (scripts/sensor-table.mjs) all come from this table: adding a
// sensor is its own folder and one entry here.
import type { AgentConfig } from '../config/index.js';
import { windowed } from '../runtime/packet-window.js';
import type { HostPlatform, SensorSpec } from './sensor.js';
import { hostSensor } from './host/spec.js';
import { processesSensor } from './processes/spec.js';
import { networkInterfacesSensor } from './network/spec.js';
import { networkStateSensor } from './routes/spec.js';
import { wifiSensor } from './wifi/spec.js';
import { socketsSensor } from './sockets/spec.js';
import { usbSensor } from './usb/spec.js';
import { displaysSensor } from './displays/spec.js';
import { servicesSensor } from './services/spec.js';
import { appsSensor } from './apps/spec.js';
import { sessionsSensor } from './sessions/spec.js';
import { localeSensor } from './locale/spec.js';
import { mdnsSensor } from './mdns/spec.js';
import { nameConfigSensor } from './hosts/spec.js';
import { inputSensor } from './input/spec.js';
import { createPacketsSensor, packetsSensor } from './packets/spec.js';
import type { PacketFacts } from './packets/types.js';

/** `scan` (the one-shot command), `run` (the running agent), or both. */
export type SensorUse = 'scan' | 'run' | 'both';

/** A sensor as the running agent schedules it: the spec as configured, and how to stop what it keeps running. */
export interface ConfiguredSensor<T> {
  spec: SensorSpec<T>;
  stop: () => Promise<void>;
}

export interface SensorDeclaration<K extends string = string, T = unknown> {
  /** Where its result goes in the host facts (`HostFacts[key]`). */
  key: K;
  spec: SensorSpec<T>;
  use: SensorUse;
  /** The running agent runs it at once when this kind of hardware comes or goes (the Linux hot-plug watcher). */
  hotplug?: 'usb' | 'display';
  /** The inventory its items make (sent as added / removed items, and in full when the collector asks). */
  inventory?: 'usb' | 'display' | 'interface';
  /** For the running agent: the spec built from the configuration (the packets sensor's capture settings). */
  configure?: (config: AgentConfig) => ConfiguredSensor<T>;
  /** The README's row: a note after the name, and what it reads on each of its platforms ("same": as the column before). */
  readme: { note?: string } & Partial<Record<HostPlatform, string>>;
}

export const SENSORS = [
  { key: 'host', spec: hostSensor, use: 'both', readme: { linux: '/etc, /proc, /sys', darwin: 'systeminformation', win32: 'systeminformation' } },
  { key: 'processes', spec: processesSensor, use: 'both', readme: { linux: '/proc', darwin: 'systeminformation', win32: 'systeminformation' } },
  {
    key: 'interfaces', spec: networkInterfacesSensor, use: 'both', inventory: 'interface',
    readme: { linux: '/sys/class/net', darwin: 'systeminformation', win32: 'systeminformation' },
  },
  {
    key: 'network', spec: networkStateSensor, use: 'both',
    readme: { note: 'routes, gateway MAC, ARP, DNS', linux: '/proc/net, /etc/resolv.conf', darwin: '`netstat -rn`, `arp -an`, `scutil --dns`', win32: '`route print`, `arp -a`, `ipconfig /all`' },
  },
  {
    key: 'wifi', spec: wifiSensor, use: 'both',
    readme: { note: 'SSID, BSSID, BSSIDs around', linux: '`iw` per wireless interface', darwin: '`system_profiler SPAirPortDataType -json`', win32: '`netsh wlan show interfaces`, `… networks mode=bssid`' },
  },
  { key: 'sockets', spec: socketsSensor, use: 'both', readme: { linux: '/proc/net + /proc/*/fd', darwin: 'systeminformation', win32: 'systeminformation' } },
  {
    key: 'usb', spec: usbSensor, use: 'both', hotplug: 'usb', inventory: 'usb',
    readme: {
      note: 'interfaces, HID report descriptors',
      linux: '/sys/bus/usb (descriptors as root)',
      darwin: '`ioreg -r -c IOUSBHostDevice -l -w0` (descriptors included)',
      win32: '`pnputil /enum-devices /connected /ids` (`/deviceids` on Windows 11): interface classes and each HID collection\'s usage; for a device that is a keyboard and a mouse, one Windows PowerShell run per plug asks hid.dll whether the mouse is absolute (`agent/src/sensors/usb/hid-caps-windows.ts`)',
    },
  },
  {
    key: 'displays', spec: displaysSensor, use: 'both', hotplug: 'display', inventory: 'display',
    readme: { note: 'raw EDID, lid', linux: '/sys/class/drm, /proc/acpi', darwin: '`ioreg` IODisplayConnect / AppleCLCD2, AppleClamshellState', win32: '`reg query …\\Enum\\DISPLAY /s /v EDID` (every monitor ever set up)' },
  },
  {
    key: 'services', spec: servicesSensor, use: 'both',
    readme: { linux: 'systemd unit folders, /etc/init.d', darwin: 'LaunchDaemons/LaunchAgents plists + `launchctl list`', win32: '`sc query type= service state= all`' },
  },
  {
    key: 'apps', spec: appsSensor, use: 'both',
    readme: { linux: 'dpkg status, snap, flatpak, .desktop, /opt', darwin: '/Applications bundles\' Info.plist (read in-process, XML or binary)', win32: 'Uninstall registry keys (`reg query`, 64- and 32-bit)' },
  },
  { key: 'sessions', spec: sessionsSensor, use: 'both', readme: { linux: 'AnyDesk / TeamViewer logs', darwin: 'same, macOS paths', win32: 'same, `%ProgramData%` / Program Files' } },
  {
    key: 'locale', spec: localeSensor, use: 'both',
    readme: { linux: '/etc (timezone, locale, keyboard)', darwin: '.GlobalPreferences and HIToolbox plists', win32: '`reg query HKU\\.DEFAULT\\Keyboard Layout\\Preload`' },
  },
  { key: 'mdns', spec: mdnsSensor, use: 'both', readme: { linux: 'one multicast query per LAN interface (node:dgram)', darwin: 'same', win32: 'same' } },
  { key: 'nameConfig', spec: nameConfigSensor, use: 'both', readme: { linux: '/etc/hosts, RustDesk2.toml', darwin: 'same', win32: 'drivers\\etc\\hosts, RustDesk2.toml' } },
  {
    key: 'input', spec: inputSensor, use: 'run',
    readme: {
      note: 'into heartbeats',
      linux: 'logind idle hints of user sessions (/run/systemd/sessions + one `loginctl show-session`)',
      darwin: '`ioreg -c IOHIDSystem` HIDIdleTime',
      win32: '`query user` (remote sessions; Windows gives none for the console session, so a console-only laptop says `unavailable`)',
    },
  },
  {
    key: 'packets', spec: packetsSensor, use: 'run',
    configure: (config: AgentConfig): ConfiguredSensor<PacketFacts> => {
      const live = createPacketsSensor({ enabled: config.packet_capture, ...(config.packet_capture_interface ? { device: config.packet_capture_interface } : {}) });
      // Findings need the flows of a recent window, not only those since the previous run.
      return { spec: windowed(live), stop: () => live.stop() };
    },
    readme: { note: 'when `packet_capture` is on', linux: 'live capture through libpcap (node-pcap, capture rights)', darwin: 'same' },
  },
] as const satisfies readonly SensorDeclaration[];

type Declared = (typeof SENSORS)[number];
type FactsOf<S> = S extends SensorSpec<infer T> ? T : never;

/** Everything the sensors saw, one optional part per sensor, typed by the sensor's own spec. */
export type HostFacts = { -readonly [D in Declared as D['key']]?: FactsOf<D['spec']> };
export type FactKey = keyof HostFacts;

/** Whether `scan` or the running agent runs this sensor. */
export function usedBy(d: Pick<SensorDeclaration, 'use'>, by: 'scan' | 'run'): boolean {
  return d.use === 'both' || d.use === by;
}

/** The declared sensors `by` runs, in declaration order. */
export function sensorsOf(by: 'scan' | 'run', table: readonly SensorDeclaration[] = SENSORS): SensorDeclaration<FactKey>[] {
  return table.filter((d) => usedBy(d, by)) as SensorDeclaration<FactKey>[];
}
