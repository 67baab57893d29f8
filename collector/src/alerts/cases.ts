// Cases, in one place: one per laptop (its 'device.risk' alert, with its findings as evidence) and
// one per farm cluster ('fleet.colocation'). The fleet engine scores; this decides what the analyst
// sees: which case to open, update, reopen or close as merged, with suppressions applied, and
// writes it. Nothing is written (and nothing announced) when a case would not change.
import type { AlertChange, Store } from '../store/store.js';
import type { FindingRow } from '../store/records.js';
import type { SuppressionRow } from '../store/fleet-records.js';
import type { EdgeRecord } from '../store/fleet-records.js';
import type { RiskResult } from '../rules/device-rules.js';
import type { ClusterResult } from '../rules/cluster-score.js';
import { auditTarget } from '../store/audit-target.js';
import { CASE_KEY, RISK_RULE, caseAlert, type CaseDetails } from './case-alerts.js';
import { CLUSTER_RULE, clusterAlert } from './cluster-alerts.js';
import { caseFindings } from './finding-alerts.js';

/** Rules of the collector's own cases; a suppression naming anything else names a detector. */
const CASE_RULES: ReadonlySet<string> = new Set([RISK_RULE, CLUSTER_RULE, '*']);

export class Cases {
  /** Live suppressions as the last look saw them (id -> row), to notice added, expired and removed ones. */
  private seen = new Map<number, SuppressionRow>();

  constructor(private readonly store: Store, private readonly sanctionedTools: readonly string[]) {
    this.seen = this.live(Date.now());
  }

  private live(nowMs: number): Map<number, SuppressionRow> {
    return new Map(this.store.alerts.suppressions(nowMs).map((s) => [s.id, s]));
  }

  /**
   * Detectors a live suppression names for this laptop (or the whole fleet), with the
   * suppression's id: their findings stay listed in the case but neither count in its score nor
   * open or reopen it until the suppression expires.
   */
  suppressedDetectors(deviceId: string, nowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.store.alerts.suppressions(nowMs)) {
      if (CASE_RULES.has(s.rule) || (s.deviceId !== '' && s.deviceId !== deviceId)) continue;
      if (!out.has(s.rule)) out.set(s.rule, s.id);
    }
    return out;
  }

  /**
   * Suppressions made, removed or expired since the last look: the laptops they name, and the
   * rules of those that name every laptop. The first look after start compares with what was live at start.
   */
  suppressionChanges(nowMs: number): { devices: Set<string>; fleetRules: Set<string> } {
    const now = this.live(nowMs);
    const changed = [...now.values()].filter((s) => !this.seen.has(s.id)).concat([...this.seen.values()].filter((s) => !now.has(s.id)));
    this.seen = now;
    const out = { devices: new Set<string>(), fleetRules: new Set<string>() };
    for (const s of changed) {
      if (s.rule === CLUSTER_RULE) continue;
      if (s.deviceId === '') out.fleetRules.add(s.rule);
      else out.devices.add(s.deviceId);
    }
    return out;
  }

  /** Opens, updates or reopens the laptop's case from its risk and its findings; [] when nothing changed. */
  device(deviceId: string, risk: RiskResult, findings: readonly FindingRow[], suppressed: ReadonlyMap<string, number>, nowMs: number): AlertChange[] {
    const existing = this.store.alerts.find(deviceId, RISK_RULE, CASE_KEY);
    const detailsText = existing ? this.store.alerts.detailsText(existing.id) : undefined;
    const previous = existing ? { details: JSON.parse(detailsText ?? '{}') as Partial<CaseDetails> } : undefined;
    const record = caseAlert(deviceId, risk, caseFindings(findings, this.sanctionedTools, suppressed), previous, nowMs);
    if (!record) return [];
    const suppressedBy = this.store.alerts.suppressionFor(RISK_RULE, [deviceId], nowMs)?.id ?? null;
    // Nothing changed: no write, no event (the sweep re-evaluates silent agents every minute).
    if (existing && !record.newOccurrence && existing.score === record.score && existing.severity === record.severity && existing.title === record.title
      && existing.suppressedBy === suppressedBy && detailsText === JSON.stringify(record.details)) return [];
    return [this.store.write((w) => w.raiseAlert({ ...record, suppressedBy }))];
  }

  /**
   * The cluster's case. The case of any member's earlier (smaller) cluster carries on: the same
   * case, grown. When two clusters with cases merged, the younger ones are closed as merged into the oldest.
   */
  cluster(result: ClusterResult, edges: EdgeRecord[], nowMs: number): AlertChange[] {
    const earlier = this.store.alerts.alertsOfMembers(result.members, CLUSTER_RULE);
    const previous = earlier[0];
    for (const merged of earlier.slice(1)) {
      if (merged.status === 'resolved' || merged.status === 'false_positive') continue;
      this.store.write(() => {
        this.store.alerts.setStatus(merged.id, 'resolved', nowMs);
        this.store.alerts.addNote(merged.id, 'collector', `merged into alert ${previous?.id ?? ''}: the clusters joined`, nowMs);
        this.store.alerts.audit('collector', 'alert.merge', auditTarget.alert(merged.id), `into alert ${previous?.id ?? ''}`, nowMs);
      });
    }
    const alert = clusterAlert(result, edges, previous ? { deviceId: previous.deviceId, key: previous.key } : undefined, nowMs);
    if (!alert) return [];
    // Unchanged: no write, no event. New links change the evidence even when the score is already
    // at its cap and no laptop joined: the case must still show every link.
    if (previous && previous.score === result.score && previous.severity === result.severity
      && previous.members.join() === result.members.join()
      && this.store.alerts.detailsText(previous.id) === JSON.stringify(alert.details ?? {})) return [];
    const suppressedBy = this.store.alerts.suppressionFor(CLUSTER_RULE, result.members, nowMs)?.id ?? null;
    return [this.store.write((w) => w.raiseAlert({ ...alert, suppressedBy }))];
  }
}
