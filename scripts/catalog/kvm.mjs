// KVM devices and mouse jigglers for the catalog, from reference/kvm-devices.json, the
// EDID files beside it and shared/catalog/kvm-additions.json.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** USB ids that ordinary devices use too: a string must match as well (see kvm-devices.json notes). */
const SHARED_VENDORS = new Set([0x1d6b, 0x046d, 0x045e]);
const SHARED_IDS = new Set(['413c:2011', '1ea7:0064', '16c0:27da']);
/** Generic chips that identify nothing by themselves (CH340 serial adapters are on every Arduino clone). */
const GENERIC_IDS = new Set(['1a86:7523']);

const hexId = (s) => (typeof s === 'string' && /^0x[0-9a-f]{1,4}$/i.test(s) ? Number.parseInt(s, 16) : undefined);
const key = (v, p) => `${v.toString(16).padStart(4, '0')}:${p.toString(16).padStart(4, '0')}`;

/** A string descriptor as a pattern, or '' when the source gives a placeholder or a description. */
function descriptor(s) {
  if (typeof s !== 'string' || s === '' || s.startsWith('<') || s.startsWith('(')) return '';
  // Remarks of the reference in parentheses go; a real string that holds parentheses stays
  // ("Logitech (x64)" is JetKVM's non-genuine manufacturer string).
  return s.replace(/\s*\((as observed|video function|[^)]*;)[^)]*\)\s*$/i, '').trim();
}

function confidenceOf(u, fallback) {
  if (u.confidence === 'medium') return 60;
  if (u.confidence === 'low') return 40;
  return fallback;
}

export function usbIdentities(device, entryConfidence) {
  const out = [];
  for (const u of device.usb ?? []) {
    const vid = hexId(u.vid);
    const pid = hexId(u.pid);
    const manufacturer = descriptor(u.manufacturer);
    const product = descriptor(u.product);
    const serial = descriptor(u.serial);
    const noStrings = typeof u.manufacturer === 'string' && /none by default/i.test(u.manufacturer);
    if (vid === undefined) {
      // Known only by its product string (NanoKVM-USB, NanoKVM Pro): match that string on any vendor.
      if (product) out.push({ vendorId: 0, productId: 0, anyProduct: true, manufacturer: '', product, serial: '', idsAlone: false, confidence: confidenceOf(u, 70), side: u.side ?? 'target', note: u.notes ?? '' });
      continue;
    }
    const anyProduct = pid === undefined;
    const ids = anyProduct ? '' : key(vid, pid);
    if (GENERIC_IDS.has(ids)) continue;
    const shared = SHARED_VENDORS.has(vid) || SHARED_IDS.has(ids) || u.preset !== undefined;
    const hasStrings = Boolean(manufacturer || product || serial);
    if (shared && !hasStrings && !noStrings) continue; // nothing left that tells it from an ordinary device
    out.push({
      vendorId: vid, productId: pid ?? 0, anyProduct,
      manufacturer: shared ? manufacturer : '', product: shared ? product : '', serial: shared ? serial : '',
      idsAlone: !shared, noStrings,
      confidence: confidenceOf(u, shared ? 90 : entryConfidence),
      side: /controller/.test(u.side ?? '') ? 'controller' : 'target',
      note: [u.preset, u.notes].filter(Boolean).join('; ').slice(0, 300),
      ...(u.matchAllStrings ? { allStrings: true } : {}),
    });
  }
  return out;
}

/** EDID bytes from a .hex or .bin reference file. */
export function readEdidFile(path) {
  const raw = readFileSync(path);
  if (path.endsWith('.bin')) return raw;
  const hex = raw.toString('utf8').replace(/[^0-9a-f]/gi, '');
  return Buffer.from(hex, 'hex');
}

/** sha256 of the EDID blocks with each block's checksum byte zeroed (a fixed checksum is the same EDID). */
export function edidFingerprint(bytes) {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 128)));
  for (let i = 127; i < copy.length; i += 128) copy[i] = 0;
  return createHash('sha256').update(copy).digest('hex');
}

function edidSignatures(device, reference) {
  const out = [];
  for (const [i, e] of (device.edid ?? []).entries()) {
    if (!e.manufacturer) continue; // prose-only notes
    const code = hexId(e.productCode) ?? 0;
    const serial = typeof e.serialNumber === 'string' ? e.serialNumber.replace(/^0x/i, '').toUpperCase().padStart(8, '0') : '';
    const file = e.file ? join(reference, e.file) : undefined;
    out.push({
      id: `${device.id}-edid-${i + 1}`,
      manufacturer: e.manufacturer, productCodeMin: code, productCodeMax: code,
      serialNumberHex: serial, monitorName: e.monitorName ?? '', serialString: e.serialString ?? '',
      fingerprint: file && existsSync(file) ? edidFingerprint(readEdidFile(file)) : '',
      confidence: e.label?.includes('spoof') || e.notes?.includes('copy') ? 90 : 95,
      note: [e.label, e.file].filter(Boolean).join(' ') || (e.notes ?? '').slice(0, 200),
    });
  }
  return out;
}

function sourcesOf(device) {
  return (device.source ?? []).map((s) => ({ repo: s.repo ?? '', path: s.path ?? '', commit: s.commit ?? '', license: s.license ?? '', url: s.url ?? '', note: s.note ?? (s.url ? 'see url' : '') }));
}

export function buildKvm(kvmRef, additions, reference) {
  const byAddition = new Map(additions.devices.map((d) => [d.id, d]));
  const kvmDevices = [];
  const mouseJigglers = [];
  for (const device of kvmRef.devices) {
    const sources = sourcesOf(device);
    if (device.category === 'mouse-jiggler') {
      mouseJigglers.push({ id: device.id, name: device.name, usb: usbIdentities(device, 85), sources });
      continue;
    }
    const add = byAddition.get(device.id);
    byAddition.delete(device.id);
    const entryConfidence = device.id === 'enterprise-kvm-over-ip' ? 60 : device.category === 'hdmi-capture-chip' ? 60 : 85;
    kvmDevices.push({
      id: device.id, name: device.name, category: device.category,
      usb: usbIdentities(device, entryConfidence),
      storage: add?.storage ?? [],
      edid: [...edidSignatures(device, reference), ...(add?.edid ?? []).map((e) => ({
        productCodeMin: 0, productCodeMax: 0, manufacturer: '', serialNumberHex: '', monitorName: '', serialString: '', fingerprint: '', note: '', ...e,
      }))],
      mdnsNames: add?.mdnsNames ?? [], macPrefixes: add?.macPrefixes ?? [],
      sources: [...sources, ...(add?.sources ?? []).map((s) => ({ repo: '', path: '', commit: '', license: '', url: '', note: '', ...s }))],
    });
  }
  if (byAddition.size > 0) throw new Error(`kvm additions: ${[...byAddition.keys()].join(', ')} are not kvm-devices.json ids`);
  return { kvmDevices, mouseJigglers };
}
