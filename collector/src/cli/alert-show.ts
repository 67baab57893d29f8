// `alerts show`: one alert (a laptop's case, a cluster's, or a finding alert from before cases)
// with its score explained signal by signal, every piece of evidence (a case's findings with what
// the agent matched), its notes and its audit trail.
import type { SqliteStore } from '../store/sqlite-store.js';
import { auditTarget } from '../store/audit-target.js';
import { caseFindingViews } from '../alerts/case-evidence.js';
import { RISK_RULE } from '../alerts/case-alerts.js';
import { iso, UsageError } from './args.js';

interface Explained {
  signal: string;
  weight: number;
  title: string;
  evidence: string[];
}

interface Details {
  explanation?: Explained[];
  members?: string[];
  people?: string[];
  edges?: { a: string; b: string; kind: string; value: string; firstMs: number; lastMs: number }[];
}

export function showAlert(store: SqliteStore, id: number, json: boolean): number {
  const alert = store.alerts.detail(id);
  if (!alert) throw new UsageError(`there is no alert ${id}`);
  const finding = alert.scope === 'device' ? store.findings(alert.deviceId).find((f) => f.detector === alert.rule && f.key === alert.key) : undefined;
  const findings = caseFindingViews(store, alert);
  const notes = store.alerts.notes(id);
  const audit = store.views.auditFor([auditTarget.alert(id)], 200);
  if (json) {
    process.stdout.write(JSON.stringify({ ...alert, finding: finding ?? null, findings, notes, audit }, null, 2) + '\n');
    return 0;
  }
  const d = alert.details as Details;
  const what = alert.rule === RISK_RULE ? `Case ${alert.id} (one laptop)` : alert.scope === 'cluster' ? `Case ${alert.id} (a cluster)` : `Alert ${alert.id} (a finding, from before cases)`;
  const lines = [
    `${what}: ${alert.title}`,
    `  severity ${alert.severity}, score ${alert.score}, ${alert.status}${alert.assignee ? `, assigned to ${alert.assignee}` : ''}, seen ${alert.occurrences}x, ` +
      `first ${iso(alert.firstSeenMs)}, last ${iso(alert.lastSeenMs)}`,
  ];
  for (const m of alert.members) {
    const dev = store.device(m);
    const r = store.registry.registration(m);
    lines.push(`  device ${dev?.hostname ?? '?'} (${m})${r ? `: ${r.assigneeName} <${r.assigneeEmail}>, serial ${r.serial}, shipped to ${r.shipTo}` : ''}${dev?.publicIp ? `, public IP ${dev.publicIp}` : ''}`);
  }
  if (d.explanation && d.explanation.length > 0) {
    lines.push('', `Score ${alert.score}, signal by signal:`);
    for (const s of d.explanation) {
      lines.push(`  +${String(s.weight).padStart(3)}  ${s.signal}: ${s.title}`);
      for (const e of s.evidence.slice(0, 20)) lines.push(`          ${e}`);
      if (s.evidence.length > 20) lines.push(`          ... ${s.evidence.length - 20} more (--json has all)`);
    }
  }
  if (d.edges && d.edges.length > 0) {
    lines.push('', `Edges (${d.edges.length}):`);
    for (const e of d.edges) lines.push(`  ${e.a} — ${e.b}  ${e.kind} ${e.value}  ${iso(e.firstMs)} .. ${iso(e.lastMs)}`);
  }
  if (findings.length > 0) {
    const omitted = (alert.details as { findingsOmitted?: number }).findingsOmitted ?? 0;
    lines.push('', `Findings (${findings.length}${omitted > 0 ? `, and ${omitted} more` : ''}), the case's evidence:`);
    for (const f of findings) {
      const state = f.clearedAtMs !== null ? `, gone since ${iso(f.clearedAtMs)}` : f.suppressedBy !== undefined ? `, left out by suppression ${f.suppressedBy}` : '';
      lines.push(`  ${f.severity.padEnd(8)} ${f.detector} / ${f.key}: ${f.title} (seen ${iso(f.firstSeenMs)} .. ${iso(f.lastSeenMs)}${state})`);
      for (const e of f.evidence.slice(0, 20)) lines.push(`           ${e.field} = ${e.value}${e.matched ? `  (catalog ${e.catalogEntry ?? ''}: "${e.matched}")` : ''}`);
      if (f.evidence.length > 20) lines.push(`           ... ${f.evidence.length - 20} more (--json has all)`);
    }
  }
  if (finding) {
    lines.push('', `Finding ${finding.detector} / ${finding.key}: confidence ${finding.confidence}${finding.clearedAtMs ? `, gone since ${iso(finding.clearedAtMs)}` : ''}`);
    for (const e of finding.evidence) lines.push(`    ${e.field} = ${e.value}${e.matched ? `  (catalog ${e.catalogEntry ?? ''}: "${e.matched}")` : ''}`);
  }
  if (notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of notes) lines.push(`  ${iso(n.atMs)} ${n.author}: ${n.text}`);
  }
  if (audit.length > 0) {
    lines.push('', 'Audit trail (newest first):');
    for (const r of audit) lines.push(`  ${iso(r.atMs)} ${r.actor} ${r.action}${r.detail ? `: ${r.detail}` : ''}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
