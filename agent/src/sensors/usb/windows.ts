// USB devices on Windows from Plug and Play: one `pnputil /enum-devices /connected /ids` (Windows 10
// 2004 and later) lists every present device node with its hardware and compatible ids.
// USB\VID_xxxx&PID_yyyy\serial is a device; USB\...&MI_nn nodes are its interfaces, whose compatible
// ids name the interface class triple (USB\Class_03&SubClass_01&Prot_01); HID\VID_...(&MI_nn)(&Colnn)
// nodes are the top-level collections of a HID interface, whose ids name the collection's usage
// page and usage (pnp-ids.ts). Windows hands out no report descriptor, so whether a mouse collection
// reports absolute X/Y is asked separately, only where it matters (hid-caps-windows.ts). Windows 11
// calls the flag /deviceids; older pnputil without either flag still lists the nodes and their PnP
// classes (Keyboard, Mouse, HIDClass, DiskDrive, Net, Image), which is all that is left then.
import { runCommand, tryCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import { pointerModes, type PointerMode } from './hid-caps-windows.js';
import { hidCollectionFromIds, isKeyboardCollection, isPointerCollection, revisionFromIds, usbTripleFromIds } from './pnp-ids.js';
import type { HidCollectionFact, UsbDeviceFact, UsbInterfaceFact } from './types.js';

export const PNPUTIL_CONNECTED = { file: 'pnputil.exe', args: ['/enum-devices', '/connected'] } as const;
export const PNPUTIL_CONNECTED_IDS = { file: 'pnputil.exe', args: ['/enum-devices', '/connected', '/ids'] } as const;
export const PNPUTIL_CONNECTED_DEVICEIDS = { file: 'pnputil.exe', args: ['/enum-devices', '/connected', '/deviceids'] } as const;

export interface PnpNode {
  instanceId: string;
  description?: string;
  className?: string;
  manufacturer?: string;
  hardwareIds?: string[];
  compatibleIds?: string[];
}

/**
 * `pnputil /enum-devices` blocks ("Instance ID:", "Device Description:", "Class Name:", "Manufacturer
 * Name:", and with /ids "Hardware IDs:" and "Compatible IDs:", whose further ids are on the
 * following lines, indented to the value column).
 */
export function parsePnputilBlocks(text: string): PnpNode[] {
  const out: PnpNode[] = [];
  let cur: PnpNode | undefined;
  let list: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z][A-Za-z ]+?):\s+(.*?)\s*$/.exec(line);
    if (!m) {
      const more = line.trim();
      if (more && list) list.push(more);
      continue;
    }
    const [, key = '', value = ''] = m;
    list = undefined;
    if (key === 'Instance ID') { cur = { instanceId: value.replace(/\\\\/g, '\\') }; out.push(cur); continue; }
    if (!cur) continue;
    if (key === 'Device Description') cur.description = value;
    else if (key === 'Class Name') cur.className = value;
    else if (key === 'Manufacturer Name') cur.manufacturer = value;
    else if (key === 'Hardware IDs') { cur.hardwareIds = value ? [value] : []; list = cur.hardwareIds; }
    else if (key === 'Compatible IDs') { cur.compatibleIds = value ? [value] : []; list = cur.compatibleIds; }
  }
  return out;
}

const ID = /^(USB|HID)\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&REV_[0-9A-F]{4})?(?:&MI_([0-9A-F]{2}))?(?:&[^\\]*)?\\(.+)$/i;

const idsOf = (n: PnpNode): string[] => [...(n.hardwareIds ?? []), ...(n.compatibleIds ?? [])];

function interfaceOf(number: number, n: PnpNode): UsbInterfaceFact {
  const triple = usbTripleFromIds(n.compatibleIds ?? [], 'Class');
  const cls = (n.className ?? '').toLowerCase();
  const hidKind = cls === 'keyboard' ? 'Keyboard' : cls === 'mouse' ? 'Mouse' : undefined;
  if (triple) return { number, interfaceClass: triple.cls, interfaceSubclass: triple.sub, interfaceProtocol: triple.proto, ...(hidKind ? { hidKind } : {}) };
  if (hidKind) return { number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind };
  if (cls === 'diskdrive' || cls === 'cdrom' || /mass storage/i.test(n.description ?? '')) return { number, interfaceClass: 8, interfaceSubclass: 6, interfaceProtocol: 0x50 };
  // PnP class Net under a composite USB device: RNDIS or CDC-ECM (the class tells no more).
  if (cls === 'net') return { number, interfaceClass: 0xe0, interfaceSubclass: 0x01, interfaceProtocol: 0x03 };
  if (cls === 'image' || cls === 'camera') return { number, interfaceClass: 0x0e, interfaceSubclass: 0x01, interfaceProtocol: 0 };
  if (cls === 'media') return { number, interfaceClass: 0x01, interfaceSubclass: 0x01, interfaceProtocol: 0 };
  if (cls === 'hidclass') return { number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0 };
  return { number, interfaceClass: 0xff, interfaceSubclass: 0, interfaceProtocol: 0 };
}

/**
 * Devices from PnP nodes; `modes` gives the absolute or relative X/Y of mouse collections by their
 * HID instance id (upper case), where it was asked (hid-caps-windows.ts).
 */
export function usbFromPnp(nodes: readonly PnpNode[], modes: ReadonlyMap<string, PointerMode> = new Map()): UsbDeviceFact[] {
  const devices = new Map<string, UsbDeviceFact>();
  /** Interfaces whose class triple came from the interface's own compatible ids (not from a PnP class). */
  const exact = new WeakSet<UsbInterfaceFact>();
  const key = (vid: string, pid: string): string => `${vid}:${pid}`.toLowerCase();
  const get = (vid: string, pid: string): UsbDeviceFact => {
    const k = key(vid, pid);
    let d = devices.get(k);
    if (!d) {
      d = { vendorId: Number.parseInt(vid, 16), productId: Number.parseInt(pid, 16), deviceClass: 0, deviceSubclass: 0, deviceProtocol: 0, portPath: k, rootHub: false, interfaces: [], interfacesKnown: false };
      devices.set(k, d);
    }
    return d;
  };
  const interfaceAt = (d: UsbDeviceFact, number: number, n: PnpNode): UsbInterfaceFact => {
    const i = interfaceOf(number, n);
    const existing = d.interfaces.find((x) => x.number === number);
    d.interfacesKnown = true;
    if (!existing) {
      d.interfaces.push(i);
      if (usbTripleFromIds(n.compatibleIds ?? [], 'Class')) exact.add(i);
      return i;
    }
    if (usbTripleFromIds(n.compatibleIds ?? [], 'Class') && !exact.has(existing)) {
      // The interface's own ids say more than a HID child's PnP class did.
      Object.assign(existing, { interfaceClass: i.interfaceClass, interfaceSubclass: i.interfaceSubclass, interfaceProtocol: i.interfaceProtocol });
      exact.add(existing);
    }
    // A HID child (Keyboard, Mouse) says more than its USB interface node (HIDClass).
    if (i.hidKind && !existing.hidKind) existing.hidKind = i.hidKind;
    return existing;
  };
  for (const n of nodes) {
    const m = ID.exec(n.instanceId);
    if (!m) continue;
    const [, bus = '', vid = '', pid = '', mi, rest = ''] = m;
    const d = get(vid, pid);
    const isUsb = bus.toUpperCase() === 'USB';
    if (isUsb && mi === undefined) {
      // A device node: its description and, when the last part has no '&', the serial number.
      if (n.description && !/^USB Composite Device$/i.test(n.description)) d.product ??= n.description;
      if (n.manufacturer && !/^\(Standard/.test(n.manufacturer)) d.manufacturer ??= n.manufacturer;
      if (!rest.includes('&')) d.serial = rest;
      d.portPath = n.instanceId;
      const devClass = usbTripleFromIds(n.compatibleIds ?? [], 'DevClass');
      if (devClass) Object.assign(d, { deviceClass: devClass.cls, deviceSubclass: devClass.sub, deviceProtocol: devClass.proto });
      const rev = revisionFromIds(n.hardwareIds ?? []);
      if (rev !== undefined) d.bcdDevice = rev;
      if (devClass?.cls === 0x09 || ((n.className ?? '').toLowerCase() === 'usb' && /hub/i.test(n.description ?? ''))) d.hub = true;
      // A single-interface device: the device node is its interface (USB\Class_03&... among its ids).
      const single = usbTripleFromIds(n.compatibleIds ?? [], 'Class');
      if (single || (!d.interfaces.length && (n.className ?? '').toLowerCase() !== 'usb')) interfaceAt(d, 0, n);
      continue;
    }
    const number = mi === undefined ? 0 : Number.parseInt(mi, 16);
    const i = interfaceAt(d, number, n);
    if (isUsb) continue;
    const collection = hidCollectionFromIds(idsOf(n));
    if (!collection) continue;
    const fact: HidCollectionFact = { ...collection };
    const mode = isPointerCollection(collection) ? modes.get(n.instanceId.toUpperCase()) : undefined;
    if (mode) Object.assign(fact, mode);
    (i.hidCollections ??= []).push(fact);
  }
  for (const d of devices.values()) d.interfaces.sort((a, b) => a.number - b.number);
  return [...devices.values()];
}

/** HID mouse collections of devices that also have a keyboard collection: the ones whose mode decides. */
export function pointersToAsk(nodes: readonly PnpNode[]): string[] {
  const byDevice = new Map<string, { keyboard: boolean; pointers: string[] }>();
  for (const n of nodes) {
    const m = ID.exec(n.instanceId);
    if (!m || (m[1] ?? '').toUpperCase() !== 'HID') continue;
    const collection = hidCollectionFromIds(idsOf(n));
    if (!collection) continue;
    const k = `${m[2] ?? ''}:${m[3] ?? ''}`.toLowerCase();
    const entry = byDevice.get(k) ?? { keyboard: false, pointers: [] };
    byDevice.set(k, entry);
    if (isKeyboardCollection(collection)) entry.keyboard = true;
    if (isPointerCollection(collection)) entry.pointers.push(n.instanceId);
  }
  return [...byDevice.values()].filter((e) => e.keyboard).flatMap((e) => e.pointers);
}

/** pnputil with the ids flag this Windows knows (/ids on Windows 10, /deviceids on 11), else without. */
async function enumerate(ctx: SensorContext): Promise<PnpNode[]> {
  for (const cmd of [PNPUTIL_CONNECTED_IDS, PNPUTIL_CONNECTED_DEVICEIDS]) {
    const text = await tryCommand(ctx, cmd);
    const nodes = text === undefined ? [] : parsePnputilBlocks(text);
    if (nodes.some((n) => n.hardwareIds !== undefined)) return nodes;
  }
  return parsePnputilBlocks(await runCommand(ctx, PNPUTIL_CONNECTED));
}

export async function collectWindowsUsb(ctx: SensorContext): Promise<UsbDeviceFact[]> {
  const nodes = await enumerate(ctx);
  const ask = pointersToAsk(nodes);
  return usbFromPnp(nodes, ask.length > 0 ? await pointerModes(ctx, ask) : new Map());
}
