// Several remote-access vendors active on one laptop at once: a helpdesk uses one tool; a farm
// laptop often carries two or three (one as a fallback when the other is blocked). Only tools that
// can let others in count: a developer's PuTTY, WinSCP and mstsc are three clients, not a farm.
import type { Evidence, Finding } from './finding.js';
import { roleOfFinding } from './remote-access-role.js';

export const REMOTE_ACCESS_VENDORS = 'remote_access.multiple_vendors';
const ACTIVE = new Set(['remote_access.process', 'remote_access.network', 'remote_access.session']);

export function detectMultipleVendors(findings: readonly Finding[]): Finding[] {
  const tools = [...new Set(findings.filter((f) => ACTIVE.has(f.detector) && !f.sanctioned && f.catalogEntry && roleOfFinding(f) !== 'client')
    .map((f) => f.catalogEntry ?? ''))].sort();
  if (tools.length < 2) return [];
  const evidence: Evidence[] = tools.map((t) => ({ field: 'remote_access.tool', value: t, catalogEntry: t }));
  return [{
    detector: REMOTE_ACCESS_VENDORS, key: 'active', category: 'remote_access',
    severity: tools.length >= 3 ? 'high' : 'medium', confidence: 85,
    title: `${tools.length} remote-access tools are active at once: ${tools.join(', ')}`,
    evidence, sanctioned: false,
  }];
}
