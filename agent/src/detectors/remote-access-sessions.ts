// Incoming remote-access sessions from the tools' own logs (AnyDesk connection_trace.txt and
// ad.trace, TeamViewer Connections_incoming.txt): who connected (peer id, name, IP), when, and
// whether anyone at the laptop let them in. Unattended sessions (password, saved token) are the
// strong signal: the laptop was driven with nobody accepting. An incoming session is the host side
// by definition: someone else connected to this laptop.
import type { RemoteSessionFact } from '../sensors/sessions/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { ROLE_EVIDENCE_FIELD } from './remote-access-role.js';

export const REMOTE_ACCESS_SESSION = 'remote_access.session';
const MAX_SESSIONS_IN_EVIDENCE = 6;

const iso = (ms: number | undefined): string => (ms === undefined ? '?' : new Date(ms).toISOString().replace('.000Z', 'Z'));

export function detectRemoteSessions(sessions: readonly RemoteSessionFact[], policy: Policy): Finding[] {
  const groups = new Map<string, RemoteSessionFact[]>();
  for (const s of sessions) {
    if (s.direction !== 'incoming') continue;
    const key = `${s.tool}:${s.peerId ?? s.peerIp ?? s.peerName ?? 'unknown'}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const findings: Finding[] = [];
  for (const [key, list] of groups) {
    list.sort((a, b) => (a.startedAtMs ?? 0) - (b.startedAtMs ?? 0));
    const first = list[0];
    if (!first) continue;
    const tool = first.tool;
    const accepted = list.filter((s) => s.auth?.toUpperCase() !== 'REJECTED');
    const unattended = accepted.filter((s) => s.unattended);
    const sanctioned = policy.sanctionedTools.includes(tool);
    const ips = [...new Set(list.map((s) => s.peerIp).filter((x): x is string => !!x))];
    const names = [...new Set(list.map((s) => s.peerName).filter((x): x is string => !!x))];
    const evidence: Evidence[] = [];
    if (first.peerId) evidence.push({ field: 'session.peer_id', value: first.peerId, catalogEntry: tool });
    for (const n of names.slice(0, 3)) evidence.push({ field: 'session.peer_name', value: n });
    for (const ip of ips.slice(0, 4)) evidence.push({ field: 'session.peer_ip', value: ip });
    for (const s of list.slice(-MAX_SESSIONS_IN_EVIDENCE)) {
      evidence.push({ field: 'session', value: `${iso(s.startedAtMs)}${s.endedAtMs ? ` to ${iso(s.endedAtMs)}` : ''} ${s.auth ?? ''}${s.localUser ? ` as ${s.localUser}` : ''}`.trim(), matched: s.unattended ? 'unattended' : '' });
    }
    evidence.push({ field: 'session.count', value: `${list.length} incoming, ${unattended.length} unattended, ${list.length - accepted.length} rejected` });
    evidence.push({ field: 'session.log', value: first.file });
    evidence.push({ field: ROLE_EVIDENCE_FIELD, value: 'host', catalogEntry: tool, matched: 'incoming session' });
    const who = first.peerId ?? ips[0] ?? names[0] ?? 'an unknown peer';
    findings.push({
      detector: REMOTE_ACCESS_SESSION, key, category: 'remote_access',
      severity: sanctioned ? 'info' : accepted.length === 0 ? 'low' : unattended.length > 0 ? 'high' : 'medium',
      confidence: 95,
      title: `${accepted.length === 0 ? 'Rejected' : unattended.length > 0 ? 'Unattended' : 'Incoming'} ${tool === 'anydesk' ? 'AnyDesk' : 'TeamViewer'} session${list.length > 1 ? 's' : ''} from ${who}${sanctioned ? ' (sanctioned tool)' : ''}`,
      evidence, catalogEntry: tool, sanctioned,
    });
  }
  return findings.sort((a, b) => a.key.localeCompare(b.key));
}
