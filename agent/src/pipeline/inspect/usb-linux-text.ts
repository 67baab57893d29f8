// More Linux (and FreeBSD) USB listings as analysts receive them: `usb-devices` and
// /sys/kernel/debug/usb/devices ("T:/D:/P:/S:/I:" lines), `udevadm info` (properties or the `-a`
// attribute walk), `hwinfo --usb`, kernel HID/input lines without the enumeration lines, and
// FreeBSD's `usbconfig` / dmesg (`ugen0.2: <Vendor Product> at usbus0`, no ids: names only).
import type { UsbDeviceFact, UsbInterfaceFact } from '../../sensors/usb/types.js';

const hex = (s: string | undefined): number => Number.parseInt(s ?? '0', 16) || 0;

export function usbDevice(vid: number, pid: number, portPath: string): UsbDeviceFact {
  return { vendorId: vid, productId: pid, deviceClass: 0, deviceSubclass: 0, deviceProtocol: 0, portPath, rootHub: vid === 0x1d6b && pid <= 3, interfaces: [] };
}

/** `usb-devices` / debugfs: "T:  Bus=01 Lev=01 ... Port=00 ... Dev#=  2", "P:  Vendor=1d6b ProdID=0104 Rev=01.00", "S:  Product=...". */
export function parseUsbDevicesText(text: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  for (const block of text.split(/^(?=\s*T:\s+Bus=)/m)) {
    const t = /^\s*T:\s+Bus=(\d+)\s+Lev=(\d+)\s+Prnt=\s*(\d+)\s+Port=(\d+)\s+Cnt=\s*\d+\s+Dev#=\s*(\d+)/m.exec(block);
    const p = /^\s*P:\s+Vendor=([0-9a-f]{4})\s+ProdID=([0-9a-f]{4})(?:\s+Rev=\s*([\d.]+))?/im.exec(block);
    if (!t || !p) continue;
    const d = usbDevice(hex(p[1]), hex(p[2]), `bus${(t[1] ?? '').padStart(3, '0')}-dev${(t[5] ?? '').padStart(3, '0')}`);
    const cls = /^\s*D:\s+Ver=\s*[\d.]+\s+Cls=([0-9a-f]{2})\S*\s*\S*\s+Sub=([0-9a-f]{2})\s+Prot=([0-9a-f]{2})/im.exec(block);
    if (cls) { d.deviceClass = hex(cls[1]); d.deviceSubclass = hex(cls[2]); d.deviceProtocol = hex(cls[3]); d.hub = d.deviceClass === 9; }
    const str = (k: string): string | undefined => new RegExp(`^\\s*S:\\s+${k}=(.*)$`, 'm').exec(block)?.[1]?.trim() || undefined;
    const man = str('Manufacturer');
    const prod = str('Product');
    const serial = str('SerialNumber');
    if (man) d.manufacturer = man;
    if (prod) d.product = prod;
    if (serial) d.serial = serial;
    if (p[3]) d.bcdDevice = hex(p[3].replace('.', ''));
    // "I:  If#= 0 Alt= 0 #EPs= 1 Cls=03(HID  ) Sub=01 Prot=01 Driver=usbhid" (usbutils 013 and later: "If#=0x0"); debugfs
    // lists every alternate setting, `usb-devices` the current one only (a UAS drive's is "Alt= 1"): the first setting of a number is kept.
    for (const m of block.matchAll(/^\s*I:[* ]\s*If#=\s*(0x[0-9a-f]+|\d+)\s+Alt=\s*(\d+)\s+#EPs=\s*\d+\s+Cls=([0-9a-f]{2})\S*\s*\S*\s+Sub=([0-9a-f]{2})\s+Prot=([0-9a-f]{2})(?:\s+Driver=(\S+))?/gim)) {
      const number = Number(m[1]);
      if (d.interfaces.some((i) => i.number === number)) continue;
      const i: UsbInterfaceFact = { number, interfaceClass: hex(m[3]), interfaceSubclass: hex(m[4]), interfaceProtocol: hex(m[5]) };
      if (m[6] && m[6] !== '(none)') i.driver = m[6];
      if (i.interfaceClass === 3 && i.interfaceSubclass === 1) i.hidKind = i.interfaceProtocol === 1 ? 'Keyboard' : i.interfaceProtocol === 2 ? 'Mouse' : '';
      if (i.hidKind === '') delete i.hidKind;
      d.interfaces.push(i);
    }
    d.interfacesKnown = d.interfaces.length > 0;
    out.push(d);
  }
  return out;
}

/** Decodes udev's "\x20"-escaped *_ENC values. */
const udevDecode = (s: string): string => s.replace(/\\x([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))).trim();

/**
 * `udevadm info` property blocks ("E: ID_VENDOR_ID=1d6b", "E: ID_MODEL_ENC=PiKVM\x20Composite\x20Device"),
 * `udevadm info -a` ("ATTRS{idVendor}==\"1d6b\"", one block per device up the tree) and
 * `udevadm monitor --property` (the same keys without "E: "). One device per vid:pid and serial.
 */
export function parseUdevadm(text: string): UsbDeviceFact[] {
  const out = new Map<string, UsbDeviceFact>();
  const keep = (d: UsbDeviceFact): void => {
    const key = `${d.vendorId}:${d.productId}:${d.serial ?? ''}`;
    const had = out.get(key);
    if (!had) { out.set(key, d); return; }
    had.manufacturer ??= d.manufacturer;
    had.product ??= d.product;
    for (const i of d.interfaces) if (!had.interfaces.some((x) => x.number === i.number)) had.interfaces.push(i);
    had.interfacesKnown ||= d.interfacesKnown;
  };
  // Attribute walk: blocks that begin "looking at (parent) device '...'".
  for (const block of text.split(/^(?=\s*looking at (?:parent )?device )/m)) {
    const a = (k: string): string | undefined => new RegExp(`ATTRS?\\{${k}\\}=="([^"]*)"`).exec(block)?.[1]?.trim() || undefined;
    const vid = a('idVendor');
    const pid = a('idProduct');
    if (!vid || !pid || !/^[0-9a-f]{4}$/i.test(vid) || !/^[0-9a-f]{4}$/i.test(pid)) continue;
    const d = usbDevice(hex(vid), hex(pid), /KERNELS?=="([^"]+)"/.exec(block)?.[1] ?? `udev-${out.size + 1}`);
    const man = a('manufacturer');
    const prod = a('product');
    const serial = a('serial');
    if (man) d.manufacturer = man;
    if (prod) d.product = prod;
    if (serial) d.serial = serial;
    d.interfacesKnown = false;
    keep(d);
  }
  // Property blocks, separated by blank lines.
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const e = (k: string): string | undefined => new RegExp(`^(?:E:\\s*)?${k}=(.*)$`, 'm').exec(block)?.[1]?.trim() || undefined;
    const vid = e('ID_VENDOR_ID') ?? e('ID_USB_VENDOR_ID');
    const pid = e('ID_MODEL_ID') ?? e('ID_USB_MODEL_ID');
    if (!vid || !pid || !/^[0-9a-f]{4}$/i.test(vid) || !/^[0-9a-f]{4}$/i.test(pid)) continue;
    if (e('ID_BUS') && e('ID_BUS') !== 'usb' && !e('ID_USB_VENDOR_ID')) continue;
    const path = e('DEVPATH') ?? /^P:\s*(\S+)/m.exec(block)?.[1] ?? '';
    const port = /\/(\d+-[\d.]+)(?::[\d.]+)?(?:\/|$)/.exec(path)?.[1] ?? `udev-${out.size + 1}`;
    const d = usbDevice(hex(vid), hex(pid), port);
    const encMan = e('ID_VENDOR_ENC') ?? e('ID_USB_VENDOR_ENC');
    const encProd = e('ID_MODEL_ENC') ?? e('ID_USB_MODEL_ENC');
    const man = encMan ? udevDecode(encMan) : (e('ID_VENDOR') ?? e('ID_USB_VENDOR'))?.replace(/_/g, ' ');
    const prod = encProd ? udevDecode(encProd) : (e('ID_MODEL') ?? e('ID_USB_MODEL'))?.replace(/_/g, ' ');
    const serial = e('ID_SERIAL_SHORT') ?? e('ID_USB_SERIAL_SHORT');
    if (man) d.manufacturer = man;
    if (prod) d.product = prod;
    if (serial) d.serial = serial;
    const ifNum = e('ID_USB_INTERFACE_NUM');
    const driver = e('ID_USB_DRIVER');
    const kind = e('ID_INPUT_KEYBOARD') === '1' ? 'Keyboard' : e('ID_INPUT_MOUSE') === '1' ? 'Mouse' : undefined;
    if (ifNum !== undefined) {
      const i: UsbInterfaceFact = { number: hex(ifNum), interfaceClass: driver === 'usbhid' || kind ? 3 : driver === 'usb-storage' ? 8 : 0, interfaceSubclass: 0, interfaceProtocol: 0 };
      if (driver) i.driver = driver;
      if (kind) i.hidKind = kind;
      d.interfaces.push(i);
      d.interfacesKnown = true;
    } else d.interfacesKnown = false;
    keep(d);
  }
  return [...out.values()];
}

/**
 * `hwinfo --usb`: one entry per interface ("14: USB 00.0: 10800 Keyboard") with
 * "Vendor: usb 0x1d6b \"Linux Foundation\"", "Device: usb 0x0104 \"PiKVM Composite Device\"",
 * "Serial ID: \"CAFEBABE\"", "SysFS ID: /devices/.../1-1/1-1:1.0". Interfaces of one device share its sysfs port.
 */
export function parseHwinfoUsb(text: string): UsbDeviceFact[] {
  const byPort = new Map<string, UsbDeviceFact>();
  // A forum's quote mark may stand before an entry's first line ("> 57: USB 00.1: 10800 Keyboard").
  for (const block of text.split(/^(?=(?:> ?)?\d+: USB [\d.]+: )/m)) {
    const head = /^(?:> ?)?\d+: USB [\d.]+: \S+\s*(.*)$/m.exec(block);
    const vendor = /^\s*Vendor: usb 0x([0-9a-f]{4})(?:\s+"(.*)")?/m.exec(block);
    const dev = /^\s*Device: usb 0x([0-9a-f]{4})(?:\s+"(.*)")?/m.exec(block);
    if (!head || !vendor || !dev) continue;
    const sysfs = /^\s*SysFS ID: (\S+)/m.exec(block)?.[1] ?? '';
    const port = /\/(\d+-[\d.]+)(?::([\d.]+))?$/.exec(sysfs);
    const serial = /^\s*Serial ID: "(.*)"/m.exec(block)?.[1];
    const key = port?.[1] ?? `${vendor[1]}:${dev[1]}:${serial ?? ''}`;
    let d = byPort.get(key);
    if (!d) {
      d = usbDevice(hex(vendor[1]), hex(dev[1]), key);
      if (vendor[2]) d.manufacturer = vendor[2];
      if (dev[2]) d.product = dev[2];
      if (serial) d.serial = serial;
      byPort.set(key, d);
    }
    const ifNum = port?.[2] ? Number(port[2].split('.').pop()) : undefined;
    const cls = (head[1] ?? '').toLowerCase();
    const driver = /^\s*Driver: "(.*)"/m.exec(block)?.[1];
    if (ifNum !== undefined && !d.interfaces.some((i) => i.number === ifNum)) {
      const i: UsbInterfaceFact = { number: ifNum, interfaceClass: /keyboard|mouse/.test(cls) || driver === 'usbhid' ? 3 : /disk|storage|cdrom/.test(cls) ? 8 : /hub/.test(cls) ? 9 : 0, interfaceSubclass: 0, interfaceProtocol: 0 };
      if (/keyboard/.test(cls)) i.hidKind = 'Keyboard';
      else if (/mouse/.test(cls)) i.hidKind = 'Mouse';
      if (driver) i.driver = driver;
      d.interfaces.push(i);
      d.interfacesKnown = true;
    }
    if (/hub/.test(cls)) d.hub = true;
  }
  return [...byPort.values()];
}

/**
 * Kernel lines that name a USB HID device by ids without the enumeration lines (a journal excerpt, a
 * grep): "hid-generic 0003:1D6B:0104.0001: input,hidraw0: USB HID v1.01 Keyboard [PiKVM Composite Device] on usb-...-1/input0"
 * and "input: NAME as /devices/.../0003:1D6B:0104.0001/input/input3". The bracketed name is the
 * kernel's "manufacturer product" (`hidNames` keeps it for matching against catalog strings).
 */
export function parseKernelHidLines(text: string): { devices: UsbDeviceFact[]; hidNames: Map<UsbDeviceFact, string> } {
  const byKey = new Map<string, UsbDeviceFact>();
  const hidNames = new Map<UsbDeviceFact, string>();
  const get = (vid: string, pid: string, port: string): UsbDeviceFact => {
    const key = `${port}/${vid}:${pid}`.toLowerCase();
    let d = byKey.get(key);
    if (!d) { d = usbDevice(hex(vid), hex(pid), port); d.interfacesKnown = true; byKey.set(key, d); }
    return d;
  };
  for (const line of text.split(/\r?\n/)) {
    const hid = /\b0003:([0-9A-F]{4}):([0-9A-F]{4})\.[0-9A-F]+: [\w,]+: USB HID v[\d.]+ (\w+) \[(.*)\] on usb-[^\s/]*?-([\d.]+)\/input(\d+)/i.exec(line);
    if (hid) {
      const d = get(hid[1] ?? '', hid[2] ?? '', `usb-${hid[5] ?? ''}`);
      const number = Number(hid[6]);
      if (!d.interfaces.some((i) => i.number === number)) d.interfaces.push({ number, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind: hid[3] ?? '' });
      if (hid[4]?.trim()) hidNames.set(d, hid[4].trim());
      continue;
    }
    const input = /\binput: (.+?) as \/devices\/\S*?\/(\d+-[\d.]+):[\d.]+\/0003:([0-9A-F]{4}):([0-9A-F]{4})\.[0-9A-F]+\//i.exec(line);
    if (input) {
      const d = get(input[3] ?? '', input[4] ?? '', `usb-${input[2] ?? ''}`);
      if (!hidNames.has(d) && input[1]?.trim()) hidNames.set(d, input[1].trim());
    }
  }
  return { devices: [...byKey.values()], hidNames };
}

/**
 * FreeBSD: dmesg (or /var/log/messages: "Dec 13 00:41:28 host kernel: ...") "ugen0.2: <PiKVM PiKVM Composite Device> at usbus0", "ukbd0: <PiKVM Composite
 * Device, class 0/0, rev 2.00/1.00, addr 2> on usbus0", and `usbconfig` "ugen0.2: <Product
 * Vendor> at usbus0, cfg=0 md=HOST ...". No ids: each device's name, for matching catalog strings.
 */
export function parseFreebsdUsbNames(text: string): { name: string; port: string; kind?: string }[] {
  const out = new Map<string, { name: string; port: string; kind?: string }>();
  for (const m of text.matchAll(/^\s*(?:.*?\bkernel:\s+)?(ugen\d+\.\d+|u(?:kbd|ms|mass|hid|hms|hkbd)\d+): <([^>,]+)(?:,[^>]*)?> (?:at|on) usbus\d+/gm)) {
    const port = m[1] ?? '';
    const name = (m[2] ?? '').trim();
    const kind = /^u(?:h)?kbd/.test(port) ? 'Keyboard' : /^u(?:h)?ms/.test(port) ? 'Mouse' : /^umass/.test(port) ? 'Storage' : undefined;
    out.set(`${port}/${name}`, { name, port, ...(kind ? { kind } : {}) });
  }
  return [...out.values()];
}

/** udev's `/dev/input/by-id` or `/dev/serial/by-id` listing: "usb-PiKVM_PiKVM_Composite_Device_CAFEBABE-event-kbd -> ../event3". Names only. */
export function parseByIdListing(text: string): { name: string; kind?: string }[] {
  const out = new Map<string, { name: string; kind?: string }>();
  for (const m of text.matchAll(/(?:^|\s)usb-([^\s/]+?)(?:-if\d+)?-(event|mouse|kbd|joystick|port\d+|hidraw|video-index\d+)?(?:-(kbd|mouse|joystick))?(?=\s+->|\s*$)/gm)) {
    const name = (m[1] ?? '').replace(/_/g, ' ').trim();
    const k = m[3] ?? m[2];
    const kind = k === 'kbd' ? 'Keyboard' : k === 'mouse' ? 'Mouse' : undefined;
    if (name) out.set(name, { name, ...(kind ? { kind } : {}) });
  }
  return [...out.values()];
}

/**
 * SCSI inquiry lines of USB drives without the USB enumeration lines: "scsi 6:0:0:0: CD-ROM  PiKVM  Optical Drive  1.00 PQ: 0 ANSI: 2".
 * The drive's vendor and model are what a KVM's virtual media says it is; the USB ids are not in these lines (0000:0000).
 */
/** The kernel's line for a SCSI device: "scsi 6:0:0:0: CD-ROM            PiKVM    Optical Drive    1.00 PQ: 0 ANSI: 2". */
const SCSI_LINE = /scsi (\d+:\d+:\d+:\d+): (?:Direct-Access|CD-ROM) +(\S.{7}) (.{16}) (.{4}) PQ:|scsi (\d+:\d+:\d+:\d+): (?:Direct-Access|CD-ROM)\s+(\S+)\s+(.+?)\s+(\S{1,4})\s+PQ:/g;

/**
 * A SCSI line's address, vendor and model. The kernel prints vendor, model and revision in fixed
 * widths (8, 16, 4): where the line kept its spaces the columns give the fields, even when the
 * revision is blank or the device's inquiry string did not pad its vendor ("JetKVM Virtual Media"
 * is vendor "JetKVM V", model "irtual Media"); else the words do.
 */
export function scsiInquiry(line: string): { address: string; vendor: string; product: string } | undefined {
  const m = new RegExp(SCSI_LINE.source).exec(line);
  if (!m) return undefined;
  const [address, vendor, product] = m[1] !== undefined ? [m[1], m[2], m[3]] : [m[5], m[6], m[7]];
  return { address: address ?? '', vendor: (vendor ?? '').trim(), product: (product ?? '').trim() };
}

/** A virtual drive known only by its SCSI line, as a USB device of unknown ids. */
export function scsiDevice(s: { address: string; vendor: string; product: string }): UsbDeviceFact {
  const d = usbDevice(0, 0, `scsi ${s.address}`);
  d.interfaces.push({ number: 0, interfaceClass: 8, interfaceSubclass: 6, interfaceProtocol: 0x50, storageVendor: s.vendor, storageProduct: s.product });
  d.interfacesKnown = false;
  return d;
}

export function parseScsiInquiryLines(text: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  for (const m of text.matchAll(SCSI_LINE)) {
    const s = scsiInquiry(m[0]);
    if (s) out.push(scsiDevice(s));
  }
  return out;
}
