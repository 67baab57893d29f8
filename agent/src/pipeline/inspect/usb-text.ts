// USB device lists as analysts receive them: `lsusb`, `lsusb -v`, kernel log (dmesg) lines,
// macOS `system_profiler SPUSBDataType` and Windows PnP lists (Get-PnpDevice, pnputil, instance ids).
import type { UsbDeviceFact, UsbInterfaceFact } from '../../sensors/usb/types.js';
import { summarizeHidDescriptor } from '../../sensors/usb/hid-descriptor.js';
import { scsiDevice, scsiInquiry } from './usb-linux-text.js';

// Item tags by the names lsusb prints (HID 1.11, 6.2.2.4-6.2.2.8).
const ITEM_TAGS: Record<string, Record<string, number>> = {
  Main: { Input: 8, Output: 9, Collection: 10, Feature: 11, 'End Collection': 12 },
  Global: { 'Usage Page': 0, 'Logical Minimum': 1, 'Logical Maximum': 2, 'Physical Minimum': 3, 'Physical Maximum': 4, 'Unit Exponent': 5, Unit: 6, 'Report Size': 7, 'Report ID': 8, 'Report Count': 9, Push: 10, Pop: 11 },
  Local: { Usage: 0, 'Usage Minimum': 1, 'Usage Maximum': 2, 'Designator Index': 3, 'Designator Minimum': 4, 'Designator Maximum': 5, 'String Index': 7, 'String Minimum': 8, 'String Maximum': 9, Delimiter: 10 },
};
const ITEM_TYPES: Record<string, number> = { Main: 0, Global: 1, Local: 2 };

/**
 * The report descriptor bytes back from `lsusb -v`'s decoded items (printed when lsusb may read
 * the descriptor: run as root with the interface unbound): "Item(Global): Usage Page, data= [ 0x01 ] 1".
 * Undefined when an item is one lsusb names but this table does not.
 */
export function reportDescriptorFromLsusbItems(block: string): Buffer | undefined {
  const bytes: number[] = [];
  for (const m of block.matchAll(/Item\((Main|Global|Local)\s*\):\s*([A-Za-z ]+?),\s*data=\s*(?:\[\s*((?:0x[0-9a-f]{2}\s*)*)\]|none)/gi)) {
    const type = ITEM_TYPES[m[1] ?? ''];
    const tag = ITEM_TAGS[m[1] ?? '']?.[m[2] ?? ''];
    if (type === undefined || tag === undefined) return undefined;
    const data = (m[3] ?? '').trim().split(/\s+/).filter(Boolean).map((h) => Number.parseInt(h, 16));
    if (data.length === 3) data.push(0);
    const sizeCode = data.length === 4 ? 3 : data.length;
    bytes.push((tag << 4) | (type << 2) | sizeCode, ...data);
  }
  return bytes.length > 0 ? Buffer.from(bytes) : undefined;
}

/**
 * `usbhid-dump` output: "BUS:DEV:IFACE:DESCRIPTOR  timestamp" then hex lines, per interface. The
 * descriptors are attached to the devices `lsusb` listed with the same bus and device numbers.
 */
export function parseUsbhidDump(text: string): { bus: number; device: number; iface: number; bytes: Buffer }[] {
  const out: { bus: number; device: number; iface: number; bytes: Buffer }[] = [];
  for (const block of text.split(/^(?=\d{3}:\d{3}:\d{3}:DESCRIPTOR)/m)) {
    const head = /^(\d{3}):(\d{3}):(\d{3}):DESCRIPTOR/.exec(block);
    if (!head) continue;
    const hex = block.split('\n').slice(1).join(' ').replace(/[^0-9a-f]/gi, '');
    if (hex.length >= 2) out.push({ bus: Number(head[1]), device: Number(head[2]), iface: Number(head[3]), bytes: Buffer.from(hex.slice(0, hex.length - (hex.length % 2)), 'hex') });
  }
  return out;
}

/** Attaches usbhid-dump descriptors to `lsusb` devices (portPath "busBBB-devDDD"); says how many found a device. */
export function attachHidDescriptors(devices: UsbDeviceFact[], dumps: ReturnType<typeof parseUsbhidDump>): number {
  let attached = 0;
  for (const d of dumps) {
    const dev = devices.find((x) => x.portPath === `bus${String(d.bus).padStart(3, '0')}-dev${String(d.device).padStart(3, '0')}`);
    if (!dev) continue;
    let i = dev.interfaces.find((x) => x.number === d.iface);
    if (!i) { i = { number: d.iface, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0 }; dev.interfaces.push(i); }
    i.hidReportDescriptor = d.bytes;
    i.hid = summarizeHidDescriptor(d.bytes);
    attached++;
  }
  return attached;
}

const hex = (s: string | undefined): number => Number.parseInt(s ?? '0', 16) || 0;

function device(vid: number, pid: number, portPath: string): UsbDeviceFact {
  return { vendorId: vid, productId: pid, deviceClass: 0, deviceSubclass: 0, deviceProtocol: 0, portPath, rootHub: vid === 0x1d6b && pid <= 3, interfaces: [] };
}

/** `lsusb`: "Bus 001 Device 002: ID 1d6b:0104 Linux Foundation Multifunction Composite Gadget" */
export function parseLsusb(text: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  for (const m of text.matchAll(/^Bus (\d{3}) Device (\d{3}): ID ([0-9a-f]{4}):([0-9a-f]{4})[ \t]*(.*)$/gim)) {
    const d = device(hex(m[3]), hex(m[4]), `bus${m[1]}-dev${m[2]}`);
    d.interfacesKnown = false;
    if (m[5]) d.product = m[5].trim();
    out.push(d);
  }
  return out;
}

const field = (block: string, name: string): string | undefined => new RegExp(`^\\s*${name}\\s+(.*)$`, 'm').exec(block)?.[1]?.trim();
/** "iManufacturer           1 PiKVM" -> "PiKVM"; "0x1d6b Linux Foundation" -> number. */
const stringField = (block: string, name: string): string | undefined => {
  const v = field(block, name);
  const m = v === undefined ? null : /^\d+\s*(.*)$/.exec(v);
  return m?.[1] ? m[1].trim() : undefined;
};
const numField = (block: string, name: string): number => {
  const v = field(block, name);
  if (!v) return 0;
  const m = /^(0x[0-9a-f]+|\d+)/i.exec(v);
  return m?.[1] ? Number(m[1]) : 0;
};

/** `lsusb -v`: one "Bus ... Device ...:" header per device, then its descriptors. */
export function parseLsusbVerbose(text: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  const parts = text.split(/^(?=Bus \d{3} Device \d{3}: ID )/m).filter((p) => /^Bus \d{3} Device/.test(p));
  for (const part of parts) {
    const head = /^Bus (\d{3}) Device (\d{3}): ID ([0-9a-f]{4}):([0-9a-f]{4})/i.exec(part);
    if (!head) continue;
    const d = device(hex(head[3]), hex(head[4]), `bus${head[1]}-dev${head[2]}`);
    const devBlock = part.split(/^\s*Configuration Descriptor:/m)[0] ?? part;
    d.deviceClass = numField(devBlock, 'bDeviceClass');
    d.deviceSubclass = numField(devBlock, 'bDeviceSubClass');
    d.deviceProtocol = numField(devBlock, 'bDeviceProtocol');
    d.hub = d.deviceClass === 9;
    const man = stringField(devBlock, 'iManufacturer');
    const prod = stringField(devBlock, 'iProduct');
    const serial = stringField(devBlock, 'iSerial');
    if (man) d.manufacturer = man;
    if (prod) d.product = prod;
    if (serial) d.serial = serial;
    const bcd = field(devBlock, 'bcdDevice');
    if (bcd) d.bcdDevice = Number.parseInt(bcd.replace('.', ''), 16);
    for (const intf of part.split(/^\s*Interface Descriptor:/m).slice(1)) {
      const i: UsbInterfaceFact = {
        number: numField(intf, 'bInterfaceNumber'), interfaceClass: numField(intf, 'bInterfaceClass'),
        interfaceSubclass: numField(intf, 'bInterfaceSubClass'), interfaceProtocol: numField(intf, 'bInterfaceProtocol'),
      };
      const alt = numField(intf, 'bAlternateSetting');
      if (alt !== 0 && d.interfaces.some((x) => x.number === i.number)) continue;
      const rd = i.interfaceClass === 3 ? reportDescriptorFromLsusbItems(intf) : undefined;
      if (rd) { i.hidReportDescriptor = rd; i.hid = summarizeHidDescriptor(rd); }
      d.interfaces.push(i);
    }
    d.interfacesKnown = true;
    out.push(d);
  }
  return out;
}

/** Kernel log lines: "usb 1-1: New USB device found, idVendor=1d6b, idProduct=0104", its strings, its HID and SCSI lines. */
export function parseDmesgUsb(text: string): UsbDeviceFact[] {
  const byPort = new Map<string, UsbDeviceFact>();
  const order: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const found = /usb (\d+-[\d.]+): New USB device found, idVendor=([0-9a-f]{4}), idProduct=([0-9a-f]{4})/i.exec(line);
    if (found?.[1]) {
      byPort.set(found[1], device(hex(found[2]), hex(found[3]), found[1]));
      if (!order.includes(found[1])) order.push(found[1]);
      continue;
    }
    const str = /usb (\d+-[\d.]+): (Product|Manufacturer|SerialNumber): (.*)$/.exec(line);
    if (str?.[1]) {
      const d = byPort.get(str[1]);
      if (!d) continue;
      if (str[2] === 'Product') d.product = (str[3] ?? '').trim();
      else if (str[2] === 'Manufacturer') d.manufacturer = (str[3] ?? '').trim();
      else d.serial = (str[3] ?? '').trim();
      continue;
    }
    // hid-generic 0003:1D6B:0104.0001: input,hidraw0: USB HID v1.01 Keyboard [PiKVM Composite Device] on usb-0000:00:14.0-1/input0
    const hid = /([0-9A-F]{4}):([0-9A-F]{4})\.[0-9A-F]+: .*USB HID v[\d.]+ (Keyboard|Mouse|Device|Joystick|Gamepad)\b.* on usb-[^-]+-([\d.]+)\/input(\d+)/i.exec(line);
    if (hid) {
      const port = [...byPort.keys()].find((p) => p.endsWith(`-${hid[4]}`)) ?? [...byPort.entries()].find(([, d]) => d.vendorId === hex(hid[1]) && d.productId === hex(hid[2]))?.[0];
      const d = port ? byPort.get(port) : undefined;
      if (d) {
        const number = Number(hid[5]);
        if (!d.interfaces.some((i) => i.number === number)) d.interfaces.push({ number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind: hid[3] ?? '' });
        d.interfacesKnown = true;
      }
      continue;
    }
    // scsi 6:0:0:0: CD-ROM            PiKVM    Optical Drive    1.00 PQ: 0 ANSI: 2   (preceded by "usb-storage 1-1:1.2: USB Mass Storage device detected")
    // The drive belongs to the last device whose mass-storage interface the log showed; without one
    // (the lines before it were cut) it is a device of its own, known by its inquiry strings only.
    const scsi = scsiInquiry(line);
    if (scsi) {
      const d = [...byPort.values()].reverse().find((x) => x.interfaces.some((i) => i.interfaceClass === 8));
      if (d) {
        const storage = d.interfaces.find((i) => i.interfaceClass === 8) ?? { number: d.interfaces.length, interfaceClass: 8, interfaceSubclass: 6, interfaceProtocol: 0x50 };
        storage.storageVendor = scsi.vendor;
        storage.storageProduct = scsi.product;
      } else {
        const own = scsiDevice(scsi);
        byPort.set(own.portPath, own);
        order.push(own.portPath);
      }
      continue;
    }
    const ms = /usb-storage (\d+-[\d.]+):1\.(\d+): USB Mass Storage device detected/.exec(line);
    if (ms?.[1]) {
      const d = byPort.get(ms[1]);
      if (d && !d.interfaces.some((i) => i.interfaceClass === 8)) d.interfaces.push({ number: Number(ms[2]), interfaceClass: 8, interfaceSubclass: 6, interfaceProtocol: 0x50 });
    }
  }
  return order.map((p) => byPort.get(p)).filter((d): d is UsbDeviceFact => !!d);
}

/** macOS `system_profiler SPUSBDataType`: indented blocks with "Product ID: 0x0104", "Vendor ID: 0x1d6b  (Linux Foundation)". */
export function parseSystemProfilerUsb(text: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const pid = /^\s*Product ID: (0x[0-9a-f]+)/i.exec(lines[i] ?? '');
    if (!pid) continue;
    // The device's name is the nearest preceding "Name:" heading.
    let name = '';
    for (let j = i - 1; j >= 0; j--) {
      const h = /^(\s*)(\S.*):\s*$/.exec(lines[j] ?? '');
      if (h?.[2]) { name = h[2]; break; }
    }
    const block: string[] = [];
    for (let j = i; j < lines.length && !/^\s*(\S.*):\s*$/.test(lines[j] ?? ''); j++) block.push(lines[j] ?? '');
    const text2 = block.join('\n');
    const vid = /Vendor ID: (0x[0-9a-f]+)/i.exec(text2)?.[1];
    const d = device(Number(vid ?? 0), Number(pid[1]), /Location ID: (\S+)/.exec(text2)?.[1] ?? `sp-${out.length + 1}`);
    d.product = name;
    const man = /Manufacturer: (.*)/.exec(text2)?.[1]?.trim();
    const serial = /Serial Number: (.*)/.exec(text2)?.[1]?.trim();
    if (man) d.manufacturer = man;
    if (serial) d.serial = serial;
    d.interfacesKnown = false;
    out.push(d);
  }
  return out;
}

/** Windows PnP instance ids: USB\VID_1D6B&PID_0104\CAFEBABE and USB\VID_1D6B&PID_0104&MI_00\... with friendly names. */
export function parsePnp(text: string): UsbDeviceFact[] {
  const byId = new Map<string, UsbDeviceFact>();
  for (const line of text.split(/\r?\n/)) {
    const m = /(?:USB|HID)\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&MI_([0-9A-F]{2}))?(?:\\([^\s\\]+))?/i.exec(line);
    if (!m) continue;
    const key = `${m[1]}:${m[2]}`.toLowerCase();
    const d = byId.get(key) ?? device(hex(m[1]), hex(m[2]), key);
    const friendly = line.slice(0, m.index).replace(/^\s*(OK|Error|Unknown|Degraded)\s+\S+\s+/i, '').trim() || /Device Description:\s*(.*)/i.exec(line)?.[1];
    if (!m[3] && m[4] && !/&/.test(m[4]) && line.toUpperCase().includes('USB\\VID')) d.serial = m[4];
    if (m[3] !== undefined) {
      const number = hex(m[3]);
      const kind = /keyboard/i.test(line) ? 'Keyboard' : /mouse|pointing/i.test(line) ? 'Mouse' : /storage|disk/i.test(line) ? 'Storage' : undefined;
      if (!d.interfaces.some((i) => i.number === number)) d.interfaces.push({ number, interfaceClass: kind === 'Storage' ? 8 : 3, interfaceSubclass: 0, interfaceProtocol: 0, ...(kind && kind !== 'Storage' ? { hidKind: kind } : {}) });
      d.interfacesKnown = true;
    } else if (friendly && !d.product) d.product = friendly;
    byId.set(key, d);
  }
  return [...byId.values()];
}
