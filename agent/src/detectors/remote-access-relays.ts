// Remote-access relays named on the laptop itself: hosts-file lines that name a tool's or a VPN's
// servers (a pinned relay, or a blocked one), RustDesk set to a self-hosted rendezvous or relay
// server, and established connections to a port only one remote-access tool uses.
import { compileGlob, type Catalog } from '@farmwatch/shared';
import type { NameConfigFact } from '../sensors/hosts/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';

export const REMOTE_ACCESS_HOSTS = 'remote_access.hosts_file';
export const REMOTE_ACCESS_RELAY = 'remote_access.custom_relay';
export const REMOTE_ACCESS_PORT = 'remote_access.relay_port';

/** Ports too common to name a tool by themselves: system services below 1024, and these. */
const COMMON_PORTS = new Set([3389, 5000, 5555, 5900, 5901, 8000, 8080, 8443, 10000]);
const BLOCKED = /^(0\.0\.0\.0|127\.\d+\.\d+\.\d+|::1?)$/;

interface DomainRule { id: string; name: string; kind: 'remote_access' | 'vpn'; match: (host: string) => boolean; pattern: string }

function domainRules(catalog: Catalog): DomainRule[] {
  const rules: DomainRule[] = [];
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

/** Established connections to a port that only one catalog tool uses (AnyDesk 7070, TeamViewer 5938), whatever process holds them. */
export function detectRelayPorts(sockets: readonly SocketFact[], catalog: Catalog, policy: Policy): Finding[] {
  const owners = new Map<number, Set<string>>();
  const names = new Map<string, string>();
  for (const t of catalog.remoteAccess ?? []) {
    names.set(t.id ?? '', t.name ?? '');
    for (const p of t.ports ?? []) if (p >= 1024 && !COMMON_PORTS.has(p)) owners.set(p, (owners.get(p) ?? new Set()).add(t.id ?? ''));
  }
  const byTool = new Map<string, Evidence[]>();
  for (const s of sockets) {
    if (s.state !== 'established' || s.remotePort === undefined || s.remoteAddress === undefined) continue;
    const ids = owners.get(s.remotePort);
    if (ids?.size !== 1) continue;
    const id = [...ids][0] ?? '';
    const list = byTool.get(id) ?? [];
    if (list.length < 6) list.push({ field: 'socket.connection', value: `${s.protocol} ${s.localAddress}:${s.localPort} -> ${s.remoteAddress}:${s.remotePort}${s.process ? ` (${s.process})` : ''}`, catalogEntry: id, matched: `port ${s.remotePort}` });
    byTool.set(id, list);
  }
  return [...byTool].map(([id, evidence]): Finding => {
    const sanctioned = policy.sanctionedTools.includes(id);
    return {
      detector: REMOTE_ACCESS_PORT, key: id, category: 'remote_access', severity: sanctioned ? 'info' : 'medium', confidence: 60,
      title: `Connected to ${names.get(id) ?? id}'s port ${/port (\d+)/.exec(evidence[0]?.matched ?? '')?.[1] ?? ''}${sanctioned ? ' (sanctioned by policy)' : ''}`,
      evidence, catalogEntry: id, sanctioned,
    };
  });
}
