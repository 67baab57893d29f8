// Remote-access tools installed but maybe not running: services / launch daemons and installed
// applications against the catalog's service, path and tool names. The catalog's names and
// patterns are compiled once per catalog and platform; each app name is normalised once. Each
// finding says which side of a connection matched (a client only: information).
import { appliesTo, PatternSet, roleOf, type PatternHit, type Catalog, type RemoteAccessRole, type RemoteAccessTool } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { AppFact } from '../sensors/apps/types.js';
import type { ServiceFact } from '../sensors/services/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { clientNote, roleEvidence, severityForRole, type RoleMatch } from './remote-access-role.js';

export const REMOTE_ACCESS_INSTALLED = 'remote_access.installed';

const norm = (s: string): string => s.toLowerCase().replace(/\s*\(.*?\)/g, '').replace(/[^a-z0-9]+/g, ' ').trim();

interface CompiledPattern { p: string; role: RemoteAccessRole }

interface Compiled {
  tool: RemoteAccessTool;
  services: CompiledPattern[];
  paths: CompiledPattern[];
}

interface Index {
  tools: Compiled[];
  /** Normalised tool name, id and name without spaces -> tools: an app whose normalised name is one of these, or starts with "<name> ", is the tool. */
  byName: Map<string, Compiled[]>;
  /** Every service and every path pattern of every tool for this platform, with its tool and its place among the tool's. */
  services: PatternSet<PatternRef>;
  paths: PatternSet<PatternRef>;
}

interface PatternRef { c: Compiled; pi: number; role: RemoteAccessRole }

const cache = new WeakMap<Catalog, Map<Platform, Index>>();

function indexOf(catalog: Catalog, platform: Platform): Index {
  let per = cache.get(catalog);
  if (!per) { per = new Map(); cache.set(catalog, per); }
  const hit = per.get(platform);
  if (hit) return hit;
  const idx: Index = { tools: [], byName: new Map(), services: new PatternSet(), paths: new PatternSet() };
  for (const tool of catalog.remoteAccess ?? []) {
    const compile = (list: RemoteAccessTool['services']): CompiledPattern[] =>
      (list ?? []).filter((p) => p.pattern && appliesTo(p, platform)).map((p) => ({ p: p.pattern ?? '', role: roleOf(tool, p) }));
    const c: Compiled = { tool, services: compile(tool.services), paths: compile(tool.paths) };
    idx.tools.push(c);
    c.services.forEach((x, pi) => idx.services.add(x.p, { c, pi, role: x.role }));
    c.paths.forEach((x, pi) => idx.paths.add(x.p, { c, pi, role: x.role }));
    const name = norm(tool.name ?? '');
    if (name.length < 4) continue;
    for (const key of new Set([name, norm(tool.id ?? ''), name.replace(/ /g, '')])) idx.byName.set(key, [...(idx.byName.get(key) ?? []), c]);
  }
  per.set(platform, idx);
  return idx;
}

/** Tools an app is by name: its normalised name, or any word-boundary prefix of it, is a tool's name. */
function toolsByName(idx: Index, app: AppFact): Compiled[] {
  const n = norm(app.name);
  const out = new Set(idx.byName.get(n) ?? []);
  for (let i = n.indexOf(' '); i > 0; i = n.indexOf(' ', i + 1)) for (const c of idx.byName.get(n.slice(0, i)) ?? []) if (norm(c.tool.name ?? '') === n.slice(0, i)) out.add(c);
  return [...out];
}

export function detectRemoteAccessInstalled(services: readonly ServiceFact[], apps: readonly AppFact[], catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const idx = indexOf(catalog, platform);
  const evidenceOf = new Map<Compiled, { evidence: Evidence[]; running: boolean; roles: RoleMatch[] }>();
  const entry = (c: Compiled): { evidence: Evidence[]; running: boolean; roles: RoleMatch[] } => {
    let e = evidenceOf.get(c);
    if (!e) { e = { evidence: [], running: false, roles: [] }; evidenceOf.set(c, e); }
    return e;
  };
  const first = (set: PatternSet<PatternRef>, names: string[]): Map<Compiled, PatternHit<PatternRef>> => set.firstByKey(names, (r) => r.c, (r) => r.pi);
  for (const s of services) {
    for (const [c, hit] of first(idx.services, s.displayName !== undefined ? [s.name, s.displayName] : [s.name])) {
      const e = entry(c);
      e.running ||= s.running === true;
      e.roles.push({ matched: hit.pattern, role: hit.value.role });
      e.evidence.push({ field: 'service.name', value: s.name, catalogEntry: c.tool.id ?? '', matched: hit.pattern });
      if (s.path) e.evidence.push({ field: 'service.path', value: s.path });
    }
  }
  for (const a of apps) {
    const matched = new Map<Compiled, { how: string; role: RemoteAccessRole }>();
    if (a.path) for (const [c, hit] of first(idx.paths, [a.path])) matched.set(c, { how: hit.pattern, role: hit.value.role });
    for (const c of toolsByName(idx, a)) if (!matched.has(c)) matched.set(c, { how: c.tool.name ?? '', role: roleOf(c.tool) });
    for (const [c, { how, role }] of matched) {
      const e = entry(c);
      e.roles.push({ matched: how, role });
      e.evidence.push({ field: 'app.name', value: `${a.name}${a.version ? ` ${a.version}` : ''}`, catalogEntry: c.tool.id ?? '', matched: how });
      if (a.path) e.evidence.push({ field: 'app.path', value: a.path });
    }
  }
  const findings: Finding[] = [];
  for (const c of idx.tools) {
    const found = evidenceOf.get(c);
    if (!found) continue;
    const { running } = found;
    const t = c.tool;
    const sanctioned = policy.sanctionedTools.includes(t.id ?? '');
    const reason = policy.reasons?.[t.id ?? ''];
    const { role, evidence: roleFact } = roleEvidence(t.id ?? '', found.roles);
    const evidence = [...found.evidence.slice(0, 29), roleFact];
    if (sanctioned && reason) evidence.push({ field: 'policy.sanctioned', value: reason });
    findings.push({
      detector: REMOTE_ACCESS_INSTALLED, key: t.id ?? '', category: 'remote_access',
      severity: sanctioned ? 'info' : severityForRole(role, running ? 'medium' : 'low'),
      confidence: 85,
      title: `${t.name} is installed${running ? ' and its service runs' : ''}${sanctioned ? ' (sanctioned by policy)' : clientNote(role)}`,
      evidence, catalogEntry: t.id ?? '', sanctioned,
    });
  }
  return findings;
}
