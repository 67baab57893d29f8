// Remote-access tools seen running: each process's names (comm, argv[0], executable) against the
// catalog's process patterns for this platform. One finding per tool, with the processes that
// matched as evidence, and which side of a connection they are (a client only reaches out: it is
// reported as information).
import { basename } from 'node:path';
import { appliesTo, compileGlob, roleOf, type Catalog, type NameMatcher, type RemoteAccessRole } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { Evidence, Finding, Policy } from './finding.js';
import { clientNote, roleEvidence, severityForRole } from './remote-access-role.js';

export const DETECTOR_ID = 'remote_access.process';

/** How many matching processes a finding lists: enough to show what ran, not a process list. */
const MAX_PROCESSES_IN_EVIDENCE = 5;

interface ToolRef {
  id: string;
  name: string;
  category: string;
  pattern: string;
  /** The side of a connection this program is (its own role, else its tool's). */
  role: RemoteAccessRole;
}

interface CompiledIndex {
  exact: Map<string, ToolRef[]>;
  globs: { match: NameMatcher; tool: ToolRef }[];
}

const cache = new WeakMap<Catalog, Map<Platform, CompiledIndex>>();

function compile(catalog: Catalog, platform: Platform): CompiledIndex {
  let perPlatform = cache.get(catalog);
  if (!perPlatform) {
    perPlatform = new Map<Platform, CompiledIndex>();
    cache.set(catalog, perPlatform);
  }
  const hit = perPlatform.get(platform);
  if (hit) return hit;
  const index: CompiledIndex = { exact: new Map(), globs: [] };
  for (const tool of catalog.remoteAccess ?? []) {
    for (const p of tool.processes ?? []) {
      if (!p.pattern || !appliesTo(p, platform)) continue;
      const ref: ToolRef = { id: tool.id ?? '', name: tool.name ?? tool.id ?? '', category: tool.category ?? '', pattern: p.pattern, role: roleOf(tool, p) };
      if (p.pattern.includes('*')) index.globs.push({ match: compileGlob(p.pattern), tool: ref });
      else {
        const key = p.pattern.toLowerCase();
        index.exact.set(key, [...(index.exact.get(key) ?? []), ref]);
      }
    }
  }
  perPlatform.set(platform, index);
  return index;
}

function namesOf(p: ProcessFact): string[] {
  const names = new Set<string>([p.name]);
  if (p.argv0) names.add(p.argv0);
  if (p.path) names.add(basename(p.path.replace(/\\/g, '/')));
  return [...names].filter((n) => n.length > 0);
}

function matchesOf(index: CompiledIndex, p: ProcessFact): { tool: ToolRef; name: string; exact: boolean }[] {
  const out: { tool: ToolRef; name: string; exact: boolean }[] = [];
  for (const name of namesOf(p)) {
    for (const tool of index.exact.get(name.toLowerCase()) ?? []) out.push({ tool, name, exact: true });
    for (const g of index.globs) if (g.match(name)) out.push({ tool: g.tool, name, exact: false });
  }
  return out;
}

export interface ProcessTool { id: string; name: string; category: string; pattern: string; role: RemoteAccessRole }

/** Catalog tools a process is, by its names, with the name that matched and its role. */
export function toolsOfProcess(catalog: Catalog, platform: Platform, p: ProcessFact): ProcessTool[] {
  const seen = new Map<string, ProcessTool>();
  for (const m of matchesOf(compile(catalog, platform), p)) {
    if (!seen.has(m.tool.id)) seen.set(m.tool.id, { id: m.tool.id, name: m.tool.name, category: m.tool.category, pattern: m.tool.pattern, role: m.tool.role });
  }
  return [...seen.values()];
}

export function detectRemoteAccessProcesses(
  processes: readonly ProcessFact[], catalog: Catalog, policy: Policy, platform: Platform,
): Finding[] {
  const index = compile(catalog, platform);
  const byTool = new Map<string, { tool: ToolRef; procs: { p: ProcessFact; name: string; pattern: string; role: RemoteAccessRole }[]; exact: boolean }>();
  for (const p of processes) {
    const seen = new Set<string>();
    for (const m of matchesOf(index, p)) {
      if (seen.has(m.tool.id)) continue;
      seen.add(m.tool.id);
      const entry = byTool.get(m.tool.id) ?? { tool: m.tool, procs: [], exact: false };
      entry.procs.push({ p, name: m.name, pattern: m.tool.pattern, role: m.tool.role });
      entry.exact ||= m.exact;
      byTool.set(m.tool.id, entry);
    }
  }
  const findings: Finding[] = [];
  for (const { tool, procs, exact } of byTool.values()) {
    const sanctioned = policy.sanctionedTools.includes(tool.id);
    const reason = sanctioned ? policy.reasons?.[tool.id] : undefined;
    procs.sort((a, b) => a.p.pid - b.p.pid);
    const evidence: Evidence[] = [];
    for (const { p, name, pattern } of procs.slice(0, MAX_PROCESSES_IN_EVIDENCE)) {
      evidence.push({ field: 'process.name', value: name, catalogEntry: tool.id, matched: pattern });
      if (p.path) evidence.push({ field: 'process.path', value: p.path });
      if (p.user) evidence.push({ field: 'process.user', value: p.user });
    }
    if (procs.length > MAX_PROCESSES_IN_EVIDENCE) {
      evidence.push({ field: 'process.count', value: String(procs.length) });
    }
    const { role, evidence: roleFact } = roleEvidence(tool.id, procs.map((x) => ({ matched: x.pattern, role: x.role })));
    evidence.push(roleFact);
    if (reason) evidence.push({ field: 'policy.sanctioned', value: reason });
    findings.push({
      detector: DETECTOR_ID,
      key: tool.id,
      category: 'remote_access',
      severity: sanctioned ? 'info' : severityForRole(role, tool.category === 'RAT' ? 'high' : 'medium'),
      confidence: exact ? 80 : 65,
      title: `${tool.name} is running${sanctioned ? ' (sanctioned by policy)' : clientNote(role)}`,
      evidence,
      catalogEntry: tool.id,
      sanctioned,
    });
  }
  return findings.sort((a, b) => a.key.localeCompare(b.key));
}
