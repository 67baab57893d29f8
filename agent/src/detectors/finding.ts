// What detectors produce. Detectors are pure functions (facts, catalog, policy) -> findings: no
// I/O, no clock, so that the same recorded input always gives the same output (golden tests).

export type SeverityName = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type CategoryName = 'remote_access' | 'kvm' | 'vpn' | 'mouse_jiggler' | 'location' | 'tamper';

export interface Evidence {
  /** Which fact: "process.name", "process.path", "usb.vendor_id". */
  field: string;
  value: string;
  /** The catalog entry it matched, and the catalog value that matched. */
  catalogEntry?: string;
  matched?: string;
}

export interface Finding {
  detector: string;
  /** What the finding is about, stable across scans ("anydesk"). */
  key: string;
  category: CategoryName;
  severity: SeverityName;
  /** 0..100 */
  confidence: number;
  title: string;
  evidence: Evidence[];
  catalogEntry?: string;
  /** Policy names this the company's own tool: reported, never alerted. */
  sanctioned: boolean;
}

export { EMPTY_POLICY, type Policy, type PolicyException } from './policy.js';

const ORDER: Record<SeverityName, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function bySeverity(a: Finding, b: Finding): number {
  return ORDER[b.severity] - ORDER[a.severity] || a.detector.localeCompare(b.detector) || a.key.localeCompare(b.key);
}
