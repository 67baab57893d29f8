// Remote-access relays named on the laptop itself: hosts-file lines that name a tool's or a VPN's
// servers (a pinned relay, or a blocked one), RustDesk set to a self-hosted rendezvous or relay
// server, and established connections to a port remote-access tools use (named by the process that
// holds them; by the port alone only a hint that names no tool).
import { compileGlob, type Catalog } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { NameConfigFact } from '../sensors/hosts/types.js';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { toolsOfProcess } from './remote-access-process.js';
import { PORT_HINT_KEY, PORT_HINT_ROLE, endpoint, portRules } from './remote-access-ports.js';
import { clientNote, roleEvidence, severityForRole, type RoleMatch } from './remote-access-role.js';

export const REMOTE_ACCESS_HOSTS = 'remote_access.hosts_file';
export const REMOTE_ACCESS_RELAY = 'remote_access.custom_relay';
export const REMOTE_ACCESS_PORT = 'remote_access.relay_port';

/** Ports a remote-access server listens on for direct connections (VNC 5900, 5901): connecting out to one makes this laptop the viewer, the client side. */
const SERVER_PORTS = new Set([5900, 5901]);
const BLOCKED = /^(0\.0\.0\.0|127\.\d+\.\d+\.\d+|::1?)$/;

interface DomainRule { id: string; name: string; kind: 'remote_access' | 'vpn'; match: (host: string) => boolean; pattern: string }

const rulesOf = new WeakMap<Catalog, DomainRule[]>();

/** The catalog's domains as matchers, made once per catalog (the running agent re-runs this detector). */
function domainRules(catalog: Catalog): DomainRule[] {
  const known = rulesOf.get(catalog);
  if (known) return known;
  const rules: DomainRule[] = [];
  rulesOf.set(catalog, rules);
  const add = (id: string, name: string, kind: DomainRule['kind'], d: string): void => {
    const pattern = d.toLowerCase();
    // "*.anydesk.com" also covers "anydesk.com"; a bare domain covers its subdomains.
    const m = compileGlob(pattern.startsWith('*.') ? pattern : `*.${pattern}`);
    const bare = pattern.replace(/^\*\./, '');
    rules.push({ id, name, kind, pattern, match: (h) => h === bare || m(h) });
  };
  for (const t of catalog.remoteAccess ?? []) for (const d of t.domains ?? []) if (/^[*a-z0-9.-]+$/i.test(d) && d.includes('.')) add(t.id ?? '', t.name ?? '', 'remote_access', d);
  for (const c of catalog.vpnClients ?? []) for (const d of c.domains ?? []) if (/^[*a-z0-9.-]+$/i.test(d) && d.includes('.')) add(c.id ?? '', c.name ?? '', 'vpn', d);
  return rules;
}

export function detectNameConfig(fact: NameConfigFact, catalog: Catalog, policy: Policy): Finding[] {
  const rules = domainRules(catalog);
  const byTool = new Map<string, { rule: DomainRule; evidence: Evidence[]; blocked: number; pinned: number }>();
  for (const e of fact.hosts) {
    for (const host of e.names) {
      const rule = rules.find((r) => r.match(host));
      if (!rule) continue;
      const entry = byTool.get(rule.id) ?? { rule, evidence: [], blocked: 0, pinned: 0 };
      if (BLOCKED.test(e.address)) entry.blocked++; else entry.pinned++;
      if (entry.evidence.length < 8) entry.evidence.push({ field: 'hosts.entry', value: `${e.address} ${host}`, catalogEntry: rule.id, matched: rule.pattern });
      byTool.set(rule.id, entry);
    }
  }
  const findings: Finding[] = [];
  for (const { rule, evidence, blocked, pinned } of byTool.values()) {
    const sanctioned = rule.kind === 'remote_access' ? policy.sanctionedTools.includes(rule.id) : (policy.sanctionedVpns ?? []).includes(rule.id);
    findings.push({
      detector: REMOTE_ACCESS_HOSTS, key: rule.id, category: rule.kind, severity: sanctioned ? 'info' : pinned > 0 ? 'medium' : 'low', confidence: 70,
      title: `The hosts file ${pinned > 0 ? 'pins' : 'blocks'} ${rule.name} servers${pinned > 0 && blocked > 0 ? ' (and blocks some)' : ''}`,
      evidence, catalogEntry: rule.id, sanctioned,
    });
  }
  const relays = new Map<string, Evidence[]>();
  for (const r of fact.relays) relays.set(r.tool, [...(relays.get(r.tool) ?? []), { field: `config.${r.key}`, value: r.value, catalogEntry: r.tool, matched: r.file }]);
  for (const [tool, evidence] of relays) {
    const sanctioned = policy.sanctionedTools.includes(tool);
    findings.push({
      detector: REMOTE_ACCESS_RELAY, key: tool, category: 'remote_access', severity: sanctioned ? 'info' : 'high', confidence: 90,
      title: `${tool === 'rustdesk' ? 'RustDesk' : tool} is set to a self-hosted server (${evidence[0]?.value ?? ''})`,
      evidence, catalogEntry: tool, sanctioned,
    });
  }
  return findings;
}

/**
 * Established connections to a port that catalog remote-access tools use (RustDesk 21116,
 * Ammyy 5931), whatever process holds them. The process names the tool: one a catalog tool that
 * lists the port is that tool, with its program's role. A connection whose process is no catalog
 * tool is a weak hint that names no tool (one finding per port), and none on ports other software
 * or VPNs use by default (remote-access-ports.ts).
 */
export function detectRelayPorts(sockets: readonly SocketFact[], processes: readonly ProcessFact[], catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const rules = portRules(catalog, platform);
  const portsOf = new Map<string, ReadonlySet<number>>();
  const names = new Map<string, string>();
  for (const t of catalog.remoteAccess ?? []) {
    names.set(t.id ?? '', t.name ?? '');
    portsOf.set(t.id ?? '', new Set(t.ports ?? []));
  }
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const byTool = new Map<string, { evidence: Evidence[]; roles: RoleMatch[]; port: number }>();
  const hints = new Map<string, { protocol: SocketFact['protocol']; port: number; evidence: Evidence[] }>();
  for (const s of sockets) {
    if (s.state !== 'established' || s.remotePort === undefined || s.remoteAddress === undefined) continue;
    const port = s.remotePort;
    if (!rules.toolPorts.has(port) || SERVER_PORTS.has(port) || rules.excluded(port, s.protocol) !== undefined) continue;
    const owner = (s.pid !== undefined ? byPid.get(s.pid) : undefined) ?? (s.process ? { pid: s.pid ?? -1, ppid: 0, name: s.process } : undefined);
    if (owner && rules.vpnOfProcess(owner) !== undefined) continue;
    const value = `${s.protocol} ${endpoint(s.localAddress, s.localPort)} -> ${endpoint(s.remoteAddress, port)}${owner ? ` (${owner.argv0 ?? owner.name})` : ''}`;
    const tools = owner ? toolsOfProcess(catalog, platform, owner) : [];
    if (tools.length > 0) {
      // The process is a catalog tool: named when the tool lists this port; otherwise remote_access.network reports its connections.
      for (const t of tools.filter((x) => portsOf.get(x.id)?.has(port))) {
        const entry = byTool.get(t.id) ?? { evidence: [], roles: [], port };
        if (entry.evidence.length < 6) entry.evidence.push({ field: 'socket.connection', value, catalogEntry: t.id, matched: `port ${port}, process ${owner?.argv0 ?? owner?.name ?? ''}` });
        entry.roles.push({ matched: t.pattern, role: t.role });
        byTool.set(t.id, entry);
      }
      continue;
    }
    const key = `${PORT_HINT_KEY}/${s.protocol}/${port}`;
    const hint = hints.get(key) ?? { protocol: s.protocol, port, evidence: [] };
    if (hint.evidence.length < 6) hint.evidence.push({ field: 'socket.connection', value, matched: `port ${port}` });
    hints.set(key, hint);
  }
  const findings: Finding[] = [];
  for (const [id, e] of byTool) {
    const sanctioned = policy.sanctionedTools.includes(id);
    const { role, evidence: roleFact } = roleEvidence(id, e.roles);
    findings.push({
      detector: REMOTE_ACCESS_PORT, key: id, category: 'remote_access', severity: sanctioned ? 'info' : severityForRole(role, 'medium'), confidence: 80,
      title: `${names.get(id) ?? id} is connected to its port ${e.port}${sanctioned ? ' (sanctioned by policy)' : clientNote(role)}`,
      evidence: [...e.evidence, roleFact], catalogEntry: id, sanctioned,
    });
  }
  for (const [key, h] of hints) {
    findings.push({
      detector: REMOTE_ACCESS_PORT, key, category: 'remote_access', severity: 'low', confidence: 30,
      title: `Connected to ${h.protocol.toUpperCase()} port ${h.port}, a port some remote-access tools use (the port names no tool)`,
      evidence: [...h.evidence, PORT_HINT_ROLE], sanctioned: false,
    });
  }
  return findings.sort((a, b) => a.key.localeCompare(b.key));
}
