// `farmwatch-agent inspect`: each file an analyst received from a laptop without the agent is
// recognised by its content (not its name) and turned into the same facts the sensors produce,
// so the same detectors and report apply. A file no reader recognises is named with the reason.
import { Platform } from '@farmwatch/proto';
import { sessionLogKind, parseSessionLog, decodeLogText } from '../../sensors/sessions/parse.js';
import type { HostFacts } from '../scan.js';
import { edidFromBinary, edidsFromText } from './edid-text.js';
import { attachHidDescriptors, parseUsbhidDump, parseDmesgUsb, parseLsusb, parseLsusbVerbose, parsePnp, parseSystemProfilerUsb } from './usb-text.js';
import { parseSystemProfilerUsbJson } from '../../sensors/usb/system-profiler.js';
import { usbFromIoreg } from '../../sensors/usb/darwin.js';
import { parsePnputilBlocks, usbFromPnp } from '../../sensors/usb/windows.js';
import { parseDpkgList, parseGetProcess, parsePs, parseTasklist, parseWingetList } from './process-text.js';
import { parseAuditExec, parsePsRows, parsePstree, parseTop, parseVolatilityProcesses, parseWmicProcess } from './process-more-text.js';
import { STATUS_HEAD, parseAutorunsCsv, parseGetService, parseLaunchctlList, parseScQuery, parseServiceStatusAll, parseSystemctlList, parseSystemctlStatus } from './service-text.js';
import { parseLsofI, parseNetstat, parseSs, type SocketListing } from './socket-text.js';
import { parseByIdListing, parseFreebsdUsbNames, parseHwinfoUsb, parseKernelHidLines, parseScsiInquiryLines, parseUdevadm, parseUsbDevicesText, usbDevice } from './usb-linux-text.js';
import { parsePnpDeviceProperties, parsePnpFormatList, parseUsbDescriptorReport } from './usb-windows-text.js';
import { freeTextMentions, kvmNamesIn, type Mention } from './free-text.js';
import type { UsbDeviceFact } from '../../sensors/usb/types.js';
import { builtinCatalog, type Catalog } from '@farmwatch/shared';

export interface InspectedFile {
  file: string;
  format?: string;
  items: number;
  problem?: string;
}

type Reader = {
  format: string;
  test: (text: string) => boolean;
  read: (text: string, file: string, facts: HostFacts, catalog: Catalog) => number;
  empty?: string;
  /** Formats this one already covers when both match (lsusb -v covers lsusb). */
  covers?: string[];
};

const add = <K extends keyof HostFacts>(facts: HostFacts, k: K, items: NonNullable<HostFacts[K]>): number => {
  const list = items as unknown[];
  facts[k] = [...((facts[k] as unknown[] | undefined) ?? []), ...list] as HostFacts[K];
  return list.length;
};

/** USB devices, each once: a device another reader of the same file already gave (same ids, same serial or none) only adds what it lacked. */
function addUsb(facts: HostFacts, devices: UsbDeviceFact[], start: number): number {
  const have = (facts.usb ?? []).slice(start);
  const fresh: UsbDeviceFact[] = [];
  for (const d of devices) {
    const same = [...have, ...fresh].find((x) => x.vendorId === d.vendorId && x.productId === d.productId && (!x.serial || !d.serial || x.serial === d.serial) && (x.vendorId !== 0 || x.portPath === d.portPath));
    if (!same) { fresh.push(d); continue; }
    same.manufacturer ??= d.manufacturer;
    same.product ??= d.product;
    same.serial ??= d.serial;
    for (const i of d.interfaces) {
      const had = same.interfaces.find((x) => x.number === i.number);
      if (!had) same.interfaces.push(i);
      else { had.storageVendor ??= i.storageVendor; had.storageProduct ??= i.storageProduct; had.hidKind ??= i.hidKind; }
    }
    same.interfacesKnown ||= d.interfacesKnown;
  }
  add(facts, 'usb', fresh);
  return devices.length;
}

/** Kernel HID names are "manufacturer product": split one the way a catalog identity of the same ids reads, else keep it as the product. */
function withHidNames(devices: UsbDeviceFact[], names: Map<UsbDeviceFact, string>, catalog: Catalog): UsbDeviceFact[] {
  for (const [d, name] of names) {
    if (d.product) continue;
    const u = (catalog.kvmDevices ?? []).flatMap((k) => k.usb ?? []).find((x) => x.vendorId === d.vendorId && x.productId === d.productId && x.product && (name === x.product || name === `${x.manufacturer ?? ''} ${x.product}`.trim()));
    if (u?.product) {
      d.product = u.product;
      if (name !== u.product && u.manufacturer) d.manufacturer = u.manufacturer;
    } else d.product = name;
  }
  return devices;
}

/** Names without ids (by-id links, FreeBSD): a catalog KVM's name in one becomes a device with that identity's ids, marked as named only. */
function namedDevices(names: { name: string; kind?: string }[], catalog: Catalog, label: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  for (const n of names) {
    for (const k of kvmNamesIn(n.name, catalog)) {
      const u = (k.kvm.usb ?? []).find((x) => x.manufacturer === k.value || x.product === k.value);
      if (!u) continue;
      const d = usbDevice(u.vendorId ?? 0, u.productId ?? 0, `${label}: ${n.name}`);
      if (u.manufacturer && containsName(n.name, u.manufacturer)) d.manufacturer = u.manufacturer;
      if (u.product && containsName(n.name, u.product)) d.product = u.product;
      if (n.kind) d.interfaces.push({ number: d.interfaces.length, interfaceClass: n.kind === 'Storage' ? 8 : 3, interfaceSubclass: 0, interfaceProtocol: 0, ...(n.kind !== 'Storage' ? { hidKind: n.kind } : {}) });
      d.interfacesKnown = false;
      out.push(d);
      break;
    }
  }
  return out;
}
const containsName = (hay: string, needle: string): boolean => hay.toLowerCase().includes(needle.toLowerCase());

/** Kernel log lines a mail or forum wrapped: a line without the "[ 1.234567]" stamp after one with it is its continuation. */
function unwrapKernelLines(text: string): string {
  const stamped = /^\s*(?:\S+\s+\d+\s+[\d:]+\s+\S+\s+kernel:\s*)?\[\s*\d+\.\d+\]/;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out.length - 1;
    if (prev >= 0 && line.trim() && !stamped.test(line) && stamped.test(out[prev] ?? '') && !/^\s*(Bus \d|T:|[A-Z][\w ]+:\s)/.test(line)) out[prev] = `${out[prev] ?? ''} ${line.trim()}`;
    else out.push(line);
  }
  return out.join('\n');
}

const usbReader = (format: string, test: (t: string) => boolean, parse: (t: string, catalog: Catalog) => UsbDeviceFact[], extra: Partial<Reader> = {}): Reader =>
  ({ format, test, read: (t, _f, facts, catalog) => addUsb(facts, parse(t, catalog), (facts.usb ?? []).length), ...extra });

const READERS: Reader[] = [
  { format: 'usbhid-dump', test: (t) => /^\d{3}:\d{3}:\d{3}:DESCRIPTOR\s/m.test(t), read: (t, _f, facts) => attachHidDescriptors(facts.usb ?? [], parseUsbhidDump(t)),
    empty: 'usbhid-dump names devices by bus and device number only: give the `lsusb -v` (or `lsusb`) output of the same machine too' },
  usbReader('lsusb -v', (t) => /^Bus \d{3} Device \d{3}: ID [0-9a-f]{4}:[0-9a-f]{4}/m.test(t) && /Device Descriptor:/.test(t), parseLsusbVerbose, { covers: ['lsusb', 'USB descriptor report (USBView / USB Device Tree Viewer / USB Descriptor Dumper)'] }),
  usbReader('lsusb', (t) => /^\s*Bus \d{3} Device \d{3}: ID [0-9a-f]{4}:[0-9a-f]{4}/m.test(t), (t) => parseLsusb(t.replace(/^[ \t]+(?=Bus \d{3} Device)/gm, ''))),
  usbReader('usb-devices (or /sys/kernel/debug/usb/devices)', (t) => /^\s*T:\s+Bus=\d+\s+Lev=/m.test(t) && /^\s*P:\s+Vendor=[0-9a-f]{4}\s+ProdID=/im.test(t), parseUsbDevicesText),
  usbReader('kernel log (dmesg) USB lines', (t) => /New USB device found,\s+idVendor=/.test(t), (t) => parseDmesgUsb(unwrapKernelLines(t)), { covers: ['kernel log (dmesg) HID and input lines'] }),
  usbReader('kernel log (dmesg) HID and input lines', (t) => /\b0003:[0-9A-F]{4}:[0-9A-F]{4}\.[0-9A-F]{4}/i.test(t),
    (t, catalog) => { const r = parseKernelHidLines(unwrapKernelLines(t)); return withHidNames(r.devices, r.hidNames, catalog); }),
  usbReader('kernel log (dmesg) SCSI lines of a USB drive', (t) => /scsi \d+:\d+:\d+:\d+: (?:Direct-Access|CD-ROM)\s/.test(t) && !/New USB device found/.test(t), parseScsiInquiryLines),
  usbReader('udevadm info', (t) => /^(?:E:\s*)?ID_(?:USB_)?VENDOR_ID=[0-9a-f]{4}\s*$/im.test(t) || /ATTRS?\{idVendor\}=="[0-9a-f]{4}"/.test(t), parseUdevadm),
  usbReader('hwinfo --usb', (t) => /^(?:> ?)?\d+: USB [\d.]+: /m.test(t) && /^\s*Vendor: usb 0x[0-9a-f]{4}/m.test(t), parseHwinfoUsb),
  usbReader('USB descriptor report (USBView / USB Device Tree Viewer / USB Descriptor Dumper)', (t) => (/^\s*idVendor\s*[:=]?\s*0x[0-9a-f]{4}/im.test(t) && /^\s*idProduct\s*[:=]?\s*0x[0-9a-f]{4}/im.test(t)) || /^0x[0-9a-f]{4}\t+idVendor\b/im.test(t) || (/^Vendor ID\s+: 0x[0-9a-f]{4}/im.test(t) && /^Product ID\s+: 0x[0-9a-f]{4}/im.test(t)), parseUsbDescriptorReport),
  usbReader('system_profiler SPUSBDataType -json', (t) => /"SPUSBDataType"\s*:/.test(t), parseSystemProfilerUsbJson),
  usbReader('ioreg (USB devices)', (t) => /<class IOUSB(Host)?Device[,>]/.test(t), usbFromIoreg),
  usbReader('pnputil /enum-devices', (t) => /^Instance ID:\s+(USB|HID)\\VID_/im.test(t), (t) => usbFromPnp(parsePnputilBlocks(t)), { covers: ['Windows PnP device list'] }),
  usbReader('system_profiler SPUSBDataType', (t) => /^\s*USB:\s*$/m.test(t) || (/Product ID: 0x/.test(t) && /Vendor ID: 0x/.test(t)), parseSystemProfilerUsb),
  usbReader('Get-PnpDeviceProperty', (t) => /USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4}\S*\s+DEVPKEY_/i.test(t) || (/^\s*KeyName\s*:\s*DEVPKEY_/m.test(t) && /^\s*InstanceId\s*:\s*USB\\VID_/im.test(t)), parsePnpDeviceProperties, { covers: ['Windows PnP device list'] }),
  usbReader('Get-PnpDevice | Format-List', (t) => /^\s*(InstanceId|DeviceID|PNPDeviceID)\s*:\s*(USB|HID)\\VID_/im.test(t), parsePnpFormatList, { covers: ['Windows PnP device list'] }),
  usbReader('Windows PnP device list', (t) => /USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4}/i.test(t), parsePnp),
  // by-path links ("pci-0000:00:14.0-usb-0:1:1.0-event-kbd -> ../event6") name only the port a device is on: recognised, to say so.
  usbReader('udev /dev/input/by-id or by-path (or /dev/serial/by-id) listing', (t) => /(^|\s)usb-\S+-(event-(kbd|mouse|joystick)|if\d+|port\d+|mouse|kbd)\b/m.test(t) || /(^|\s)(pci|platform)-\S+?-usb-[\d:.]+-(event-)?(kbd|mouse|joystick)\s+->/m.test(t), (t, catalog) => namedDevices(parseByIdListing(t), catalog, 'by-id'),
    { empty: 'a by-id listing names devices without their USB ids (a by-path listing only the ports they are on), and none of the names is a KVM the catalog knows: give `lsusb` or `udevadm info` of the same machine for the ids' }),
  usbReader('FreeBSD usbconfig / dmesg USB lines', (t) => /^\s*(?:.*?\bkernel:\s+)?ugen\d+\.\d+: <[^>]+> at usbus\d+/m.test(t), (t, catalog) => namedDevices(parseFreebsdUsbNames(t), catalog, 'FreeBSD'),
    { empty: 'FreeBSD names USB devices without their ids (give `usbconfig dump_device_desc` for the ids), and none of the names is a KVM the catalog knows' }),
  { format: 'ps', test: (t) => /^\s*(USER|UID)\s+PID\s/m.test(t), read: (t, _f, facts) => add(facts, 'processes', parsePs(t)) },
  { format: 'Volatility pslist / pstree', test: (t) => /^[\s.]*0x[0-9a-f]+:\S+\s+\d+\s+\d+\s/im.test(t), read: (t, _f, facts) => add(facts, 'processes', parseVolatilityProcesses(t)), covers: ['ps rows (no header)'] },
  { format: 'ps rows (no header)', test: (t) => !/^\s*(USER|UID)\s+PID\s/m.test(t) && !/\bHandles\b.*\bProcessName\b/.test(t) && parsePsRows(t).length > 0, read: (t, _f, facts) => add(facts, 'processes', parsePsRows(t)) },
  { format: 'top / htop', test: (t) => /^\s*PID\s+USER\s+.*\b(COMMAND|Command)\s*$/m.test(t), read: (t, _f, facts) => add(facts, 'processes', parseTop(t)) },
  { format: 'tasklist', test: (t) => /^Image Name\s+PID\s+Session Name/m.test(t) || /^"Image Name","PID"/m.test(t) || /^\S.*?\.exe\s+\d+\s+(Services|Console|RDP-Tcp#\d+)\s+\d+\s+[\d,. \u00a0\u202f]+ (K|Ko|KB)\b/m.test(t), read: (t, _f, facts) => add(facts, 'processes', parseTasklist(t)) },
  { format: 'Get-Process', test: (t) => /\bHandles\b.*\bId\b.*\bProcessName\b/.test(t), read: (t, _f, facts) => add(facts, 'processes', parseGetProcess(t)) },
  { format: 'wmic process', test: (t) => (/^\s*(?:Node,)?.*\b(Name|Caption)\b.*\bProcessId\b/m.test(t) && !/\bHandles\b.*\bProcessName\b/.test(t)) || (/^Name=\S+\.exe\s*$/m.test(t) && /^ProcessId=\d+/m.test(t)), read: (t, _f, facts) => add(facts, 'processes', parseWmicProcess(t)) },
  // ASCII pstree (into a pipe or file): a root line "init(1)-+-child" and a child line "   |-name" or "   `-name".
  { format: 'pstree', test: (t) => /^\s*\S+[─┬]{2,}/m.test(t) || /^\s*(systemd|init|launchd)(\(\d+\))?[-─][-─+┬]/m.test(t) || (/^[\w.@:-]+(?:\(\d+\))?-[+-]-[\w{]/m.test(t) && /^ +(?:\| +)*[|`]-[\w{]/m.test(t)), read: (t, _f, facts) => add(facts, 'processes', parsePstree(t)) },
  { format: 'audit log (EXECVE / SYSCALL)', test: (t) => /type=(EXECVE|SYSCALL) msg=audit\(/.test(t), read: (t, _f, facts) => add(facts, 'processes', parseAuditExec(t)) },
  { format: 'systemctl status', test: (t) => new RegExp(`^${STATUS_HEAD.source}`, 'm').test(t), read: (t, _f, facts) => {
    const r = parseSystemctlStatus(t);
    return add(facts, 'services', r.services) + add(facts, 'processes', r.processes);
  }, covers: ['systemctl list-units / list-unit-files'] },
  { format: 'systemctl list-units / list-unit-files', test: (t) => /^\s*(UNIT|UNIT FILE)\s+(LOAD|STATE)\b/m.test(t) || /^[●*]?\s*[\w@:.\\-]+\.service\s+(loaded|not-found|masked)\s+(active|inactive|failed)\s+\S+/m.test(t) || /^[\w@:.\\-]+\.service\s+(enabled|disabled|static|masked|generated|indirect|alias)(\s+(enabled|disabled|-))?\s*$/m.test(t),
    read: (t, _f, facts) => add(facts, 'services', parseSystemctlList(t)) },
  { format: 'service --status-all', test: (t) => /^\s*\[ [+?-] \]\s+\S+\s*$/m.test(t), read: (t, _f, facts) => add(facts, 'services', parseServiceStatusAll(t)) },
  { format: 'launchctl list', test: (t) => /^PID\s+Status\s+Label\s*$/m.test(t) || /^(-|\d+)\t-?\d+\t[\w.@-]+\s*$/m.test(t), read: (t, _f, facts) => add(facts, 'services', parseLaunchctlList(t)) },
  { format: 'sc query', test: (t) => /^\s*SERVICE_NAME\s*:\s*\S/m.test(t), read: (t, _f, facts) => add(facts, 'services', parseScQuery(t)) },
  { format: 'Get-Service', test: (t) => /^\s*Status\s+Name\s+DisplayName\s*$/m.test(t) || (/^\s*(Name|ServiceName)\s*:\s*\S/m.test(t) && /^\s*Status\s*:\s*(Running|Stopped)\b/m.test(t)), read: (t, _f, facts) => add(facts, 'services', parseGetService(t)) },
  { format: 'Autoruns CSV', test: (t) => /"?Entry Location"?,/.test(t) && /Image Path/.test(t), read: (t, _f, facts) => {
    const r = parseAutorunsCsv(t);
    return add(facts, 'services', r.services) + add(facts, 'apps', r.apps);
  } },
  { format: 'lsof -i', test: (t) => /^COMMAND\s+PID\s+USER\s+FD\s+TYPE\s+DEVICE/m.test(t), read: (t, _f, facts) => sockets(facts, parseLsofI(t)) },
  { format: 'ss', test: (t) => /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port/m.test(t) || /users:\(\("[^"]+",pid=\d+/.test(t), read: (t, _f, facts) => sockets(facts, parseSs(t)) },
  { format: 'netstat', test: (t) => /^\s*Proto\s+(Recv-Q\s+Send-Q\s+)?Local Address\s+Foreign Address/m.test(t) || /^\s*(TCP|UDP)\s+\S+:\d+\s+\S+\s+(LISTENING|ESTABLISHED)?\s*\d*\s*\r?\n\s*\[[^\]]+\]/m.test(t), read: (t, _f, facts) => sockets(facts, parseNetstat(t)) },
  { format: 'dpkg -l', test: (t) => /^\|\|\/ Name\s+Version/m.test(t) || /^Desired=Unknown\/Install/m.test(t), read: (t, _f, facts) => add(facts, 'apps', parseDpkgList(t)) },
  { format: 'winget list', test: (t) => /^Name\s+Id\s+Version/m.test(t.replace(/^.*\r/gm, '')), read: (t, _f, facts) => add(facts, 'apps', parseWingetList(t)) },
  { format: 'remote-access session log', test: (t) => sessionLogKind(t) !== undefined, read: (t, f, facts) => add(facts, 'sessions', parseSessionLog(t, f)) },
];

function sockets(facts: HostFacts, l: SocketListing): number {
  add(facts, 'processes', l.processes);
  return add(facts, 'sockets', l.sockets);
}

/** What the free-text reading adds: the catalog's tokens in a file, kept apart from facts (they are mentions, not observations). */
export interface FreeTextFile { file: string; mentions: Mention[] }

/**
 * Reads one file's bytes into `facts`; says what it was, or why it could not be read. Every
 * reader whose format the content shows takes the file (a forum post may hold lsusb and dmesg
 * output); the catalog's distinctive tokens are then searched in the whole text as free text, and
 * what they name that the readers did not is put in `freeText` (inspect-files.ts says so in the
 * file's format when the detectors did not find those entries from the facts).
 */
export function inspectBytes(file: string, bytes: Buffer, facts: HostFacts, catalog: Catalog = builtinCatalog(), freeText: FreeTextFile[] = []): InspectedFile {
  const binaryEdid = edidFromBinary(bytes);
  if (binaryEdid) {
    add(facts, 'displays', binaryEdid.map((e) => ({ connector: `${file}`, connected: true, internal: false, edid: e.bytes })));
    return { file, format: 'EDID (binary)', items: 1 };
  }
  if (bytes.includes(0) && !(bytes[0] === 0xff && bytes[1] === 0xfe) && bytes.indexOf(0) < 64 && bytes.length > 2 && bytes[1] !== 0) {
    return { file, items: 0, problem: 'binary data that is not an EDID (no 00 ff ff ff ff ff ff 00 header)' };
  }
  const text = decodeLogText(bytes).replace(/\r\n/g, '\n');
  const edid = edidsFromText(text);
  if (edid) {
    add(facts, 'displays', edid.edids.map((e) => ({ connector: edid.edids.length > 1 ? `${file}:${e.label}` : file, connected: true, internal: false, edid: e.bytes })));
    return { file, format: edid.format, items: edid.edids.length };
  }
  const took: { r: Reader; items: number }[] = [];
  const covered = new Set<string>();
  const before = snapshot(facts);
  for (const r of READERS) {
    if (covered.has(r.format) || !r.test(text)) continue;
    took.push({ r, items: r.read(text, file, facts, catalog) });
    for (const c of r.covers ?? []) covered.add(c);
  }
  const read = took.filter((t) => t.items > 0);
  const mentions = freeTextMentions(text, catalog).filter((m) => !namedByFacts(m, facts, before));
  if (mentions.length > 0) freeText.push({ file, mentions });
  const items = read.reduce((n, t) => n + t.items, 0);
  if (read.length > 0) {
    return { file, format: read.map((t) => t.r.format).join(' + '), items };
  }
  if (mentions.length > 0) {
    const why = took.length > 0 ? `looks like ${took[0]?.r.format ?? ''} output but no entry could be read; ` : '';
    return { file, format: `free text (${why}catalog names matched with lower confidence)`, items: mentions.length };
  }
  const first = took[0];
  if (first) return { file, format: first.r.format, items: 0, problem: first.r.empty ?? `looks like ${first.r.format} output but no entry could be read from it` };
  return { file, format: 'free text (no format inspect knows; no USB id, program, path, service or relay host of the catalog in it)', items: 0 };
}

/** Lengths of the fact lists before a file was read. */
function snapshot(facts: HostFacts): Record<string, number> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, Array.isArray(v) ? v.length : 0]));
}

/** Whether a mention is already a fact this file's readers gave (same ids or same program name): then it adds nothing. */
function namedByFacts(m: Mention, facts: HostFacts, before: Record<string, number>): boolean {
  const v = m.value.toLowerCase();
  if (m.kind === 'usb ids') return (facts.usb ?? []).slice(before.usb ?? 0).some((d) => v.startsWith(`${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`));
  if (m.kind === 'program') return (facts.processes ?? []).slice(before.processes ?? 0).some((p) => p.name.toLowerCase() === v || p.argv0?.toLowerCase() === v);
  if (m.kind === 'service') return (facts.services ?? []).slice(before.services ?? 0).some((s) => s.name.toLowerCase() === v);
  return false;
}

/** The platform recorded files come from, for process names: Windows formats or .exe names, macOS formats, else Linux. */
export function guessPlatform(files: readonly InspectedFile[], facts: HostFacts): Platform {
  if (files.some((f) => /tasklist|Get-Process|winget|PnP|pnputil|sc query|Get-Service|wmic|Autoruns|USB descriptor report/.test(f.format ?? '')) || facts.processes?.some((p) => /\.exe$/i.test(p.name))) return Platform.PLATFORM_WINDOWS;
  if (files.some((f) => /system_profiler|ioreg|launchctl/.test(f.format ?? ''))) return Platform.PLATFORM_MACOS;
  return Platform.PLATFORM_LINUX;
}
