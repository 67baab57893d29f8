// A case's findings as the analyst reads them (`alerts show`, GET /v1/alerts/:id, the console):
// the findings the case lists, each with what the agent matched (its evidence fields), read from
// the laptop's findings as they are now. The case's stored details keep the list; the evidence
// fields stay in the findings table, so a case does not copy them.
import type { Store } from '../store/store.js';
import type { AlertDetailRow, FindingRow } from '../store/records.js';
import { RISK_RULE, type CaseDetails } from './case-alerts.js';
import { findingId, type CaseFinding } from './finding-alerts.js';

export type CaseFindingView = CaseFinding & Pick<FindingRow, 'confidence' | 'evidence'>;

/** The findings a laptop's case lists, with their evidence; [] for any other alert. */
export function caseFindingViews(store: Store, alert: Pick<AlertDetailRow, 'rule' | 'scope' | 'deviceId' | 'details'>): CaseFindingView[] {
  if (alert.rule !== RISK_RULE || alert.scope !== 'device') return [];
  const listed = (alert.details as Partial<CaseDetails> | null)?.findings ?? [];
  if (listed.length === 0) return [];
  const rows = new Map(store.findings(alert.deviceId).map((f) => [findingId(f), f]));
  return listed.map((f) => {
    const row = rows.get(findingId(f));
    return { ...f, confidence: row?.confidence ?? 0, evidence: row?.evidence ?? [] };
  });
}
