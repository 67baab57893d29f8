// One `inspect` run over recorded files: each read by content (recognise.ts), the detectors over the
// facts, and the free-text mentions the readers did not already account for as findings of their
// own (lower confidence, saying they come from free text). Shared by the CLI and the corpus runner.
import type { Catalog } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import { applyExceptions, bySeverity, type Evidence, type Finding, type Policy } from '../../detectors/index.js';
import { combineRoles, severityForRole } from '../../detectors/remote-access-role.js';
import { detect, type HostFacts } from '../scan.js';
import { guessPlatform, inspectBytes, type FreeTextFile, type InspectedFile } from './recognise.js';
import type { Mention } from './free-text.js';

export const FREE_TEXT_DETECTOR = 'inspect.free_text';

export interface InspectInput { file: string; bytes?: Buffer; problem?: string }
export interface InspectOutcome { files: InspectedFile[]; facts: HostFacts; findings: Finding[]; platform: Platform }

const USBHID_DUMP = /^\d{3}:\d{3}:\d{3}:DESCRIPTOR\s/m;

/** Free-text mentions as findings, one per catalog entry, for entries no detector already reported. */
export function freeTextFindings(files: readonly FreeTextFile[], already: readonly Finding[], policy: Policy): Finding[] {
  const found = new Set(already.map((f) => f.catalogEntry).filter(Boolean));
  const byEntry = new Map<string, { m: Mention; all: { file: string; m: Mention }[] }>();
  for (const f of files) {
    for (const m of f.mentions) {
      if (found.has(m.catalogEntry)) continue;
      const e = byEntry.get(m.catalogEntry) ?? { m, all: [] };
      e.all.push({ file: f.file, m });
      byEntry.set(m.catalogEntry, e);
    }
  }
  const out: Finding[] = [];
  for (const [id, { m, all }] of byEntry) {
    const evidence: Evidence[] = all.slice(0, 8).map(({ file, m: x }) => ({ field: `free_text.${x.kind.replace(/ /g, '_')}`, value: `${x.value} (in ${file})`, catalogEntry: id, matched: x.matched }));
    const confidence = Math.max(...all.map((x) => x.m.confidence));
    const name = m.name.replace(/\s*\(.*$/, '');
    if (m.category === 'kvm') {
      out.push({ detector: FREE_TEXT_DETECTOR, key: `kvm/${id}`, category: 'kvm', severity: 'medium', confidence, title: `${name} is named in text read as free text`, evidence, catalogEntry: id, sanctioned: false });
      continue;
    }
    const role = combineRoles(all.map((x) => x.m.role ?? 'unknown'));
    const sanctioned = policy.sanctionedTools.includes(id);
    evidence.push({ field: 'remote_access.role', value: role, catalogEntry: id, matched: [...new Set(all.map((x) => `${x.m.matched}: ${x.m.role ?? 'unknown'}`))].slice(0, 6).join('; ') });
    out.push({
      detector: FREE_TEXT_DETECTOR, key: id, category: 'remote_access', severity: sanctioned ? 'info' : severityForRole(role, 'low'), confidence,
      title: `${name} is named in text read as free text${sanctioned ? ' (sanctioned by policy)' : role === 'client' ? ' (client only)' : ''}`,
      evidence, catalogEntry: id, sanctioned,
    });
  }
  return applyExceptions(out, policy);
}

/** Reads every file (usbhid-dump after the lsusb it refers to), runs the detectors, adds free-text findings. */
export function inspectFiles(inputs: readonly InspectInput[], catalog: Catalog, policy: Policy, platform?: Platform): InspectOutcome {
  const facts: HostFacts = {};
  const freeText: FreeTextFile[] = [];
  const later = (r: InspectInput): number => (r.bytes && USBHID_DUMP.test(r.bytes.subarray(0, 4096).toString('latin1')) ? 1 : 0);
  const results = new Map<InspectInput, InspectedFile>();
  for (const r of [...inputs].sort((a, b) => later(a) - later(b))) {
    results.set(r, r.bytes ? inspectBytes(r.file, r.bytes, facts, catalog, freeText) : { file: r.file, items: 0, problem: r.problem ?? 'not read' });
  }
  const files = inputs.map((r) => results.get(r) ?? { file: r.file, items: 0, problem: 'not read' });
  const p = platform ?? guessPlatform(files, facts);
  const findings = detect(facts, catalog, policy, p);
  const fromText = freeTextFindings(freeText, findings, policy);
  findings.push(...fromText);
  const added = new Set(fromText.map((f) => f.catalogEntry));
  for (const t of freeText) {
    const f = files.find((x) => x.file === t.file);
    const n = new Set(t.mentions.filter((m) => added.has(m.catalogEntry)).map((m) => m.catalogEntry)).size;
    if (!f || n === 0 || f.format?.startsWith('free text')) continue;
    f.format = `${f.format ?? ''} + free text (${n} catalog name${n === 1 ? '' : 's'} the readers did not give, lower confidence)`;
    f.items += n;
  }
  return { files, facts, findings: findings.sort(bySeverity), platform: p };
}
