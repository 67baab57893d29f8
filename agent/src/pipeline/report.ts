// The scan report for people: findings grouped by family, with evidence, then sensor states.
import type { CategoryName, Finding } from '../detectors/finding.js';
import type { ScanReport } from './scan.js';

const GROUPS: { category: CategoryName; title: string }[] = [
  { category: 'remote_access', title: 'Remote access' },
  { category: 'kvm', title: 'KVM devices' },
  { category: 'mouse_jiggler', title: 'Mouse jigglers' },
  { category: 'vpn', title: 'VPN' },
  { category: 'location', title: 'Location' },
  { category: 'tamper', title: 'Tamper' },
];

function findingLines(f: Finding): string[] {
  const lines = [`  [${f.severity.toUpperCase()}] ${f.title}  (${f.detector}, confidence ${f.confidence})`];
  for (const e of f.evidence) {
    const match = e.matched ? `  matched ${e.catalogEntry ?? ''} "${e.matched}"` : '';
    lines.push(`      ${e.field} = ${e.value}${match}`);
  }
  return lines;
}

/** Findings that call for someone to look: not the company's own tools, not information (a client-only remote-access tool). */
export function actionableFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.sanctioned && f.severity !== 'info');
}

export interface InspectedFileLine { file: string; format?: string; items: number; problem?: string }

export function formatReport(report: ScanReport, hostname: string, files?: readonly InspectedFileLine[]): string {
  const out: string[] = [];
  out.push(files
    ? `farmwatch inspect of ${files.length} file${files.length === 1 ? '' : 's'} at ${new Date(report.scannedAtMs).toISOString()} (catalog ${report.catalogVersion})`
    : `farmwatch scan of ${hostname} at ${new Date(report.scannedAtMs).toISOString()} (catalog ${report.catalogVersion})`);
  out.push('');
  const actionable = actionableFindings(report.findings);
  const info = report.findings.length - actionable.length;
  const forInformation = info > 0 ? ` (${info} for information below)` : '';
  out.push(actionable.length === 0
    ? `Nothing found${forInformation}.`
    : `${actionable.length} finding${actionable.length === 1 ? '' : 's'}${forInformation}:`);
  for (const g of GROUPS) {
    const group = report.findings.filter((f) => f.category === g.category);
    if (group.length === 0) continue;
    out.push('', `${g.title}:`);
    for (const f of group) out.push(...findingLines(f));
  }
  if (files) {
    out.push('', 'Files:');
    for (const f of files) out.push(`  ${f.file}: ${f.problem ? `NOT READ: ${f.problem}` : `${f.format} (${f.items} item${f.items === 1 ? '' : 's'})`}`);
    return out.join('\n') + '\n';
  }
  out.push('', 'Sensors:');
  for (const s of report.sensors) {
    const detail = s.status === 'ok' ? `${s.items} items, ${s.durationMs} ms` : s.reason ?? '';
    out.push(`  ${s.sensor.padEnd(20)} ${s.status.padEnd(12)} ${detail}`);
  }
  return out.join('\n') + '\n';
}
