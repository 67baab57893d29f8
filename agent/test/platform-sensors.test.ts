// The macOS and Windows sensors on recorded command output (fixtures/platform, sources in its
// README): each parser on its real text, and every sensor run end to end through a runner that
// serves the recordings, counting the processes a scan would spawn.
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeEdid } from '@farmwatch/shared';
import { usbFromIoreg } from '../src/sensors/usb/darwin.js';
import { parsePnputilBlocks, usbFromPnp } from '../src/sensors/usb/windows.js';
import { displaysFromIoreg } from '../src/sensors/displays/darwin.js';
import { parseArpAn, parseNetstatRn, parseScutilDns } from '../src/sensors/routes/darwin.js';
import { builtinCatalog } from '@farmwatch/shared';
import { Platform } from '@farmwatch/proto';
import { detectRemoteAccessInstalled, detectVpnDns, EMPTY_POLICY } from '../src/detectors/index.js';
import { collectDarwinServices } from '../src/sensors/services/darwin.js';
import { parseArpA, parseIpconfigAll, parseRoutePrint } from '../src/sensors/routes/windows.js';
import { parseNetshInterfaces, parseNetshNetworks } from '../src/sensors/wifi/windows.js';
import { parseScQuery } from '../src/sensors/services/windows.js';
import { parseSpAirport } from '../src/sensors/wifi/darwin.js';
import { parseLaunchctlList } from '../src/sensors/services/darwin.js';
import { clamshellOpen } from '../src/sensors/displays/darwin.js';
import { parseUninstallKeys } from '../src/sensors/apps/windows.js';
import { parsePreload } from '../src/sensors/locale/windows.js';
import { parsePlist } from '../src/sensors/plist.js';
import { appFromInfoPlist } from '../src/sensors/apps/darwin.js';
import { parseSystemProfilerUsbJson } from '../src/sensors/usb/system-profiler.js';
import { parseSystemProfilerUsb } from '../src/pipeline/inspect/usb-text.js';
import { appsSensor, displaysSensor, localeSensor, networkStateSensor, runSensor, servicesSensor, usbSensor, wifiSensor } from '../src/sensors/index.js';
import { recorded } from './recorded-runner.js';
import { commandLine } from '../src/sensors/command.js';
import { HID_CAPS_PROBE } from '../src/sensors/usb/hid-caps-windows.js';

const dir = new URL('./fixtures/platform/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

describe('macOS parsers on recorded output', () => {
  it('ioreg USB tree: devices, decimal ids, strings, interfaces', () => {
    const devices = usbFromIoreg(fixture('macos/ioreg-usb.txt'));
    expect(devices.map((d) => `${d.vendorId.toString(16)}:${d.productId.toString(16)}`)).toEqual(['303a:1001', '1a86:7523', '483:2923']);
    const esp = devices[0];
    expect(esp).toMatchObject({ manufacturer: 'Espressif', product: 'USB JTAG/serial debug unit', serial: 'E0:72:A1:A2:32:48', deviceClass: 239, portPath: '0x08320000', bcdUsb: 0x200 });
    expect(esp?.interfaces.map((i) => [i.number, i.interfaceClass, i.interfaceSubclass])).toEqual([[0, 2, 0], [1, 10, 0], [2, 255, 255]]);
    // The user-client child (zoom.us) is not taken for a driver or an interface.
    expect(esp?.interfaces[0]?.driver).toBe('AppleUSBACMControl');
    expect(esp?.interfaces[2]?.driver).toBeUndefined();
    expect(devices[2]?.interfaces).toEqual([]);
  });

  it('IODisplayEDID lines: both EDIDs, decodable', () => {
    const displays = displaysFromIoreg(fixture('macos/ioreg-display-edid.txt'));
    expect(displays).toHaveLength(2);
    const [dell, lg] = displays.map((d) => decodeEdid(d.edid ?? Buffer.alloc(0)));
    expect(dell).toMatchObject({ manufacturerId: 'DEL', monitorName: 'DELL U2715H', valid: true });
    expect(lg).toMatchObject({ manufacturerId: 'GSM', monitorName: 'LG TV' });
  });

  it('netstat -rn: routes with BSD destinations, ARP rows left out', () => {
    const routes = parseNetstatRn(fixture('macos/netstat-rn.txt'));
    expect(routes).toContainEqual({ destination: '0.0.0.0/0', gateway: '192.168.1.254', interface: 'en0' });
    expect(routes).toContainEqual({ destination: '127.0.0.0/8', interface: 'lo0' }); // UCS: no G flag, directly attached
    expect(routes).toContainEqual({ destination: '192.168.1.0/24', interface: 'en0' });
    expect(routes).toContainEqual({ destination: '224.0.0.0/4', interface: 'en0' });
    expect(routes).toContainEqual({ destination: '::/0', interface: 'utun0' });
    expect(routes.some((r) => r.destination === '192.168.1.64/32')).toBe(false);
  });

  it('arp -an: neighbours with padded MACs, broadcast and multicast left out', () => {
    expect(parseArpAn(fixture('macos/arp-an.txt'))).toEqual([{ ip: '198.51.100.1', mac: '12:34:56:00:a0:20', interface: 'en0' }]);
  });

  it('scutil --dns: every resolver once, and Tailscale\'s named by the catalog', () => {
    const servers = parseScutilDns(fixture('macos/scutil-dns.txt'));
    expect(servers).toEqual(['100.100.100.100', '1.1.1.1', '8.8.8.8']);
    const f = detectVpnDns({ routes: [], neighbours: [], dnsServers: servers }, [], builtinCatalog(), EMPTY_POLICY, Platform.PLATFORM_MACOS);
    expect(f.map((x) => [x.detector, x.key, x.catalogEntry])).toEqual([['vpn.dns', '100.100.100.100', 'tailscale']]);
  });

  it('system_profiler SPUSBDataType text: each device under its heading, with its strings and location', () => {
    const d = parseSystemProfilerUsb(fixture('macos/system-profiler-usb.txt'));
    expect(d.map((x) => [x.vendorId, x.productId, x.product, x.manufacturer, x.serial ?? '', x.portPath])).toEqual([
      [0x05ac, 0x024f, 'Keychron K1', 'Keychron', '', '0x02113314'],
      [0x046d, 0xc52b, 'USB Receiver', 'Logitech', '', '0x02113311'],
      [0x05ac, 0x8104, 'Composite Device', 'Apple', '000000000000', '0x80800000'],
    ]);
  });

  it('system_profiler SPUSBDataType -json: nested devices with ids, strings and location', () => {
    const devices = parseSystemProfilerUsbJson(fixture('macos/system-profiler-usb.json'));
    expect(devices.map((d) => [d.vendorId, d.productId, d.product, d.serial ?? ''])).toEqual([
      [0x3310, 0x0103, 'Mudita Harmony (MSC mode)', '0123456789ABCDEF'],
      [0x0bda, 0x5411, 'USB2.1 Hub', ''],
      [0x043e, 0x9a39, 'LG Monitor Controls', 'AABBCCDDEEFF'],
    ]);
    expect(devices[0]).toMatchObject({ manufacturer: 'Mudita', portPath: '0x02100000', interfacesKnown: false });
  });
});

describe('macOS Wi-Fi, launch jobs and lid on recorded output', () => {
  it('system_profiler SPAirPortDataType -json: signal kept, "<redacted>" names left out, no BSSID to report', () => {
    // macOS withheld every SSID from the process that ran it, and system_profiler prints no BSSID
    // at all: the networks around say nothing about the place, so none is reported.
    expect(parseSpAirport(fixture('macos/system-profiler-airport.json'))).toEqual([{ interface: 'en0', signalDbm: -51, visible: [] }]);
  });

  it('system_profiler SPAirPortDataType -json: each interface, awdl0 without a network', () => {
    expect(parseSpAirport(fixture('macos/system-profiler-airport-awdl.json'))).toEqual([
      { interface: 'en0', signalDbm: -52, visible: [] },
      { interface: 'awdl0', visible: [] },
    ]);
  });

  it('launchctl list: PID when running, "-" when not, negative exit statuses', () => {
    const jobs = parseLaunchctlList(fixture('macos/launchctl-list.txt'));
    expect(jobs.size).toBe(23);
    expect(jobs.get('com.apple.Finder')).toEqual({ pid: 1849, status: '0' });
    expect(jobs.get('com.apple.progressd')).toEqual({ status: '-9' });
    expect(jobs.get('us.zoom.updater')).toEqual({ status: '0' });
    expect(jobs.get('application.hossin.asaadi.V2Box.23669551.23669557')).toEqual({ pid: 32649, status: '0' });
    expect(jobs.has('Label')).toBe(false);
  });

  it('launchctl list through the services sensor: loaded jobs outside com.apple.*, running from the PID', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-macroot-'));
    const { run, calls } = recorded({ '/bin/launchctl list': fixture('macos/launchctl-list.txt') });
    const services = await collectDarwinServices({ platform: 'darwin', root, run });
    expect(services.map((s) => [s.name, s.running])).toEqual([
      ['application.com.apple.Terminal.1152921500311913407.1152921500311913412', true],
      ['application.com.figma.agent.12357889.33683762', true],
      ['application.com.microsoft.Word.35443871.35509774', true],
      ['application.hossin.asaadi.V2Box.23669551.23669557', true],
      ['com.microsoft.update.agent', false],
      ['com.openssh.ssh-agent', true],
      ['jetbrains.vmoptions', false],
      ['us.zoom.updater', false],
      ['us.zoom.updater.login.check', false],
    ]);
    expect(calls).toEqual(['/bin/launchctl list']);
  });

  it('ioreg AppleClamshellState: "No" is an open lid', () => {
    expect(clamshellOpen(fixture('macos/ioreg-clamshell.txt'))).toBe(true);
  });
});

describe('macOS launch daemons', () => {
  it('RustDesk\'s real launch daemon plist in /Library/LaunchDaemons is its service, and the tool is installed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-macroot-'));
    mkdirSync(join(root, 'Library', 'LaunchDaemons'), { recursive: true });
    writeFileSync(join(root, 'Library', 'LaunchDaemons', 'com.carriez.RustDesk_service.plist'), fixture('macos/com.carriez.RustDesk_service.plist'));
    const { run, calls } = recorded({ '/bin/launchctl list': 'PID\tStatus\tLabel\n' });
    const services = await collectDarwinServices({ platform: 'darwin', root, run });
    // Not among the loaded jobs launchctl listed: installed, not known to run.
    expect(services).toEqual([{ name: 'com.carriez.RustDesk_service', path: '/Library/LaunchDaemons/com.carriez.RustDesk_service.plist', displayName: '/Applications/StarDesk.app/Contents/MacOS/rustdesk', enabled: true }]);
    expect(calls).toEqual(['/bin/launchctl list']);
    const f = detectRemoteAccessInstalled(services, [], builtinCatalog(), EMPTY_POLICY, Platform.PLATFORM_MACOS);
    expect(f).toMatchObject([{ detector: 'remote_access.installed', key: 'rustdesk', severity: 'low' }]);
  });
});

describe('Windows parsers on recorded output', () => {
  const adapters = parseIpconfigAll(fixture('windows/ipconfig-all.txt'));
  const byIp = new Map(adapters.flatMap((a) => a.ipv4.map((ip) => [ip, a.name] as const)));

  it('ipconfig /all: adapters, addresses, gateways, resolvers, disconnected media', () => {
    expect(adapters.map((a) => a.name)).toEqual(['Tailscale', 'Ethernet 2', 'Bluetooth Network Connection']);
    expect(adapters[0]).toMatchObject({ description: 'Tailscale Tunnel', ipv4: ['100.115.71.66'], dnsServers: ['fec0:0:0:ffff::1', 'fec0:0:0:ffff::2', 'fec0:0:0:ffff::3'] });
    expect(adapters[1]).toMatchObject({ mac: 'f8:e4:3b:ad:f2:6d', ipv4: ['10.50.13.132'], gateways: ['10.50.13.1'], dnsServers: ['10.50.13.1'] });
    expect(adapters[2]?.mediaDisconnected).toBe(true);
  });

  it('route print: IPv4 active routes with prefix lengths, persistent routes not doubled', () => {
    const routes = parseRoutePrint(fixture('windows/route-print.txt'), (ip) => byIp.get(ip) ?? ip);
    expect(routes).toHaveLength(18);
    expect(routes[0]).toEqual({ destination: '0.0.0.0/0', gateway: '10.211.55.1', interface: '10.211.55.3', metric: 15 });
    expect(routes).toContainEqual({ destination: '10.211.55.0/24', interface: '10.211.55.3', metric: 271 });
  });

  it('arp -a: dynamic neighbours per interface', () => {
    const n = parseArpA(fixture('windows/arp-a.txt'), (ip) => `if-${ip}`);
    expect(n).toEqual([
      { ip: '192.168.205.254', mac: '00:50:56:ab:66:1c', interface: 'if-192.168.205.4' },
      { ip: '192.168.253.254', mac: '00:50:56:ab:66:1c', interface: 'if-192.168.205.4' },
      { ip: '172.30.0.1', mac: '00:50:56:bd:14:0f', interface: 'if-172.30.0.2' },
      { ip: '172.30.0.10', mac: '00:50:56:bd:86:ed', interface: 'if-172.30.0.2' },
    ]);
  });

  it('netsh wlan: joined network and the BSSIDs around, signal in dBm', () => {
    expect(parseNetshInterfaces(fixture('windows/netsh-wlan-interfaces.txt'))).toEqual([{ interface: 'Wi-Fi', ssid: 'LUO-PC_Network', bssid: 'd8:15:0d:72:8c:18', signalDbm: -50, visible: [] }]);
    expect(parseNetshNetworks(fixture('windows/netsh-wlan-networks.txt'))).toEqual([
      { bssid: '20:ab:4b:ab:a5:ab', ssid: 'SSID number 1', signalDbm: -97 },
      { bssid: '20:ab:4b:ab:a5:ab', ssid: 'SSID number 1', signalDbm: -85 },
    ]);
  });

  it('pnputil /enum-devices: USB devices with serials, HID children as interfaces', () => {
    const devices = usbFromPnp(parsePnputilBlocks(fixture('windows/pnputil-enum-devices.txt')));
    expect(devices).toHaveLength(2);
    expect(devices[1]).toMatchObject({ vendorId: 0x046d, productId: 0xc092, product: 'G203 LIGHTSYNC', manufacturer: 'Logitech', serial: '206C32854D47' });
    expect(devices[1]?.interfaces).toEqual([{ number: 1, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind: 'Keyboard' }]);
    expect(devices[0]?.serial).toBeUndefined(); // "7&10a31c3f&0&1" is a Windows-made id, not a serial
  });

  it('sc: service names and running state', () => {
    expect(parseScQuery(fixture('windows/sc-query.txt'))).toEqual([
      { name: 'AdvancedSystemCareService9', running: true }, { name: 'JFSSIEMAgent', running: true },
    ]);
  });
});

describe('Windows Uninstall keys on recorded output', () => {
  const text = fixture('windows/reg-query-uninstall.txt');
  const key = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\';
  const expected = [
    { name: 'Microsoft .NET Host - 5.0.7 (x64)', version: '40.28.30105', source: 'registry', path: `${key}{12B6D916-FD64-471C-8EF7-C04443A75F8D}` },
    { name: 'Windows Application Driver', version: '1.2.99.0', source: 'registry', path: `${key}{29DA7679-80B6-452A-B264-349BAEE7CC0E}` },
  ];

  it('reg query ... /s: named entries only, DisplayName after the other values, empty InstallLocation gives the key', () => {
    expect(parseUninstallKeys(text)).toEqual(expected);
  });

  it('reg query ... /s with the CRLF line ends reg.exe writes', () => {
    expect(parseUninstallKeys(text.replace(/\n/g, '\r\n'))).toEqual(expected);
  });

  it('the apps sensor from both Uninstall views (the WOW6432Node one missing here)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fw-noroot-'));
    const { run, calls } = recorded({ 'reg.exe query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s': text });
    const apps = await runSensor(appsSensor, { platform: 'win32', root: empty, run });
    expect(apps.status === 'ok' && apps.facts).toEqual(expected);
    expect(calls).toEqual([
      'reg.exe query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s',
      'reg.exe query HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s',
    ]);
  });
});

describe('Windows keyboard layouts on recorded output', () => {
  // The recording is of the logged-on user's key (HKCU); the sensor asks the default profile's
  // (HKU\.DEFAULT), whose values have the same form.
  const text = fixture('windows/reg-query-preload.txt');

  it('reg query ...\\Keyboard Layout\\Preload: the Korean layout', () => {
    expect(parsePreload(text)).toEqual(['00000412']);
    expect(parsePreload(text.replace(/\n/g, '\r\n'))).toEqual(['00000412']);
  });

  it('the locale sensor takes its layouts from it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fw-noroot-'));
    const { run, calls } = recorded({ 'reg.exe query HKU\\.DEFAULT\\Keyboard Layout\\Preload': text });
    const locale = await runSensor(localeSensor, { platform: 'win32', root: empty, run });
    expect(locale.status === 'ok' && locale.facts.keyboardLayouts).toEqual(['00000412']);
    expect(calls).toEqual(['reg.exe query HKU\\.DEFAULT\\Keyboard Layout\\Preload']);
  });
});

describe('property lists', () => {
  const info = { CFBundleName: 'AnyDesk', CFBundleIdentifier: 'com.philandro.anydesk', CFBundleShortVersionString: '8.0.8', LSMinimumSystemVersion: '10.11', CFBundleURLTypes: [{ CFBundleURLSchemes: ['anydesk'] }] };

  it('reads the XML and the binary form plistlib writes, the same', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fw-plist-'));
    const json = join(tmp, 'info.json');
    writeFileSync(json, JSON.stringify(info));
    for (const fmt of ['FMT_XML', 'FMT_BINARY']) {
      const out = join(tmp, `Info-${fmt}.plist`);
      execFileSync('python3', ['-c', `import json,plistlib,sys; plistlib.dump(json.load(open(sys.argv[1])), open(sys.argv[2],'wb'), fmt=plistlib.${fmt})`, json, out]);
      expect(parsePlist(readFileSync(out))).toEqual(info);
      mkdirSync(join(tmp, `${fmt}.app`, 'Contents'), { recursive: true });
      expect(appFromInfoPlist(readFileSync(out), '/Applications/AnyDesk.app')).toEqual({ name: 'AnyDesk', version: '8.0.8', bundleId: 'com.philandro.anydesk', path: '/Applications/AnyDesk.app', source: 'applications' });
    }
  });

  it('gives undefined for bytes that are no plist', () => {
    expect(parsePlist(Buffer.from('bplist00 truncated'))).toBeUndefined();
    expect(parsePlist(Buffer.from('hello'))).toBeUndefined();
  });
});


describe('sensors end to end on recorded output, and how many processes they spawn', () => {
  const empty = mkdtempSync(join(tmpdir(), 'fw-noroot-'));

  it('macOS: USB, displays, routes from ioreg/netstat/arp; 9 commands for all its sensors at most', async () => {
    const { run, calls } = recorded({
      '/usr/sbin/ioreg -r -c IOUSBHostDevice -l -w0': fixture('macos/ioreg-usb.txt'),
      '/usr/sbin/ioreg -l -w0 -r -c IODisplayConnect': fixture('macos/ioreg-display-edid.txt'),
      '/usr/sbin/netstat -rn': fixture('macos/netstat-rn.txt'),
      '/usr/sbin/arp -an': fixture('macos/arp-an.txt'),
      '/usr/sbin/scutil --dns': fixture('macos/scutil-dns.txt'),
    });
    const ctx = { platform: 'darwin' as const, root: empty, run };
    const [usb, displays, state, services, apps, locale, wifi] = await Promise.all([
      runSensor(usbSensor, ctx), runSensor(displaysSensor, ctx), runSensor(networkStateSensor, ctx), runSensor(servicesSensor, ctx), runSensor(appsSensor, ctx), runSensor(localeSensor, ctx),
      runSensor(wifiSensor, ctx),
    ]);
    // system_profiler was not recorded here: Wi-Fi says which program is missing.
    expect(wifi.status !== 'ok' && wifi.reason).toMatch(/system_profiler is not on this machine/);
    expect([usb, displays, state, services, apps, locale].map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(usb.status === 'ok' && usb.facts.length).toBe(3);
    expect(displays.status === 'ok' && displays.facts.length).toBe(2);
    const net = state.status === 'ok' ? state.facts : undefined;
    expect(net).toMatchObject({ defaultGateway: { ip: '192.168.1.254', interface: 'en0' } });
    // ioreg x3 at most (USB, displays, lid; AppleCLCD2 only without an IODisplayConnect EDID), netstat,
    // arp, scutil, launchctl, system_profiler: apps, locale, hosts and sessions read files.
    expect(calls.length).toBeLessThanOrEqual(9);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('Windows: routes named by adapter, Wi-Fi, USB, services; 12 commands for all its sensors at most', async () => {
    const { run, calls } = recorded({
      'route.exe print': fixture('windows/route-print.txt'),
      'ipconfig.exe /all': fixture('windows/ipconfig-all.txt'),
      'arp.exe -a': fixture('windows/arp-a.txt'),
      'netsh.exe wlan show interfaces': fixture('windows/netsh-wlan-interfaces.txt'),
      'netsh.exe wlan show networks mode=bssid': fixture('windows/netsh-wlan-networks.txt'),
      'pnputil.exe /enum-devices /connected /ids': fixture('windows/pnputil-ids-logitech-receiver.txt'),
      [commandLine(HID_CAPS_PROBE)]: fixture('windows/hid-caps-logitech-receiver.txt'),
      'sc.exe query type= service state= all': fixture('windows/sc-query.txt'),
    });
    const ctx = { platform: 'win32' as const, root: empty, run };
    const [state, wifi, usb, services, displays, apps, locale] = await Promise.all([
      runSensor(networkStateSensor, ctx), runSensor(wifiSensor, ctx), runSensor(usbSensor, ctx), runSensor(servicesSensor, ctx), runSensor(displaysSensor, ctx),
      runSensor(appsSensor, ctx), runSensor(localeSensor, ctx),
    ]);
    expect(apps.status).toBe('unavailable');
    expect(locale.status).toBe('ok'); // layouts are optional: the zone and locale come from the process
    // route print names interfaces by address; 10.211.55.3 is not in this ipconfig, so it stays an address.
    expect(state.status === 'ok' && state.facts.routes[0]).toEqual({ destination: '0.0.0.0/0', gateway: '10.211.55.1', interface: '10.211.55.3', metric: 15 });
    expect(wifi.status === 'ok' && wifi.facts[0]?.visible.length).toBe(2);
    expect(usb.status).toBe('ok');
    expect(services.status).toBe('ok');
    // reg.exe was not recorded here: the sensor says which program is missing.
    expect(displays).toMatchObject({ status: 'unavailable' });
    expect(displays.status !== 'ok' && displays.reason).toMatch(/reg\.exe is not on this machine/);
    // route, ipconfig, arp, netsh x2, pnputil, sc, reg x4 (EDID, Uninstall x2, Preload), and
    // PowerShell once for a newly plugged device that is a keyboard and a mouse (the receiver here).
    expect(calls.filter((c) => c.startsWith('powershell.exe'))).toHaveLength(1);
    expect(calls.length).toBeLessThanOrEqual(12);
  });
});
