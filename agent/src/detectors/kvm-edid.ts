// The "monitor" a KVM presents on the laptop's HDMI output: catalog EDID signatures (PiKVM's LNX
// 0x7770..0x7773, the Toshiba bridge sample EDIDs with serial 0x88888800, NanoKVM's SPD, names
// "TinyPilot", "Toshiba-H2C", "PI-KVM Video", JetKVM's cloned monitor presets by fingerprint and
// fixed serial strings). A signature matches only when every field it sets matches, so a real
// Lanix (LNX) or Toshiba (TSB) display does not.
import { compileGlob, decodeEdid, edidFingerprint, modeText, type Catalog, type DecodedEdid, type EdidSignature, type KvmDevice } from '@farmwatch/shared';
import type { DisplayFact } from '../sensors/displays/types.js';
import type { Evidence, Finding } from './finding.js';

export const KVM_EDID = 'kvm.edid';

function fieldsMatch(sig: EdidSignature, e: DecodedEdid): string[] | undefined {
  const matched: string[] = [];
  if (sig.manufacturer) { if (sig.manufacturer !== e.manufacturerId) return undefined; matched.push('manufacturer'); }
  if (sig.productCodeMax) {
    if (e.productCode < (sig.productCodeMin ?? 0) || e.productCode > sig.productCodeMax) return undefined;
    matched.push('product code');
  }
  if (sig.serialNumberHex) { if (sig.serialNumberHex !== e.serialNumberHex) return undefined; matched.push('serial number'); }
  if (sig.monitorName) { if (!e.monitorName || !compileGlob(sig.monitorName)(e.monitorName)) return undefined; matched.push('monitor name'); }
  if (sig.serialString) { if (!e.serialString || !compileGlob(sig.serialString)(e.serialString)) return undefined; matched.push('serial string'); }
  // A manufacturer id alone says nothing: Lanix and Toshiba make real displays.
  if (matched.length === 0 || (matched.length === 1 && matched[0] === 'manufacturer')) return undefined;
  return matched;
}

export function matchEdid(catalog: Catalog, e: DecodedEdid, fingerprint: string): { kvm: KvmDevice; sig: EdidSignature; fields: string[] } | undefined {
  let best: { kvm: KvmDevice; sig: EdidSignature; fields: string[] } | undefined;
  for (const kvm of catalog.kvmDevices ?? []) {
    for (const sig of kvm.edid ?? []) {
      const fields = sig.fingerprint && sig.fingerprint === fingerprint ? ['fingerprint'] : fieldsMatch(sig, e);
      if (fields && (!best || (sig.confidence ?? 0) > (best.sig.confidence ?? 0))) best = { kvm, sig, fields };
    }
  }
  return best;
}

export function edidEvidence(e: DecodedEdid, connector: string): Evidence[] {
  const ev: Evidence[] = [
    { field: 'display.connector', value: connector },
    { field: 'edid.manufacturer', value: e.manufacturerId },
    { field: 'edid.product_code', value: `0x${e.productCode.toString(16).padStart(4, '0')}` },
    { field: 'edid.serial_number', value: `0x${e.serialNumberHex}` },
  ];
  if (e.monitorName) ev.push({ field: 'edid.monitor_name', value: e.monitorName });
  if (e.serialString) ev.push({ field: 'edid.serial_string', value: e.serialString });
  ev.push({ field: 'edid.size_cm', value: `${e.widthCm}x${e.heightCm}` });
  if (e.preferred) ev.push({ field: 'edid.preferred_mode', value: modeText(e.preferred) });
  return ev;
}

export function detectKvmEdid(displays: readonly DisplayFact[], catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  for (const d of displays) {
    if (!d.edid || d.edid.length < 128) continue;
    const e = decodeEdid(d.edid);
    const fingerprint = edidFingerprint(d.edid);
    const m = matchEdid(catalog, e, fingerprint);
    if (!m) continue;
    let confidence = m.sig.confidence ?? 80;
    const evidence = edidEvidence(e, d.connector);
    evidence.unshift({ field: 'edid.signature', value: m.fields.join(' + '), catalogEntry: m.kvm.id ?? '', matched: m.sig.id ?? '' });
    if (e.widthCm === 0 && e.heightCm === 0) confidence = Math.min(99, confidence + 3);
    if (m.fields.includes('fingerprint')) evidence.push({ field: 'edid.fingerprint', value: fingerprint.slice(0, 16), matched: m.sig.note ?? '' });
    // Windows keeps the EDID of every monitor it ever set up: this one was attached once, maybe not now.
    if (d.seenBefore) evidence.push({ field: 'display.seen_before', value: 'recorded by the OS; may not be attached now' });
    findings.push({
      detector: KVM_EDID,
      key: `${d.connector}:${fingerprint.slice(0, 16)}`,
      category: 'kvm',
      severity: confidence >= 85 ? 'high' : 'medium',
      confidence,
      title: `The display ${d.seenBefore ? 'once attached as' : 'on'} ${d.connector} is ${m.kvm.name?.replace(/\s*\(.*$/, '') ?? m.kvm.id}'s EDID${e.monitorName ? ` ("${e.monitorName}")` : ''}`,
      evidence,
      catalogEntry: m.kvm.id ?? '',
      sanctioned: false,
    });
  }
  return findings;
}
