// `system_profiler SPUSBDataType -json` (macOS): nested "_items" of devices with vendor_id
// ("0x043e  (LG Electronics USA Inc.)"), product_id, manufacturer, serial_num and location_id.
// It names no interfaces, so a device read from it has `interfacesKnown: false`: the structure
// detector then has nothing to judge, and only catalog identities apply.
import type { UsbDeviceFact } from './types.js';

type Json = Record<string, unknown>;

export function parseSystemProfilerUsbJson(text: string): UsbDeviceFact[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { return []; }
  const out: UsbDeviceFact[] = [];
  const visit = (items: unknown): void => {
    for (const it of Array.isArray(items) ? items : []) {
      if (typeof it !== 'object' || it === null) continue;
      const o = it as Json;
      const vid = typeof o.vendor_id === 'string' ? /^0x([0-9a-f]{1,4})/i.exec(o.vendor_id)?.[1] : undefined;
      const pid = typeof o.product_id === 'string' ? /^0x([0-9a-f]{1,4})/i.exec(o.product_id)?.[1] : undefined;
      if (vid && pid) {
        const loc = typeof o.location_id === 'string' ? /^(0x[0-9a-f]+)/i.exec(o.location_id)?.[1] : undefined;
        const d: UsbDeviceFact = {
          vendorId: Number.parseInt(vid, 16), productId: Number.parseInt(pid, 16), deviceClass: 0, deviceSubclass: 0, deviceProtocol: 0,
          portPath: loc ?? `sp-${out.length + 1}`, rootHub: false, interfaces: [], interfacesKnown: false,
        };
        if (typeof o._name === 'string') d.product = o._name;
        if (typeof o.manufacturer === 'string') d.manufacturer = o.manufacturer;
        if (typeof o.serial_num === 'string') d.serial = o.serial_num;
        if (/hub/i.test(d.product ?? '')) d.hub = true;
        out.push(d);
      }
      visit(o._items);
    }
  };
  for (const section of Array.isArray((doc as Json | null)?.SPUSBDataType) ? (doc as Json).SPUSBDataType as unknown[] : []) visit([section]);
  return out;
}
