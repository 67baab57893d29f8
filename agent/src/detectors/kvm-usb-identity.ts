// IP-KVMs and USB KVMs by identity: the USB ids and strings the catalog lists (PiKVM, TinyPilot,
// JetKVM, NanoKVM, BliKVM, GL.iNet Comet, Openterface/CH9329, capture chips, enterprise
// KVM-over-IP), and the virtual drives they emulate ("PiKVM Optical Drive", "Glinet Flash Drive").
import { compileGlob, type Catalog, type KvmDevice } from '@farmwatch/shared';
import type { UsbDeviceFact } from '../sensors/usb/types.js';
import type { Evidence, Finding } from './finding.js';
import { deviceEvidence, deviceKey, matchIdentity, usbId, type IdentityMatch } from './usb-identity.js';

export const KVM_USB_IDENTITY = 'kvm.usb_identity';

function storageMatch(d: UsbDeviceFact, kvm: KvmDevice): { vendor: string; product: string } | undefined {
  for (const i of d.interfaces) {
    if (!i.storageVendor) continue;
    for (const s of kvm.storage ?? []) {
      const vendorOk = !!s.vendor && compileGlob(s.vendor)(i.storageVendor.trim());
      const productOk = !s.product || compileGlob(s.product)((i.storageProduct ?? '').trim());
      if (vendorOk && productOk) return { vendor: i.storageVendor.trim(), product: (i.storageProduct ?? '').trim() };
    }
  }
  return undefined;
}

function severityOf(confidence: number, controller: boolean): Finding['severity'] {
  if (controller) return 'low';
  return confidence >= 85 ? 'high' : confidence >= 60 ? 'medium' : 'low';
}

export function detectKvmUsbIdentity(devices: readonly UsbDeviceFact[], catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  for (const d of devices) {
    if (d.rootHub) continue;
    let best: { kvm: KvmDevice; match: IdentityMatch } | undefined;
    let storage: { kvm: KvmDevice; vendor: string; product: string } | undefined;
    for (const kvm of catalog.kvmDevices ?? []) {
      for (const u of kvm.usb ?? []) {
        const m = matchIdentity(d, u);
        if (m && (!best || m.confidence > best.match.confidence)) best = { kvm, match: m };
      }
      const s = storageMatch(d, kvm);
      if (s && !storage) storage = { kvm, ...s };
    }
    if (!best && !storage) continue;
    const kvm = best?.kvm ?? storage?.kvm;
    if (!kvm) continue;
    const controller = best?.match.identity.side === 'controller' && !storage;
    let confidence = best?.match.confidence ?? 85;
    if (best && storage) confidence = Math.min(99, confidence + 5);
    const matched = best ? `${usbId({ vendorId: best.match.identity.vendorId ?? 0, productId: best.match.identity.productId ?? 0 })} (${best.match.fields.join(', ')})` : undefined;
    const evidence: Evidence[] = deviceEvidence(d, best ? kvm.id ?? '' : undefined, matched);
    if (storage) evidence.push({ field: 'usb.storage_inquiry', value: `${storage.vendor} ${storage.product}`.trim(), catalogEntry: storage.kvm.id ?? '', matched: 'virtual drive of the KVM' });
    const name = kvm.name?.replace(/\s*\(.*$/, '') ?? kvm.id ?? '';
    findings.push({
      detector: KVM_USB_IDENTITY,
      key: deviceKey(d),
      category: 'kvm',
      severity: severityOf(confidence, controller),
      confidence,
      title: controller
        ? `${name} controller hardware is attached (this machine drives another one)`
        : `${name} is attached over USB`,
      evidence,
      catalogEntry: kvm.id ?? '',
      sanctioned: false,
    });
  }
  return findings;
}
