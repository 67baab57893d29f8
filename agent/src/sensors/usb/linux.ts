// USB devices on Linux from sysfs (/sys/bus/usb/devices): device and interface descriptors as the
// kernel parsed them, and HID report descriptors where readable. No lsusb, no child process.
import { basename } from 'node:path';
import { listDir, readAttr, readBytes, readHexAttr, linkTarget } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import { summarizeHidDescriptor } from './hid-descriptor.js';
import type { UsbDeviceFact, UsbInterfaceFact } from './types.js';

// SCSI inquiry strings of the drive behind a mass-storage interface: <intf>/hostN/targetH:C:T/H:C:T:L/{vendor,model}.
async function storageInquiry(dir: string): Promise<{ vendor?: string; model?: string }> {
  const host = (await listDir(dir))?.find((e) => /^host\d+$/.test(e));
  if (!host) return {};
  const target = (await listDir(`${dir}/${host}`))?.find((e) => /^target\d+:\d+:\d+$/.test(e));
  if (!target) return {};
  const lun = (await listDir(`${dir}/${host}/${target}`))?.find((e) => /^\d+:\d+:\d+:\d+$/.test(e));
  if (!lun) return {};
  const [vendor, model] = await Promise.all([readAttr(`${dir}/${host}/${target}/${lun}/vendor`), readAttr(`${dir}/${host}/${target}/${lun}/model`)]);
  return { ...(vendor ? { vendor } : {}), ...(model ? { model } : {}) };
}

/** "2.00" (sysfs `version`) -> 0x0200 */
function bcdFromVersion(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(\d+)\.(\d)(\d)$/.exec(text);
  if (!m) return undefined;
  return (Number(m[1]) << 8) | (Number(m[2]) << 4) | Number(m[3]);
}

async function readInterface(dir: string): Promise<UsbInterfaceFact | undefined> {
  const [num, cls, sub, proto, driver] = await Promise.all([
    readHexAttr(`${dir}/bInterfaceNumber`), readHexAttr(`${dir}/bInterfaceClass`),
    readHexAttr(`${dir}/bInterfaceSubClass`), readHexAttr(`${dir}/bInterfaceProtocol`), linkTarget(`${dir}/driver`),
  ]);
  if (num === undefined || cls === undefined) return undefined;
  const fact: UsbInterfaceFact = { number: num, interfaceClass: cls, interfaceSubclass: sub ?? 0, interfaceProtocol: proto ?? 0 };
  if (driver) fact.driver = basename(driver);
  if (cls === 0x03) {
    // The HID device node under the interface is named BUS:VID:PID.N (0003:046D:C52B.0001).
    const hid = (await listDir(dir))?.find((e) => /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{4}\.[0-9A-F]+$/i.test(e));
    const descriptor = hid === undefined ? undefined : await readBytes(`${dir}/${hid}/report_descriptor`);
    if (descriptor && descriptor.length > 0) {
      fact.hidReportDescriptor = descriptor;
      fact.hid = summarizeHidDescriptor(descriptor);
    }
  }
  if (cls === 0x08) {
    const { vendor, model } = await storageInquiry(dir);
    if (vendor) fact.storageVendor = vendor;
    if (model) fact.storageProduct = model;
  }
  return fact;
}

export async function collectLinuxUsb(ctx: SensorContext): Promise<UsbDeviceFact[]> {
  const base = `${ctx.root}/sys/bus/usb/devices`;
  const entries = await listDir(base);
  if (entries === undefined) {
    throw new SensorUnavailable(`no USB bus visible (${base} does not exist): a virtual machine or container without USB`);
  }
  const deviceNames = entries.filter((e) => !e.includes(':')).sort();
  const devices = await Promise.all(deviceNames.map(async (name): Promise<UsbDeviceFact | undefined> => {
    const dir = `${base}/${name}`;
    const [vid, pid, manufacturer, product, serial, cls, sub, proto, bcdDevice, version, speed, removable] = await Promise.all([
      readHexAttr(`${dir}/idVendor`), readHexAttr(`${dir}/idProduct`), readAttr(`${dir}/manufacturer`),
      readAttr(`${dir}/product`), readAttr(`${dir}/serial`), readHexAttr(`${dir}/bDeviceClass`),
      readHexAttr(`${dir}/bDeviceSubClass`), readHexAttr(`${dir}/bDeviceProtocol`), readHexAttr(`${dir}/bcdDevice`),
      readAttr(`${dir}/version`), readAttr(`${dir}/speed`), readAttr(`${dir}/removable`),
    ]);
    if (vid === undefined || pid === undefined) return undefined; // unplugged while we looked
    const interfaceNames = entries.filter((e) => e.startsWith(`${name}:`)).sort();
    const interfaces = (await Promise.all(interfaceNames.map((i) => readInterface(`${base}/${i}`))))
      .filter((i): i is UsbInterfaceFact => i !== undefined);
    const fact: UsbDeviceFact = {
      vendorId: vid, productId: pid,
      deviceClass: cls ?? 0, deviceSubclass: sub ?? 0, deviceProtocol: proto ?? 0,
      portPath: name, rootHub: /^usb\d+$/.test(name), hub: cls === 0x09, interfaces, interfacesKnown: true,
    };
    if (manufacturer) fact.manufacturer = manufacturer;
    if (product) fact.product = product;
    if (serial) fact.serial = serial;
    if (bcdDevice !== undefined) fact.bcdDevice = bcdDevice;
    const bcdUsb = bcdFromVersion(version);
    if (bcdUsb !== undefined) fact.bcdUsb = bcdUsb;
    if (speed !== undefined && /^\d+(\.\d+)?$/.test(speed)) fact.speedMbps = Math.round(Number(speed));
    if (removable === 'removable') fact.removable = true;
    else if (removable === 'fixed') fact.removable = false;
    return fact;
  }));
  return devices.filter((d): d is UsbDeviceFact => d !== undefined);
}
