// USB devices on macOS from the IORegistry: one `ioreg -r -c IOUSBHostDevice -l -w0` lists every
// device with its descriptors, its interfaces (IOUSBHostInterface children) and, under HID
// interfaces, the report descriptor the HID driver read ("ReportDescriptor" = <...>).
import { runCommand } from '../command.js';
import { ioData, ioNumber, ioString, parseIoreg, walk, type IoregNode } from '../ioreg.js';
import type { SensorContext } from '../sensor.js';
import { summarizeHidDescriptor } from './hid-descriptor.js';
import type { UsbDeviceFact, UsbInterfaceFact } from './types.js';

export const IOREG_USB = { file: '/usr/sbin/ioreg', args: ['-r', '-c', 'IOUSBHostDevice', '-l', '-w0'] } as const;

const isDevice = (n: IoregNode): boolean => n.className === 'IOUSBHostDevice' || n.className === 'IOUSBDevice';
const isInterface = (n: IoregNode): boolean => n.className === 'IOUSBHostInterface' || n.className === 'IOUSBInterface';

/** The device a node belongs to: its nearest device ancestor. */
function deviceOf(n: IoregNode): IoregNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (isDevice(p)) return p;
  return undefined;
}

function firstString(n: IoregNode, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = ioString(n.props.get(k));
    if (v) return v.trim();
  }
  return undefined;
}

function readInterface(n: IoregNode): UsbInterfaceFact {
  const fromName = /@([0-9a-f]+)$/i.exec(n.name)?.[1];
  const i: UsbInterfaceFact = {
    number: ioNumber(n.props.get('bInterfaceNumber')) ?? (fromName ? Number.parseInt(fromName, 16) : 0),
    interfaceClass: ioNumber(n.props.get('bInterfaceClass')) ?? 0,
    interfaceSubclass: ioNumber(n.props.get('bInterfaceSubClass')) ?? 0,
    interfaceProtocol: ioNumber(n.props.get('bInterfaceProtocol')) ?? 0,
  };
  for (const child of walk(n.children)) {
    const rd = ioData(child.props.get('ReportDescriptor'));
    if (rd && rd.length > 0) {
      i.hidReportDescriptor = rd;
      i.hid = summarizeHidDescriptor(rd);
      break;
    }
  }
  const driver = n.children.find((c) => !isInterface(c) && !/UserClient/.test(c.className))?.className;
  if (driver) i.driver = driver;
  return i;
}

export function usbFromIoreg(text: string): UsbDeviceFact[] {
  const nodes = [...walk(parseIoreg(text))];
  const out: UsbDeviceFact[] = [];
  for (const d of nodes.filter(isDevice)) {
    const vid = ioNumber(d.props.get('idVendor'));
    const pid = ioNumber(d.props.get('idProduct'));
    if (vid === undefined || pid === undefined) continue;
    const location = ioNumber(d.props.get('locationID'));
    const cls = ioNumber(d.props.get('bDeviceClass')) ?? 0;
    const fact: UsbDeviceFact = {
      vendorId: vid, productId: pid,
      deviceClass: cls, deviceSubclass: ioNumber(d.props.get('bDeviceSubClass')) ?? 0, deviceProtocol: ioNumber(d.props.get('bDeviceProtocol')) ?? 0,
      portPath: location !== undefined ? `0x${location.toString(16).padStart(8, '0')}` : d.name,
      rootHub: false, hub: cls === 0x09 || d.children.some((c) => /Hub/.test(c.className)),
      interfaces: nodes.filter((n) => isInterface(n) && deviceOf(n) === d).map(readInterface).sort((a, b) => a.number - b.number),
      interfacesKnown: true,
    };
    const manufacturer = firstString(d, ['kUSBVendorString', 'USB Vendor Name']);
    const product = firstString(d, ['kUSBProductString', 'USB Product Name']);
    const serial = firstString(d, ['kUSBSerialNumberString', 'USB Serial Number']);
    if (manufacturer) fact.manufacturer = manufacturer;
    if (product) fact.product = product;
    if (serial) fact.serial = serial;
    const bcdDevice = ioNumber(d.props.get('bcdDevice'));
    const bcdUsb = ioNumber(d.props.get('bcdUSB'));
    if (bcdDevice !== undefined) fact.bcdDevice = bcdDevice;
    if (bcdUsb !== undefined) fact.bcdUsb = bcdUsb;
    out.push(fact);
  }
  return out;
}

export async function collectDarwinUsb(ctx: SensorContext): Promise<UsbDeviceFact[]> {
  return usbFromIoreg(await runCommand(ctx, IOREG_USB));
}
