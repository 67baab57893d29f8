// The side of a connection a remote-access finding is about, as the catalog says it
// (shared/src/catalog/roles.ts). Every remote-access finding carries it in its evidence
// (`remote_access.role`), and a finding whose every match is a client (PuTTY, WinSCP, mstsc, a VNC
// viewer) is information: it tells how this laptop reaches other machines, not who controls it.
import { ROLE_EVIDENCE_FIELD, combineRoles, type RemoteAccessRole } from '@farmwatch/shared';
import type { Evidence, Finding, SeverityName } from './finding.js';

export { ROLE_EVIDENCE_FIELD, combineRoles, type RemoteAccessRole };

/** A tool's matches, each with the name it matched by and that name's role. */
export interface RoleMatch { matched: string; role: RemoteAccessRole }

/** The finding's role evidence: the combined role, and which names gave which role ("putty.exe: client"). */
export function roleEvidence(toolId: string | undefined, matches: readonly RoleMatch[]): { role: RemoteAccessRole; evidence: Evidence } {
  const role = combineRoles(matches.map((m) => m.role));
  const pairs = [...new Set(matches.map((m) => `${m.matched}: ${m.role}`))].sort();
  const shown = pairs.slice(0, 6).join('; ') + (pairs.length > 6 ? `; and ${pairs.length - 6} more` : '');
  return { role, evidence: { field: ROLE_EVIDENCE_FIELD, value: role, ...(toolId ? { catalogEntry: toolId } : {}), matched: shown } };
}

/** A client-only match is information; anything that may let others in keeps the detector's severity. */
export function severityForRole(role: RemoteAccessRole, severity: SeverityName): SeverityName {
  return role === 'client' ? 'info' : severity;
}

/** What a title says after the tool's name for a client-only finding. */
export function clientNote(role: RemoteAccessRole): string {
  return role === 'client' ? ' (client only: it connects to other machines, it lets no one into this one)' : '';
}

/** The role a finding's evidence names, if any. */
export function roleOfFinding(f: Pick<Finding, 'evidence'>): RemoteAccessRole | undefined {
  const v = f.evidence.find((e) => e.field === ROLE_EVIDENCE_FIELD)?.value;
  return v === 'host' || v === 'client' || v === 'both' || v === 'unknown' ? v : undefined;
}
