// What Windows' Plug and Play hardware and compatible ids say about a USB device, an interface or
// a HID collection, read from the ids alone (no descriptor, no driver of our own):
// - a USB interface node's compatible ids name its class triple: USB\Class_03&SubClass_01&Prot_01;
// - a USB device node's name the device class (USB\DevClass_09&SubClass_00&Prot_00, a hub) and its
//   hardware ids the bcdDevice (USB\VID_046D&PID_C52B&REV_1211);
// - HIDClass makes one child per top-level collection of a HID interface, and names the
//   collection's usage page and usage in its ids: HID_DEVICE_UP:0001_U:0002 and
//   HID\VID_046D&UP:0001_U:0002, plus HID_DEVICE_SYSTEM_MOUSE / _KEYBOARD / _GAME / _CONTROL /
//   _CONSUMER for the usual ones. A mouse's ids do not say whether it reports absolute or
//   relative X/Y: hid-caps-windows.ts asks for that.

export interface UsbTriple { cls: number; sub: number; proto: number }

const hex = (s: string): number => Number.parseInt(s, 16);

/** USB\Class_cc&SubClass_ss&Prot_pp (an interface) or USB\DevClass_... (a device), the most specific one. */
export function usbTripleFromIds(ids: readonly string[], kind: 'Class' | 'DevClass'): UsbTriple | undefined {
  const re = new RegExp(`^USB\\\\${kind}_([0-9A-F]{2})(?:&SubClass_([0-9A-F]{2})(?:&Prot_([0-9A-F]{2}))?)?$`, 'i');
  let best: { t: UsbTriple; parts: number } | undefined;
  for (const id of ids) {
    const m = re.exec(id.trim());
    if (!m) continue;
    const parts = 1 + (m[2] ? 1 : 0) + (m[3] ? 1 : 0);
    if (best && best.parts >= parts) continue;
    best = { t: { cls: hex(m[1] ?? '0'), sub: hex(m[2] ?? '0'), proto: hex(m[3] ?? '0') }, parts };
  }
  return best?.t;
}

/** bcdDevice from a hardware id's REV_xxxx. */
export function revisionFromIds(ids: readonly string[]): number | undefined {
  for (const id of ids) {
    const m = /^USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4}&REV_([0-9A-F]{4})\b/i.exec(id.trim());
    if (m) return hex(m[1] ?? '0');
  }
  return undefined;
}

const SYSTEM_NAMES: Record<string, { usagePage: number; usage: number }> = {
  HID_DEVICE_SYSTEM_KEYBOARD: { usagePage: 0x01, usage: 0x06 },
  HID_DEVICE_SYSTEM_MOUSE: { usagePage: 0x01, usage: 0x02 },
  HID_DEVICE_SYSTEM_CONTROL: { usagePage: 0x01, usage: 0x80 },
  HID_DEVICE_SYSTEM_CONSUMER: { usagePage: 0x0c, usage: 0x01 },
};

/** The top-level collection a HID child stands for, from its hardware and compatible ids. */
export function hidCollectionFromIds(ids: readonly string[]): { usagePage: number; usage: number } | undefined {
  for (const id of ids) {
    const m = /^HID_DEVICE_UP:([0-9A-F]{4})_U:([0-9A-F]{4})$/i.exec(id.trim()) ?? /^HID\\VID_[0-9A-F]{4}&UP:([0-9A-F]{4})_U:([0-9A-F]{4})$/i.exec(id.trim());
    if (m) return { usagePage: hex(m[1] ?? '0'), usage: hex(m[2] ?? '0') };
  }
  // HID_DEVICE_SYSTEM_MOUSE stands for Pointer (01:01) and Mouse (01:02) alike; either is a pointer.
  for (const id of ids) {
    const named = SYSTEM_NAMES[id.trim().toUpperCase()];
    if (named) return { ...named };
  }
  return undefined;
}

/** Generic Desktop Pointer or Mouse: the collections whose X/Y may be absolute (a KVM) or relative. */
export const isPointerCollection = (c: { usagePage: number; usage: number }): boolean => c.usagePage === 0x01 && (c.usage === 0x01 || c.usage === 0x02);
/** Generic Desktop Keyboard or Keypad. */
export const isKeyboardCollection = (c: { usagePage: number; usage: number }): boolean => c.usagePage === 0x01 && (c.usage === 0x06 || c.usage === 0x07);
