// USB devices on Windows from Plug and Play: one `pnputil /enum-devices /connected` (Windows 10
// 2004 and later) lists every present device node. USB\VID_xxxx&PID_yyyy\serial is a device;
// USB\...&MI_nn and HID\VID_...&MI_nn nodes are its interfaces, whose PnP class (Keyboard, Mouse,
// HIDClass, DiskDrive, Net, Image) is all Windows tells without a driver of our own: the HID report
// descriptor is not readable from user space, so pointers stay "HID of unknown kind".
import { runCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { UsbDeviceFact, UsbInterfaceFact } from './types.js';

export const PNPUTIL_CONNECTED = { file: 'pnputil.exe', args: ['/enum-devices', '/connected'] } as const;

interface PnpNode { instanceId: string; description?: string; className?: string; manufacturer?: string }

/** `pnputil /enum-devices` blocks ("Instance ID:", "Device Description:", "Class Name:", "Manufacturer Name:"). */
export function parsePnputilBlocks(text: string): PnpNode[] {
  const out: PnpNode[] = [];
  let cur: PnpNode | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z][A-Za-z ]+?):\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, key = '', value = ''] = m;
    if (key === 'Instance ID') { cur = { instanceId: value.replace(/\\\\/g, '\\') }; out.push(cur); continue; }
    if (!cur) continue;
    if (key === 'Device Description') cur.description = value;
    else if (key === 'Class Name') cur.className = value;
    else if (key === 'Manufacturer Name') cur.manufacturer = value;
  }
  return out;
}

const ID = /^(USB|HID)\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&REV_[0-9A-F]{4})?(?:&MI_([0-9A-F]{2}))?(?:&[^\\]*)?\\(.+)$/i;

function interfaceOf(number: number, n: PnpNode): UsbInterfaceFact {
  const cls = (n.className ?? '').toLowerCase();
  if (cls === 'keyboard') return { number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind: 'Keyboard' };
  if (cls === 'mouse') return { number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind: 'Mouse' };
  if (cls === 'diskdrive' || cls === 'cdrom' || /mass storage/i.test(n.description ?? '')) return { number, interfaceClass: 8, interfaceSubclass: 6, interfaceProtocol: 0x50 };
  // PnP class Net under a composite USB device: RNDIS or CDC-ECM (the class tells no more).
  if (cls === 'net') return { number, interfaceClass: 0xe0, interfaceSubclass: 0x01, interfaceProtocol: 0x03 };
  if (cls === 'image' || cls === 'camera') return { number, interfaceClass: 0x0e, interfaceSubclass: 0x01, interfaceProtocol: 0 };
  if (cls === 'media') return { number, interfaceClass: 0x01, interfaceSubclass: 0x01, interfaceProtocol: 0 };
  if (cls === 'hidclass') return { number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0 };
  return { number, interfaceClass: 0xff, interfaceSubclass: 0, interfaceProtocol: 0 };
}

export function usbFromPnp(nodes: readonly PnpNode[]): UsbDeviceFact[] {
  const devices = new Map<string, UsbDeviceFact>();
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
  for (const n of nodes) {
    const m = ID.exec(n.instanceId);
    if (!m) continue;
    const [, bus = '', vid = '', pid = '', mi, rest = ''] = m;
    const d = get(vid, pid);
    if (bus.toUpperCase() === 'USB' && mi === undefined) {
      // A device node: its description and, when the last part has no '&', the serial number.
      if (n.description && !/^USB Composite Device$/i.test(n.description)) d.product ??= n.description;
      if (n.manufacturer && !/^\(Standard/.test(n.manufacturer)) d.manufacturer ??= n.manufacturer;
      if (!rest.includes('&')) d.serial = rest;
      d.portPath = n.instanceId;
      if ((n.className ?? '').toLowerCase() === 'usb' && /hub/i.test(n.description ?? '')) d.hub = true;
      if (!d.interfaces.length && (n.className ?? '').toLowerCase() !== 'usb') { d.interfaces.push(interfaceOf(0, n)); d.interfacesKnown = true; }
      continue;
    }
    const number = mi === undefined ? 0 : Number.parseInt(mi, 16);
    const i = interfaceOf(number, n);
    const existing = d.interfaces.find((x) => x.number === number);
    // A HID child (Keyboard, Mouse) says more than its USB interface node (HIDClass).
    if (!existing) d.interfaces.push(i);
    else if (i.hidKind && !existing.hidKind) Object.assign(existing, i);
    d.interfacesKnown = true;
  }
  for (const d of devices.values()) d.interfaces.sort((a, b) => a.number - b.number);
  return [...devices.values()];
}

export async function collectWindowsUsb(ctx: SensorContext): Promise<UsbDeviceFact[]> {
  return usbFromPnp(parsePnputilBlocks(await runCommand(ctx, PNPUTIL_CONNECTED)));
}
