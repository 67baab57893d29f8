// Remote-access tools on the network: a catalog tool's process listening or connected (with the
// remote endpoint), named by its process and carrying that program's role (a client's outgoing
// connection is information). A listening socket whose owner is no catalog tool, on a port some
// remote-access tools list, is only a weak hint that names no tool (remote-access-ports.ts), and
// none at all on ports that SSH, RDP, STUN, development servers or VPNs use by default.
import type { Catalog } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { toolsOfProcess } from './remote-access-process.js';
import { PORT_HINT_KEY, PORT_HINT_ROLE, endpoint, portRules } from './remote-access-ports.js';
import { clientNote, roleEvidence, severityForRole, type RoleMatch } from './remote-access-role.js';

export const REMOTE_ACCESS_NETWORK = 'remote_access.network';

const MAX_SOCKETS = 8;

/** The process that holds a socket: from the process table, else the name the socket sensor gave. */
export function ownerOf(s: SocketFact, byPid: ReadonlyMap<number, ProcessFact>): ProcessFact | undefined {
  const known = s.pid !== undefined ? byPid.get(s.pid) : undefined;
  if (known) return known;
  return s.process ? { pid: s.pid ?? -1, ppid: 0, name: s.process } : undefined;
}

export function detectRemoteAccessNetwork(sockets: readonly SocketFact[], processes: readonly ProcessFact[], catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const rules = portRules(catalog, platform);
  const byTool = new Map<string, { name: string; listening: boolean; connected: boolean; evidence: Evidence[]; roles: RoleMatch[] }>();
  const hints = new Map<string, { protocol: SocketFact['protocol']; port: number; evidence: Evidence[] }>();
  for (const s of sockets) {
    if (s.state === 'other') continue;
    const owner = ownerOf(s, byPid);
    const tools = owner ? toolsOfProcess(catalog, platform, owner) : [];
    const value = s.state === 'listen'
      ? `${s.protocol} listening on ${endpoint(s.localAddress, s.localPort)}`
      : `${s.protocol} ${endpoint(s.localAddress, s.localPort)} -> ${endpoint(s.remoteAddress ?? '?', s.remotePort ?? 0)}`;
    const field = s.state === 'listen' ? 'socket.listen' : 'socket.connection';
    for (const t of tools) {
      const entry = byTool.get(t.id) ?? { name: t.name, listening: false, connected: false, evidence: [], roles: [] };
      if (entry.evidence.length < MAX_SOCKETS * 2) entry.evidence.push({ field, value, catalogEntry: t.id, matched: `process ${owner?.argv0 ?? owner?.name ?? ''}` });
      entry.roles.push({ matched: t.pattern, role: t.role });
      if (s.state === 'listen') entry.listening = true; else entry.connected = true;
      byTool.set(t.id, entry);
    }
    if (tools.length > 0 || s.state !== 'listen' || !rules.toolPorts.has(s.localPort)) continue;
    if (rules.excluded(s.localPort, s.protocol) !== undefined || (owner && rules.vpnOfProcess(owner) !== undefined)) continue;
    const key = `${PORT_HINT_KEY}/${s.protocol}/${s.localPort}`;
    const hint = hints.get(key) ?? { protocol: s.protocol, port: s.localPort, evidence: [] };
    if (hint.evidence.length < MAX_SOCKETS) hint.evidence.push({ field, value: `${value}${owner ? ` (${owner.argv0 ?? owner.name})` : ''}`, matched: `port ${s.localPort}` });
    hints.set(key, hint);
  }
  const findings: Finding[] = [];
  for (const [id, e] of byTool) {
    const sanctioned = policy.sanctionedTools.includes(id);
    const what = [e.listening && 'listening', e.connected && 'connected'].filter(Boolean).join(' and ');
    const { role, evidence: roleFact } = roleEvidence(id, e.roles);
    findings.push({
      detector: REMOTE_ACCESS_NETWORK, key: id, category: 'remote_access',
      severity: sanctioned ? 'info' : severityForRole(role, 'medium'), confidence: 85,
      title: `${e.name} is ${what}${sanctioned ? ' (sanctioned by policy)' : clientNote(role)}`,
      evidence: [...e.evidence, roleFact], catalogEntry: id, sanctioned,
    });
  }
  for (const [key, h] of hints) {
    findings.push({
      detector: REMOTE_ACCESS_NETWORK, key, category: 'remote_access', severity: 'low', confidence: 30,
      title: `Listening on ${h.protocol.toUpperCase()} ${h.port}, a port some remote-access tools use (the port names no tool)`,
      evidence: [...h.evidence, PORT_HINT_ROLE], sanctioned: false,
    });
  }
  return findings.sort((a, b) => a.key.localeCompare(b.key));
}
