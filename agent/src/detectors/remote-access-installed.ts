// Remote-access tools installed but maybe not running: services / launch daemons and installed
// applications against the catalog's service, path and tool names.
import { appliesTo, compileGlob, type Catalog, type RemoteAccessTool } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { AppFact } from '../sensors/apps/types.js';
import type { ServiceFact } from '../sensors/services/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';

export const REMOTE_ACCESS_INSTALLED = 'remote_access.installed';

const norm = (s: string): string => s.toLowerCase().replace(/\s*\(.*?\)/g, '').replace(/[^a-z0-9]+/g, ' ').trim();

function appIsTool(a: AppFact, t: RemoteAccessTool): boolean {
  const name = norm(t.name ?? '');
  const app = norm(a.name);
  if (name.length < 4) return false;
  return app === name || app === norm(t.id ?? '') || app.startsWith(`${name} `) || app === name.replace(/ /g, '');
}

export function detectRemoteAccessInstalled(services: readonly ServiceFact[], apps: readonly AppFact[], catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const findings: Finding[] = [];
  for (const t of catalog.remoteAccess ?? []) {
    const evidence: Evidence[] = [];
    let running = false;
    const svc = (t.services ?? []).filter((p) => p.pattern && appliesTo(p, platform)).map((p) => ({ p: p.pattern ?? '', m: compileGlob(p.pattern ?? '') }));
    for (const s of services) {
      const hit = svc.find((x) => x.m(s.name) || (s.displayName !== undefined && x.m(s.displayName)));
      if (!hit) continue;
      running ||= s.running === true;
      evidence.push({ field: 'service.name', value: s.name, catalogEntry: t.id ?? '', matched: hit.p });
      if (s.path) evidence.push({ field: 'service.path', value: s.path });
    }
    const paths = (t.paths ?? []).filter((p) => p.pattern && appliesTo(p, platform)).map((p) => ({ p: p.pattern ?? '', m: compileGlob(p.pattern ?? '') }));
    for (const a of apps) {
      const pathHit = a.path ? paths.find((x) => x.m(a.path ?? '')) : undefined;
      if (!pathHit && !appIsTool(a, t)) continue;
      evidence.push({ field: 'app.name', value: `${a.name}${a.version ? ` ${a.version}` : ''}`, catalogEntry: t.id ?? '', matched: pathHit?.p ?? t.name ?? '' });
      if (a.path) evidence.push({ field: 'app.path', value: a.path });
    }
    if (evidence.length === 0) continue;
    const sanctioned = policy.sanctionedTools.includes(t.id ?? '');
    const reason = policy.reasons?.[t.id ?? ''];
    if (sanctioned && reason) evidence.push({ field: 'policy.sanctioned', value: reason });
    findings.push({
      detector: REMOTE_ACCESS_INSTALLED, key: t.id ?? '', category: 'remote_access',
      severity: sanctioned ? 'info' : running ? 'medium' : 'low',
      confidence: 85,
      title: `${t.name} is installed${running ? ' and its service runs' : ''}${sanctioned ? ' (sanctioned by policy)' : ''}`,
      evidence: evidence.slice(0, 30), catalogEntry: t.id ?? '', sanctioned,
    });
  }
  return findings;
}
