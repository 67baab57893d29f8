// Windows USB reports as analysts receive them: the text reports of USBView, USB Device Tree Viewer
// (UsbTreeView) and Thesycon's USB Descriptor Dumper (device descriptor fields with the string
// descriptors they read), and PowerShell `Get-PnpDevice | Format-List` / `Get-PnpDeviceProperty`.
import type { UsbDeviceFact, UsbInterfaceFact } from '../../sensors/usb/types.js';
import { usbDevice } from './usb-linux-text.js';

const num = (s: string | undefined): number => (s ? Number(s.toLowerCase().startsWith('0x') ? Number.parseInt(s, 16) : Number.parseInt(s, 10)) || 0 : 0);

/**
 * The string a descriptor report gives for "iManufacturer"/"iProduct"/"iSerialNumber": on the same
 * line ('iProduct: 0x02 "PiKVM"', UsbTreeView's '0x02 (String Descriptor 2)' then a 'Language
 * 0x0409 : "PiKVM"' line, USBView's 'English (United States)  "PiKVM"' line).
 */
function descriptorString(block: string, field: string): string | undefined {
  const lines = block.split(/\r?\n/);
  const at = lines.findIndex((l) => new RegExp(`^\\s*${field}\\b`).test(l));
  if (at < 0) return undefined;
  const same = /"([^"]*)"/.exec(lines[at] ?? '');
  if (same?.[1]?.trim()) return same[1].trim();
  for (let i = at + 1; i < Math.min(lines.length, at + 4); i++) {
    const l = lines[i] ?? '';
    if (/^\s*(?:i|b|id|bcd|w)[A-Z]\w*\s*[:=]/.test(l)) break;
    const q = /"([^"]*)"/.exec(l);
    if (q?.[1]?.trim()) return q[1].trim();
  }
  return undefined;
}

/**
 * Device descriptor sections of USBView / UsbTreeView / Thesycon reports: each "idVendor" starts a
 * device ("idVendor: 0x1D6B (Linux Foundation)", "idVendor                 : 0x1D6B"), with its
 * strings and the interface descriptors that follow it.
 */
export function parseUsbDescriptorReport(report: string): UsbDeviceFact[] {
  const out: UsbDeviceFact[] = [];
  // Thesycon's dumper prints the value first ("0x1D6B<TAB>idVendor", "0x02<TAB>iProduct   \"PiKVM\""): the same fields, turned around.
  // UsbTreeView's summary names the fields in words ("Vendor ID : 0x37A8 (...)", "Product String : UHK 60 v1").
  const text = report.replace(/^(0x[0-9a-f]+)\t+([a-z]\w+)(.*)$/gim, '$2: $1$3')
    .replace(/^[ \t]*=+ Summary =+[ \t]*$/gim, 'Device Descriptor (summary)')
    .replace(/^Vendor ID\s+:/gm, 'idVendor:').replace(/^Product ID\s+:/gm, 'idProduct:')
    .replace(/^Manufacturer String\s+:\s*(.*)$/gm, 'iManufacturer: "$1"').replace(/^Product String\s+:\s*(.*)$/gm, 'iProduct: "$1"').replace(/^Serial\s+:\s*(.*)$/gm, 'iSerialNumber: "$1"');
  const starts = [...text.matchAll(/^[ \t]*(?:-+\s*)?Device Descriptor\b.*$/gim)].map((m) => m.index);
  const sections = starts.length > 0 ? starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length)) : [text];
  for (const section of sections) {
    const vid = /^\s*idVendor\s*[:=]?\s*(0x[0-9a-f]{4})/im.exec(section);
    const pid = /^\s*idProduct\s*[:=]?\s*(0x[0-9a-f]{4})/im.exec(section);
    if (!vid || !pid) continue;
    const d = usbDevice(num(vid[1]), num(pid[1]), `report-${out.length + 1}`);
    const devPart = section.split(/^\s*(?:-+\s*)?Configuration Descriptor\b/im)[0] ?? section;
    d.deviceClass = num(/^\s*bDeviceClass\s*[:=]?\s*(0x[0-9a-f]+|\d+)/im.exec(devPart)?.[1]);
    d.hub = d.deviceClass === 9;
    const man = descriptorString(devPart, 'iManufacturer');
    const prod = descriptorString(devPart, 'iProduct');
    const serial = descriptorString(devPart, 'iSerialNumber');
    if (man) d.manufacturer = man;
    if (prod) d.product = prod;
    if (serial) d.serial = serial;
    for (const intf of section.split(/^\s*(?:-+\s*)?Interface Descriptor\b.*$/im).slice(1)) {
      const f = (n: string): number => num(new RegExp(`^\\s*${n}\\s*[:=]?\\s*(0x[0-9a-f]+|\\d+)`, 'im').exec(intf)?.[1]);
      const i: UsbInterfaceFact = { number: f('bInterfaceNumber'), interfaceClass: f('bInterfaceClass'), interfaceSubclass: f('bInterfaceSubClass'), interfaceProtocol: f('bInterfaceProtocol') };
      if (f('bAlternateSetting') !== 0 || d.interfaces.some((x) => x.number === i.number)) continue;
      if (i.interfaceClass === 3 && i.interfaceSubclass === 1 && (i.interfaceProtocol === 1 || i.interfaceProtocol === 2)) i.hidKind = i.interfaceProtocol === 1 ? 'Keyboard' : 'Mouse';
      d.interfaces.push(i);
    }
    d.interfacesKnown = d.interfaces.length > 0;
    out.push(d);
  }
  return out;
}

/**
 * `Get-PnpDevice | Format-List` (and other "Key : Value" lists of PnP devices): blocks with
 * InstanceId (or DeviceID / PNPDeviceID) and FriendlyName (or Name / Description). The
 * "USB\VID_xxxx&PID_yyyy" parent carries the device; MI_nn children carry its interfaces.
 */
export function parsePnpFormatList(text: string): UsbDeviceFact[] {
  const byId = new Map<string, UsbDeviceFact>();
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const get = (k: string): string | undefined => new RegExp(`^\\s*${k}\\s*:\\s*(.*)$`, 'im').exec(block)?.[1]?.trim() || undefined;
    const id = get('InstanceId') ?? get('DeviceID') ?? get('PNPDeviceID') ?? get('InstanceID');
    const m = id ? /(?:USB|HID)\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&MI_([0-9A-F]{2}))?(?:\\(\S+))?/i.exec(id) : null;
    if (!m) continue;
    const key = `${m[1]}:${m[2]}`.toLowerCase();
    const d = byId.get(key) ?? usbDevice(Number.parseInt(m[1] ?? '0', 16), Number.parseInt(m[2] ?? '0', 16), key);
    const name = get('FriendlyName') ?? get('Name') ?? get('Description');
    const manufacturer = get('Manufacturer');
    const cls = get('Class') ?? get('PNPClass') ?? '';
    if (m[3] !== undefined) {
      const number = Number.parseInt(m[3], 16);
      const kind = /keyboard/i.test(`${cls} ${name ?? ''}`) ? 'Keyboard' : /mouse|pointing/i.test(`${cls} ${name ?? ''}`) ? 'Mouse' : undefined;
      if (!d.interfaces.some((i) => i.number === number)) d.interfaces.push({ number, interfaceClass: /HID|Keyboard|Mouse/i.test(cls) ? 3 : /DiskDrive|USBSTOR/i.test(cls) ? 8 : 0, interfaceSubclass: 0, interfaceProtocol: 0, ...(kind ? { hidKind: kind } : {}) });
      d.interfacesKnown = true;
    } else {
      if (name && !d.product) d.product = name;
      if (manufacturer && !/^\(Standard|^Microsoft$|^Compatible USB/i.test(manufacturer)) d.manufacturer ??= manufacturer;
      if (m[4] && !m[4].includes('&')) d.serial = m[4];
    }
    byId.set(key, d);
  }
  return [...byId.values()];
}

/**
 * `Get-PnpDeviceProperty` rows: "USB\VID_1D6B&PID_0104\CAFEBABE  DEVPKEY_Device_BusReportedDeviceDesc  String  PiKVM Composite Device"
 * (the product string the device reported) and DEVPKEY_Device_Manufacturer. Table or list form.
 */
export function parsePnpDeviceProperties(text: string): UsbDeviceFact[] {
  const byId = new Map<string, UsbDeviceFact>();
  const apply = (id: string, key: string, data: string): void => {
    const m = /USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?!&MI_)/i.exec(id);
    if (!m || !data) return;
    const k = `${m[1]}:${m[2]}`.toLowerCase();
    const d = byId.get(k) ?? usbDevice(Number.parseInt(m[1] ?? '0', 16), Number.parseInt(m[2] ?? '0', 16), k);
    if (key === 'DEVPKEY_Device_BusReportedDeviceDesc') d.product = data;
    else if (key === 'DEVPKEY_Device_Manufacturer' && !/^\(Standard|^Microsoft$|^Compatible USB/i.test(data)) d.manufacturer ??= data;
    else if (key === 'DEVPKEY_Device_FriendlyName' || key === 'DEVPKEY_NAME') d.product ??= data;
    byId.set(k, d);
  };
  for (const m of text.matchAll(/^\s*(\S*USB\\VID_\S+)\s+(DEVPKEY_\w+)\s+\w+\s+(.+?)\s*$/gim)) apply(m[1] ?? '', m[2] ?? '', m[3] ?? '');
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const get = (k: string): string | undefined => new RegExp(`^\\s*${k}\\s*:\\s*(.*)$`, 'im').exec(block)?.[1]?.trim() || undefined;
    const id = get('InstanceId');
    const key = get('KeyName');
    if (id && key) apply(id, key, get('Data') ?? '');
  }
  return [...byId.values()];
}
