// IP-KVMs by structure: whatever ids and strings a KVM is given, it is one USB device that is a
// keyboard and an absolute pointer (often with a relative mouse, a virtual CD-ROM or flash drive
// and a USB network function), or a Linux USB gadget (vid 1d6b) pretending to be input devices.
// Ordinary keyboards, mice, receivers, docks, webcams and drawing tablets are none of these: a
// tablet's absolute axes are on the Digitizer page, a Unifying receiver's pointer is relative.
import type { HidCollectionFact, UsbDeviceFact, UsbInterfaceFact } from '../sensors/usb/types.js';
import type { Evidence, Finding } from './finding.js';
import { deviceEvidence, deviceKey, usbId } from './usb-identity.js';

export const KVM_USB_STRUCTURE = 'kvm.usb_structure';

const LINUX_FOUNDATION = 0x1d6b;
const KVM_AXIS_MAX = 32767;

export interface UsbShape {
  keyboard: boolean;
  absolutePointer: boolean;
  absoluteMax?: number;
  relativeMouse: boolean;
  /** HID interfaces whose report descriptor could not be read (could be anything). */
  unreadHid: number;
  digitizer: boolean;
  storage: boolean;
  network: boolean;
  gadget: boolean;
}

const isHid = (i: UsbInterfaceFact): boolean => i.interfaceClass === 0x03;
const isNetwork = (i: UsbInterfaceFact): boolean =>
  (i.interfaceClass === 0x02 && [0x02, 0x06, 0x0c, 0x0d].includes(i.interfaceSubclass) && !(i.interfaceSubclass === 0x02 && i.interfaceProtocol !== 0xff))
  || (i.interfaceClass === 0xe0 && i.interfaceSubclass === 0x01 && i.interfaceProtocol === 0x03)
  || (i.interfaceClass === 0xef && i.interfaceSubclass === 0x04);

/**
 * Top-level collections named by the OS (Windows' HID ids): keyboard and digitizer by usage; a
 * mouse by its X/Y mode where that was read, else a HID function of unknown kind (boot protocol
 * says nothing here: NanoKVM's absolute pointer claims the boot mouse protocol).
 */
function addCollections(shape: UsbShape, collections: readonly HidCollectionFact[]): void {
  for (const c of collections) {
    if (c.usagePage === 0x01 && (c.usage === 0x06 || c.usage === 0x07)) shape.keyboard = true;
    else if (c.usagePage === 0x0d) shape.digitizer = true;
    else if (c.usagePage === 0x01 && (c.usage === 0x01 || c.usage === 0x02)) {
      if (c.pointer === 'absolute') {
        shape.absolutePointer = true;
        if (c.axisMax !== undefined) shape.absoluteMax = Math.max(shape.absoluteMax ?? 0, c.axisMax);
      } else if (c.pointer === 'relative') shape.relativeMouse = true;
      else shape.unreadHid++;
    }
  }
}

export function shapeOf(d: UsbDeviceFact): UsbShape {
  const shape: UsbShape = {
    keyboard: false, absolutePointer: false, relativeMouse: false, unreadHid: 0, digitizer: false, storage: false, network: false,
    gadget: d.vendorId === LINUX_FOUNDATION && !d.rootHub && d.productId > 0x0003,
  };
  for (const i of d.interfaces) {
    if (i.interfaceClass === 0x08) shape.storage = true;
    if (isNetwork(i)) shape.network = true;
    if (!isHid(i)) continue;
    const kind = i.hidKind?.toLowerCase();
    if (!i.hid && i.hidCollections?.length) {
      addCollections(shape, i.hidCollections);
      continue;
    }
    if (i.hid) {
      shape.keyboard ||= i.hid.keyboard;
      shape.relativeMouse ||= i.hid.relativePointer;
      shape.digitizer ||= i.hid.digitizer;
      if (i.hid.absolutePointer) {
        shape.absolutePointer = true;
        shape.absoluteMax = Math.max(shape.absoluteMax ?? 0, i.hid.absoluteMaxX, i.hid.absoluteMaxY);
      }
      continue;
    }
    if (i.interfaceSubclass === 0x01 && i.interfaceProtocol === 0x01) shape.keyboard = true;
    else if (i.interfaceSubclass === 0x01 && i.interfaceProtocol === 0x02) shape.relativeMouse = true;
    else if (kind === 'keyboard') shape.keyboard = true;
    else if (kind === 'mouse') shape.unreadHid++; // dmesg calls absolute and relative pointers "Mouse"
    else shape.unreadHid++;
  }
  return shape;
}

function describe(s: UsbShape): string {
  return [
    s.keyboard && 'keyboard', s.absolutePointer && `absolute pointer${s.absoluteMax ? ` (0..${s.absoluteMax})` : ''}`,
    s.relativeMouse && 'relative mouse', s.unreadHid > 0 && `${s.unreadHid} other HID`, s.storage && 'mass storage',
    s.network && 'USB network', s.digitizer && 'digitizer',
  ].filter(Boolean).join(' + ');
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
/** " HID 0001:0006, 0001:0002 absolute 0..32767": the collections Windows named, for the evidence. */
function collectionsText(i: UsbInterfaceFact): string {
  if (!i.hidCollections?.length) return '';
  return ` HID ${i.hidCollections.map((c) => `${hex4(c.usagePage)}:${hex4(c.usage)}${c.pointer ? ` ${c.pointer}${c.axisMax ? ` 0..${c.axisMax}` : ''}` : ''}`).join(', ')}`;
}

/** Confidence that this shape is a KVM, with the reason; undefined when it looks like an ordinary device. */
export function kvmShapeScore(s: UsbShape): { confidence: number; reason: string } | undefined {
  const extras = (s.storage ? 1 : 0) + (s.network ? 1 : 0);
  if (s.keyboard && s.absolutePointer && !s.digitizer) {
    const range = s.absoluteMax === KVM_AXIS_MAX ? 5 : 0;
    return { confidence: Math.min(97, 85 + range + extras * 4 + (s.relativeMouse ? 2 : 0)), reason: 'one device is a keyboard and an absolute pointer' };
  }
  if (s.gadget && (s.keyboard || s.absolutePointer || s.relativeMouse || s.unreadHid > 0)) {
    return { confidence: 85, reason: 'a Linux USB gadget (vendor 1d6b) presents keyboard or pointer functions' };
  }
  if (s.keyboard && extras > 0 && (s.unreadHid > 0 || s.relativeMouse || s.absolutePointer)) {
    return { confidence: 80 + extras * 5, reason: 'one device is a keyboard, a pointer and a drive or network adapter' };
  }
  if (s.keyboard && s.storage) return { confidence: 70, reason: 'one device is a keyboard and a drive' };
  if (s.gadget) return { confidence: 45, reason: 'a Linux USB gadget (vendor 1d6b): a development board in gadget mode, or a KVM' };
  return undefined;
}

export function detectKvmUsbStructure(devices: readonly UsbDeviceFact[]): Finding[] {
  const findings: Finding[] = [];
  for (const d of devices) {
    if (d.rootHub || d.hub) continue;
    const shape = shapeOf(d);
    const score = kvmShapeScore(shape);
    if (!score) continue;
    const evidence: Evidence[] = [
      ...deviceEvidence(d),
      { field: 'usb.functions', value: describe(shape), matched: score.reason },
    ];
    for (const i of d.interfaces) {
      evidence.push({ field: `usb.interface.${i.number}`, value: `class ${i.interfaceClass.toString(16).padStart(2, '0')}/${i.interfaceSubclass.toString(16).padStart(2, '0')}/${i.interfaceProtocol.toString(16).padStart(2, '0')}${i.driver ? ` ${i.driver}` : ''}${collectionsText(i)}` });
    }
    findings.push({
      detector: KVM_USB_STRUCTURE,
      key: deviceKey(d),
      category: 'kvm',
      severity: score.confidence >= 80 ? 'high' : score.confidence >= 60 ? 'medium' : 'low',
      confidence: score.confidence,
      title: `USB device ${usbId(d)}${d.product ? ` "${d.product}"` : ''} is built like a KVM: ${describe(shape)}`,
      evidence: evidence.slice(0, 40),
      sanctioned: false,
    });
  }
  return findings;
}
