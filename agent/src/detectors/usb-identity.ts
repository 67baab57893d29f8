// Matching a USB device against a catalog identity. An identity whose ids are the vendor's own
// matches on vid:pid alone; one whose ids ordinary devices share (Linux gadget defaults, cloned
// Logitech/Dell ids) needs one of its strings to match too (all of them when the identity says so:
// a preset copying a real device's strings), or, for a device that ships without strings, the
// absence of strings.
import { compileGlob, type UsbIdentity } from '@farmwatch/shared';
import type { UsbDeviceFact } from '../sensors/usb/types.js';
import type { Evidence } from './finding.js';

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
export const usbId = (d: { vendorId: number; productId: number }): string => `${hex4(d.vendorId)}:${hex4(d.productId)}`;

export interface IdentityMatch {
  identity: UsbIdentity;
  /** Which fields matched: "ids", "manufacturer", "product", "serial", "no strings". */
  fields: string[];
  confidence: number;
}

function stringMatches(pattern: string | null | undefined, value: string | undefined): boolean {
  return !!pattern && value !== undefined && value.length > 0 && compileGlob(pattern)(value.trim());
}

export function matchIdentity(d: UsbDeviceFact, u: UsbIdentity): IdentityMatch | undefined {
  const vid = u.vendorId ?? 0;
  const anyVendor = vid === 0 && u.anyProduct === true;
  if (!anyVendor && vid !== d.vendorId) return undefined;
  if (!u.anyProduct && (u.productId ?? 0) !== d.productId) return undefined;
  const fields: string[] = anyVendor ? [] : ['ids'];
  if (stringMatches(u.manufacturer, d.manufacturer)) fields.push('manufacturer');
  if (stringMatches(u.product, d.product)) fields.push('product');
  if (stringMatches(u.serial, d.serial)) fields.push('serial');
  const strings = fields.length - (anyVendor ? 0 : 1);
  // A preset that copies a real device's strings is that device unless every string agrees.
  const named = [u.manufacturer, u.product, u.serial].filter((x) => !!x).length;
  if (u.allStrings && strings < named) return undefined;
  if (u.noStrings) {
    if (d.manufacturer || d.product) return undefined;
    fields.push('no strings');
  } else if (!u.idsAlone && strings === 0) {
    return undefined;
  }
  const base = u.confidence ?? 50;
  // Each string beyond the first that agrees makes a spoof-by-accident less likely.
  const confidence = Math.min(99, base + Math.max(0, strings - 1) * 3);
  return { identity: u, fields, confidence };
}

/** Evidence naming the device: ids, strings, serial, where it sits. */
export function deviceEvidence(d: UsbDeviceFact, catalogEntry?: string, matched?: string): Evidence[] {
  const ev: Evidence[] = [{ field: 'usb.vendor_product', value: usbId(d), ...(catalogEntry ? { catalogEntry } : {}), ...(matched ? { matched } : {}) }];
  if (d.manufacturer) ev.push({ field: 'usb.manufacturer', value: d.manufacturer });
  if (d.product) ev.push({ field: 'usb.product', value: d.product });
  if (d.serial) ev.push({ field: 'usb.serial', value: d.serial });
  ev.push({ field: 'usb.port', value: d.portPath });
  return ev;
}

/** A stable key for a device: vid:pid and serial, or the port when it has no serial. */
export function deviceKey(d: UsbDeviceFact): string {
  return `${usbId(d)}:${d.serial || d.portPath}`;
}
