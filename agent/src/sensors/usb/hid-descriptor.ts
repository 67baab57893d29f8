// Reads a HID report descriptor (USB HID 1.11, section 6.2.2) far enough to say what the
// interface can do: keyboard, relative mouse, absolute pointer (with its logical range), digitizer,
// consumer keys. A KVM's mouse is an absolute pointer on the Generic Desktop page with X/Y
// 0..32767; a drawing tablet or a touch screen reports on the Digitizer page instead.
import type { HidSummary } from './types.js';

const PAGE_GENERIC_DESKTOP = 0x01;
const PAGE_KEYBOARD = 0x07;
const PAGE_DIGITIZER = 0x0d;
const PAGE_CONSUMER = 0x0c;
const GD_POINTER = 0x01;
const GD_MOUSE = 0x02;
const GD_KEYBOARD = 0x06;
const GD_KEYPAD = 0x07;
const GD_X = 0x30;
const GD_Y = 0x31;

function unsigned(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v |= (bytes[at + i] ?? 0) << (8 * i);
  return v >>> 0;
}

function signed(bytes: Uint8Array, at: number, size: number): number {
  const u = unsigned(bytes, at, size);
  if (size === 0) return 0;
  const bits = size * 8;
  return bits < 32 && u >= 2 ** (bits - 1) ? u - 2 ** bits : u | 0;
}

export function summarizeHidDescriptor(bytes: Uint8Array): HidSummary {
  const out: HidSummary = {
    keyboard: false, relativePointer: false, absolutePointer: false, absoluteMaxX: 0, absoluteMaxY: 0, digitizer: false, consumerControl: false,
  };
  let usagePage = 0;
  let logicalMin = 0;
  let logicalMax = 0;
  let logicalMaxUnsigned = 0;
  const stack: { usagePage: number; logicalMin: number; logicalMax: number; logicalMaxUnsigned: number }[] = [];
  let usages: { page: number; id: number }[] = [];
  let usageMin: { page: number; id: number } | undefined;
  let usageMax: number | undefined;
  /** The application collection we are inside: its page and usage. */
  const collections: { page: number; id: number }[] = [];
  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i] ?? 0;
    if (prefix === 0xfe) { // long item: size in the next byte
      i += 3 + (bytes[i + 1] ?? 0);
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const type = (prefix >> 2) & 0x03;
    const tag = (prefix >> 4) & 0x0f;
    const at = i + 1;
    i = at + size;
    if (type === 1) { // global
      if (tag === 0) usagePage = unsigned(bytes, at, size);
      else if (tag === 1) logicalMin = signed(bytes, at, size);
      else if (tag === 2) { logicalMax = signed(bytes, at, size); logicalMaxUnsigned = unsigned(bytes, at, size); }
      else if (tag === 10) stack.push({ usagePage, logicalMin, logicalMax, logicalMaxUnsigned });
      else if (tag === 11) ({ usagePage, logicalMin, logicalMax, logicalMaxUnsigned } = stack.pop() ?? { usagePage, logicalMin, logicalMax, logicalMaxUnsigned });
      continue;
    }
    if (type === 2) { // local
      const raw = unsigned(bytes, at, size);
      const usage = size === 4 ? { page: raw >>> 16, id: raw & 0xffff } : { page: usagePage, id: raw };
      if (tag === 0) usages.push(usage);
      else if (tag === 1) usageMin = usage;
      else if (tag === 2) usageMax = size === 4 ? raw & 0xffff : raw;
      continue;
    }
    if (type !== 0) continue;
    // main items
    if (tag === 10) { // collection
      const first = usages[0] ?? { page: usagePage, id: 0 };
      collections.push(first);
      const kind = unsigned(bytes, at, size);
      if (kind === 1) { // application
        if (first.page === PAGE_GENERIC_DESKTOP && (first.id === GD_KEYBOARD || first.id === GD_KEYPAD)) out.keyboard = true;
        if (first.page === PAGE_DIGITIZER) out.digitizer = true;
        if (first.page === PAGE_CONSUMER) out.consumerControl = true;
      }
    } else if (tag === 12) {
      collections.pop();
    } else if (tag === 8) { // input
      const flags = unsigned(bytes, at, size);
      const constant = (flags & 0x01) !== 0;
      const relative = (flags & 0x04) !== 0;
      const list = [...usages];
      if (usageMin !== undefined && usageMax !== undefined && usageMax - usageMin.id < 1024) {
        for (let u = usageMin.id; u <= usageMax; u++) list.push({ page: usageMin.page, id: u });
      }
      const app = collections[0];
      const inDigitizer = collections.some((c) => c.page === PAGE_DIGITIZER);
      const inPointer = collections.some((c) => c.page === PAGE_GENERIC_DESKTOP && (c.id === GD_MOUSE || c.id === GD_POINTER));
      if (!constant) {
        if (list.some((u) => u.page === PAGE_KEYBOARD) && app?.page === PAGE_GENERIC_DESKTOP && app.id === GD_KEYBOARD) out.keyboard = true;
        const axes = list.filter((u) => u.page === PAGE_GENERIC_DESKTOP && (u.id === GD_X || u.id === GD_Y));
        if (axes.length > 0 && !inDigitizer && inPointer) {
          if (relative) out.relativePointer = true;
          else {
            out.absolutePointer = true;
            const max = logicalMin >= 0 ? logicalMaxUnsigned : logicalMax;
            if (axes.some((u) => u.id === GD_X)) out.absoluteMaxX = Math.max(out.absoluteMaxX, max);
            if (axes.some((u) => u.id === GD_Y)) out.absoluteMaxY = Math.max(out.absoluteMaxY, max);
          }
        }
      }
    }
    usages = [];
    usageMin = undefined;
    usageMax = undefined;
  }
  return out;
}
