// Company policy that lowers or suppresses findings: the company's own remote-access tools and
// VPNs, and exceptions for known devices, displays, programs and interfaces, each with a reason.
// Configuration, never code (the loader is pipeline/policy-file.ts).
import { compileGlob } from '@farmwatch/shared';
import type { Finding } from './finding.js';

export interface PolicyException {
  /** Why this is allowed: shown with every finding it lowers. */
  reason: string;
  /** "lower": report as sanctioned information (default); "suppress": leave the finding out. */
  action?: 'lower' | 'suppress';
  /** Only findings of these detectors ("kvm.usb_structure"); all when absent. */
  detectors?: string[];
  usb?: { vendorId: number; productId: number; serial?: string };
  edid?: { manufacturer: string; productCode?: number; serialNumber?: number; serialString?: string };
  /** Executable path; `*` matches any run of characters. */
  processPath?: string;
  /** Network interface name; `*` wildcard. */
  interface?: string;
}

export interface Policy {
  /** Catalog ids of the company's own remote-access tools ("teamviewer"). */
  sanctionedTools: string[];
  /** Catalog ids of the company's own VPN clients, on top of those the catalog calls corporate. */
  sanctionedVpns?: string[];
  exceptions?: PolicyException[];
  /** Why each sanctioned tool or VPN is sanctioned, by catalog id. */
  reasons?: Record<string, string>;
}

export const EMPTY_POLICY: Policy = { sanctionedTools: [] };

const values = (f: Finding, field: string): string[] => f.evidence.filter((e) => e.field === field).map((e) => e.value);

/** Whether an exception covers a finding: every subject the finding names is excepted. */
export function exceptionCovers(x: PolicyException, f: Finding): boolean {
  if (x.detectors && !x.detectors.includes(f.detector)) return false;
  if (x.usb) {
    const id = `${x.usb.vendorId.toString(16).padStart(4, '0')}:${x.usb.productId.toString(16).padStart(4, '0')}`;
    const ids = values(f, 'usb.vendor_product');
    if (ids.length === 0 || !ids.every((v) => v === id)) return false;
    if (x.usb.serial !== undefined && !values(f, 'usb.serial').includes(x.usb.serial)) return false;
    return true;
  }
  if (x.edid) {
    if (!values(f, 'edid.manufacturer').includes(x.edid.manufacturer)) return false;
    if (x.edid.productCode !== undefined && !values(f, 'edid.product_code').includes(`0x${x.edid.productCode.toString(16).padStart(4, '0')}`)) return false;
    if (x.edid.serialNumber !== undefined && !values(f, 'edid.serial_number').includes(`0x${x.edid.serialNumber.toString(16).toUpperCase().padStart(8, '0')}`)) return false;
    if (x.edid.serialString !== undefined && !values(f, 'edid.serial_string').includes(x.edid.serialString)) return false;
    return true;
  }
  if (x.processPath) {
    const paths = values(f, 'process.path');
    const m = compileGlob(x.processPath);
    return paths.length > 0 && paths.every((p) => m(p)) && values(f, 'process.name').length === paths.length;
  }
  if (x.interface) {
    const names = values(f, 'interface.name');
    const m = compileGlob(x.interface);
    return names.length > 0 && names.every((n) => m(n));
  }
  return false;
}

/** Findings after the policy's exceptions: lowered to sanctioned information, or left out. */
export function applyExceptions(findings: readonly Finding[], policy: Policy): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const x = (policy.exceptions ?? []).find((e) => exceptionCovers(e, f));
    if (!x) { out.push(f); continue; }
    if (x.action === 'suppress') continue;
    out.push({
      ...f, sanctioned: true, severity: 'info',
      title: f.title.endsWith('(allowed by policy)') ? f.title : `${f.title} (allowed by policy)`,
      evidence: [...f.evidence, { field: 'policy.exception', value: x.reason }],
    });
  }
  return out;
}
