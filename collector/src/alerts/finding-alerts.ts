// Which agent findings a laptop's case carries as its evidence. A finding the company's policy
// sanctions never does; an informational one neither, nor a client-only remote-access match (it
// says how this laptop reaches other machines, not who controls it). Everything else is evidence:
// an active one opens the laptop's case (or adds to it), a cleared one stays listed as gone.
// Findings are no alerts of their own: the analyst's unit is the laptop (collector/RULES.md, "Cases").
import { ROLE_EVIDENCE_FIELD } from '@farmwatch/shared';
import type { FindingRow } from '../store/records.js';

const ALERTING = new Set(['low', 'medium', 'high', 'critical']);
const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };
/** A case lists at most this many findings (active first); the rest are counted. */
export const MAX_CASE_FINDINGS = 100;

/** A finding as a case's evidence lists it. */
export interface CaseFinding {
  detector: string;
  key: string;
  category: string;
  title: string;
  /** The agent's own severity for this finding (the case's severity is its score's). */
  severity: string;
  catalogEntry: string;
  firstSeenMs: number;
  lastSeenMs: number;
  /** When the agent said it was gone; null while it is there. */
  clearedAtMs: number | null;
  /** A live suppression of this detector leaves the finding out of the case's score (its id). */
  suppressedBy?: number;
}

/** The finding belongs in a case: above info, not sanctioned (agent or collector policy), not client-only. */
export function isCaseEvidence(f: FindingRow, sanctionedTools: readonly string[]): boolean {
  if (f.sanctioned || !ALERTING.has(f.severity)) return false;
  if (sanctionedTools.includes(f.catalogEntry) || sanctionedTools.includes(f.key)) return false;
  return !(f.category === 'remote_access' && f.evidence.some((e) => e.field === ROLE_EVIDENCE_FIELD && e.value === 'client'));
}

/** A finding counts for opening and reopening the case: there now, and no suppression leaves it out. */
export const isActive = (f: Pick<CaseFinding, 'clearedAtMs' | 'suppressedBy'>): boolean => f.clearedAtMs === null && f.suppressedBy === undefined;

export const findingId = (f: Pick<CaseFinding, 'detector' | 'key'>): string => `${f.detector}\u0000${f.key}`;

/**
 * A laptop's findings as its case's evidence: active first, most severe, most recent. `suppressed`:
 * detectors a live suppression names for this laptop (or the fleet), with the suppression's id.
 */
export function caseFindings(findings: readonly FindingRow[], sanctionedTools: readonly string[], suppressed: ReadonlyMap<string, number>): { listed: CaseFinding[]; omitted: number } {
  const all = findings.filter((f) => isCaseEvidence(f, sanctionedTools)).map((f): CaseFinding => {
    const s = suppressed.get(f.detector);
    return {
      detector: f.detector, key: f.key, category: f.category, title: f.title, severity: f.severity, catalogEntry: f.catalogEntry,
      firstSeenMs: f.firstSeenMs, lastSeenMs: f.lastSeenMs, clearedAtMs: f.clearedAtMs, ...(s !== undefined ? { suppressedBy: s } : {}),
    };
  });
  all.sort((a, b) => Number(!isActive(a)) - Number(!isActive(b)) || (RANK[a.severity] ?? 9) - (RANK[b.severity] ?? 9)
    || b.lastSeenMs - a.lastSeenMs || findingId(a).localeCompare(findingId(b)));
  return { listed: all.slice(0, MAX_CASE_FINDINGS), omitted: Math.max(0, all.length - MAX_CASE_FINDINGS) };
}
