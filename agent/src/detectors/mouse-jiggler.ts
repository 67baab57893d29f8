// Hardware mouse jigglers by their USB identity (catalog): they keep a laptop "active" while
// nobody is at it. Jigglers that clone a real mouse's ids are not visible this way.
import type { Catalog } from '@farmwatch/shared';
import type { UsbDeviceFact } from '../sensors/usb/types.js';
import type { Finding } from './finding.js';
import { deviceEvidence, deviceKey, matchIdentity, usbId, type IdentityMatch } from './usb-identity.js';

export const MOUSE_JIGGLER = 'mouse_jiggler.usb';

export function detectMouseJigglers(devices: readonly UsbDeviceFact[], catalog: Catalog): Finding[] {
  const findings: Finding[] = [];
  for (const d of devices) {
    if (d.rootHub) continue;
    for (const j of catalog.mouseJigglers ?? []) {
      let best: IdentityMatch | undefined;
      for (const u of j.usb ?? []) {
        const m = matchIdentity(d, u);
        if (m && (!best || m.confidence > best.confidence)) best = m;
      }
      if (!best) continue;
      const matched = `${usbId({ vendorId: best.identity.vendorId ?? 0, productId: best.identity.productId ?? 0 })} (${best.fields.join(', ')})`;
      findings.push({
        detector: MOUSE_JIGGLER,
        key: deviceKey(d),
        category: 'mouse_jiggler',
        severity: 'medium',
        confidence: best.confidence,
        title: `${j.name?.replace(/\s*\(.*$/, '') ?? j.id} is plugged in`,
        evidence: deviceEvidence(d, j.id ?? '', matched),
        catalogEntry: j.id ?? '',
        sanctioned: false,
      });
      break;
    }
  }
  return findings;
}
