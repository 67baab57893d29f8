// Remote-access tools on the network: a catalog tool's process listening or connected (with the
// remote endpoint), and listening on a port only a remote-access tool uses.
import type { Catalog } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { toolsOfProcess } from './remote-access-process.js';

export const REMOTE_ACCESS_NETWORK = 'remote_access.network';

/** Ports too common to name a tool by themselves. */
const COMMON_PORTS = new Set([22, 53, 80, 443, 8080, 8443, 3389]);
const MAX_SOCKETS = 8;

const endpoint = (a: string, p: number): string => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);

export function detectRemoteAccessNetwork(sockets: readonly SocketFact[], processes: readonly ProcessFact[], catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const byTool = new Map<string, { name: string; listening: boolean; connected: boolean; evidence: Evidence[] }>();
  const portTools = new Map<number, { id: string; name: string }>();
  for (const t of catalog.remoteAccess ?? []) for (const p of t.ports ?? []) if (!COMMON_PORTS.has(p) && !portTools.has(p)) portTools.set(p, { id: t.id ?? '', name: t.name ?? '' });
  for (const s of sockets) {
    if (s.state === 'other') continue;
    const proc = s.pid !== undefined ? byPid.get(s.pid) : undefined;
    let tools = proc ? toolsOfProcess(catalog, platform, proc) : [];
    let matched = proc ? `process ${proc.argv0 ?? proc.name}` : '';
    if (tools.length === 0 && s.state === 'listen') {
      const byPort = portTools.get(s.localPort);
      if (byPort) { tools = [{ ...byPort, category: '' }]; matched = `port ${s.localPort}`; }
    }
    for (const t of tools) {
      const entry = byTool.get(t.id) ?? { name: t.name, listening: false, connected: false, evidence: [] };
      if (entry.evidence.length < MAX_SOCKETS * 2) {
        const value = s.state === 'listen'
          ? `${s.protocol} listening on ${endpoint(s.localAddress, s.localPort)}`
          : `${s.protocol} ${endpoint(s.localAddress, s.localPort)} -> ${endpoint(s.remoteAddress ?? '?', s.remotePort ?? 0)}`;
        entry.evidence.push({ field: s.state === 'listen' ? 'socket.listen' : 'socket.connection', value, catalogEntry: t.id, matched });
      }
      if (s.state === 'listen') entry.listening = true; else entry.connected = true;
      byTool.set(t.id, entry);
    }
  }
  const findings: Finding[] = [];
  for (const [id, e] of byTool) {
    const sanctioned = policy.sanctionedTools.includes(id);
    const what = [e.listening && 'listening', e.connected && 'connected'].filter(Boolean).join(' and ');
    findings.push({
      detector: REMOTE_ACCESS_NETWORK, key: id, category: 'remote_access',
      severity: sanctioned ? 'info' : 'medium', confidence: e.evidence.some((x) => x.matched?.startsWith('process')) ? 85 : 55,
      title: `${e.name} is ${what}${sanctioned ? ' (sanctioned by policy)' : ''}`,
      evidence: e.evidence, catalogEntry: id, sanctioned,
    });
  }
  return findings.sort((a, b) => a.key.localeCompare(b.key));
}
