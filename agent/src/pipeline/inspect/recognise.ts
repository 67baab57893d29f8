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

export interface InspectedFile {
  file: string;
  format?: string;
  items: number;
  problem?: string;
}

type Reader = { format: string; test: (text: string) => boolean; read: (text: string, file: string, facts: HostFacts) => number; empty?: string };

const add = <K extends keyof HostFacts>(facts: HostFacts, k: K, items: NonNullable<HostFacts[K]>): number => {
  const list = items as unknown[];
  facts[k] = [...((facts[k] as unknown[] | undefined) ?? []), ...list] as HostFacts[K];
  return list.length;
};

const READERS: Reader[] = [
  { format: 'usbhid-dump', test: (t) => /^\d{3}:\d{3}:\d{3}:DESCRIPTOR\s/m.test(t), read: (t, _f, facts) => attachHidDescriptors(facts.usb ?? [], parseUsbhidDump(t)),
    empty: 'usbhid-dump names devices by bus and device number only: give the `lsusb -v` (or `lsusb`) output of the same machine too' },
  { format: 'lsusb -v', test: (t) => /^Bus \d{3} Device \d{3}: ID [0-9a-f]{4}:[0-9a-f]{4}/m.test(t) && /Device Descriptor:/.test(t), read: (t, _f, facts) => add(facts, 'usb', parseLsusbVerbose(t)) },
  { format: 'lsusb', test: (t) => /^Bus \d{3} Device \d{3}: ID [0-9a-f]{4}:[0-9a-f]{4}/m.test(t), read: (t, _f, facts) => add(facts, 'usb', parseLsusb(t)) },
  { format: 'kernel log (dmesg) USB lines', test: (t) => /New USB device found, idVendor=/.test(t), read: (t, _f, facts) => add(facts, 'usb', parseDmesgUsb(t)) },
  { format: 'system_profiler SPUSBDataType -json', test: (t) => /"SPUSBDataType"\s*:/.test(t), read: (t, _f, facts) => add(facts, 'usb', parseSystemProfilerUsbJson(t)) },
  { format: 'ioreg (USB devices)', test: (t) => /<class IOUSB(Host)?Device[,>]/.test(t), read: (t, _f, facts) => add(facts, 'usb', usbFromIoreg(t)) },
  { format: 'pnputil /enum-devices', test: (t) => /^Instance ID:\s+(USB|HID)\\VID_/im.test(t), read: (t, _f, facts) => add(facts, 'usb', usbFromPnp(parsePnputilBlocks(t))) },
  { format: 'system_profiler SPUSBDataType', test: (t) => /^\s*USB:\s*$/m.test(t) || (/Product ID: 0x/.test(t) && /Vendor ID: 0x/.test(t)), read: (t, _f, facts) => add(facts, 'usb', parseSystemProfilerUsb(t)) },
  { format: 'Windows PnP device list', test: (t) => /USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4}/i.test(t), read: (t, _f, facts) => add(facts, 'usb', parsePnp(t)) },
  { format: 'ps', test: (t) => /^\s*(USER|UID)\s+PID\s/m.test(t), read: (t, _f, facts) => add(facts, 'processes', parsePs(t)) },
  { format: 'tasklist', test: (t) => /^Image Name\s+PID\s+Session Name/m.test(t) || /^"Image Name","PID"/m.test(t), read: (t, _f, facts) => add(facts, 'processes', parseTasklist(t)) },
  { format: 'Get-Process', test: (t) => /\bHandles\b.*\bId\b.*\bProcessName\b/.test(t), read: (t, _f, facts) => add(facts, 'processes', parseGetProcess(t)) },
  { format: 'dpkg -l', test: (t) => /^\|\|\/ Name\s+Version/m.test(t) || /^Desired=Unknown\/Install/m.test(t), read: (t, _f, facts) => add(facts, 'apps', parseDpkgList(t)) },
  { format: 'winget list', test: (t) => /^Name\s+Id\s+Version/m.test(t.replace(/^.*\r/gm, '')), read: (t, _f, facts) => add(facts, 'apps', parseWingetList(t)) },
  { format: 'remote-access session log', test: (t) => sessionLogKind(t) !== undefined, read: (t, f, facts) => add(facts, 'sessions', parseSessionLog(t, f)) },
];

/** Reads one file's bytes into `facts`; says what it was, or why it could not be read. */
export function inspectBytes(file: string, bytes: Buffer, facts: HostFacts): InspectedFile {
  const binaryEdid = edidFromBinary(bytes);
  if (binaryEdid) {
    add(facts, 'displays', binaryEdid.map((e) => ({ connector: `${file}`, connected: true, internal: false, edid: e.bytes })));
    return { file, format: 'EDID (binary)', items: 1 };
  }
  if (bytes.includes(0) && !(bytes[0] === 0xff && bytes[1] === 0xfe) && bytes.indexOf(0) < 64 && bytes.length > 2 && bytes[1] !== 0) {
    return { file, items: 0, problem: 'binary data that is not an EDID (no 00 ff ff ff ff ff ff 00 header)' };
  }
  const text = decodeLogText(bytes);
  const edid = edidsFromText(text);
  if (edid) {
    add(facts, 'displays', edid.edids.map((e) => ({ connector: edid.edids.length > 1 ? `${file}:${e.label}` : file, connected: true, internal: false, edid: e.bytes })));
    return { file, format: edid.format, items: edid.edids.length };
  }
  for (const r of READERS) {
    if (!r.test(text)) continue;
    const items = r.read(text, file, facts);
    return items > 0 ? { file, format: r.format, items } : { file, format: r.format, items: 0, problem: r.empty ?? `looks like ${r.format} output but no entry could be read from it` };
  }
  return { file, items: 0, problem: 'not a format inspect knows (EDID, lsusb, dmesg, system_profiler, PnP list, ps, tasklist, Get-Process, dpkg -l, winget list, AnyDesk/TeamViewer logs)' };
}

/** The platform recorded files come from, for process names: Windows formats or .exe names, macOS formats, else Linux. */
export function guessPlatform(files: readonly InspectedFile[], facts: HostFacts): Platform {
  if (files.some((f) => /tasklist|Get-Process|winget|PnP|pnputil/.test(f.format ?? '')) || facts.processes?.some((p) => /\.exe$/i.test(p.name))) return Platform.PLATFORM_WINDOWS;
  if (files.some((f) => /system_profiler|ioreg/.test(f.format ?? ''))) return Platform.PLATFORM_MACOS;
  return Platform.PLATFORM_LINUX;
}
