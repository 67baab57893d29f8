// VPN hops on the laptop: VPN clients (process, service, installed app, install path), the tunnel
// interfaces they make (by name, or Windows adapter description), the routes they set (Astrill's
// 198.18.0.0/15), a default route through a tunnel or the split 0.0.0.0/1 + 128.0.0.0/1 pair.
// Astrill is the most severe (the scheme's VPN of choice); corporate VPNs and those the policy
// names are reported as sanctioned.
import { basename } from 'node:path';
import { appliesTo, compileGlob, PatternSet, type Catalog, type VpnClient } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { AppFact } from '../sensors/apps/types.js';
import type { NetworkInterfaceFact } from '../sensors/network/types.js';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { NetworkStateFact } from '../sensors/routes/types.js';
import type { ServiceFact } from '../sensors/services/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import type { Evidence, Finding } from './finding.js';
import type { Policy } from './policy.js';
import { cidrContains, parseCidr, type Cidr } from './cidr.js';

export const VPN_CLIENT = 'vpn.client';
export const VPN_TUNNEL = 'vpn.tunnel';
export const VPN_FULL_TUNNEL = 'vpn.full_tunnel';

export interface VpnFacts {
  processes?: readonly ProcessFact[];
  services?: readonly ServiceFact[];
  apps?: readonly AppFact[];
  interfaces?: readonly NetworkInterfaceFact[];
  network?: NetworkStateFact;
  sockets?: readonly SocketFact[];
}

const MAX_EVIDENCE = 24;

function ifaceClient(catalog: Catalog, iface: NetworkInterfaceFact, platform: Platform): { client: VpnClient; matched: string } | undefined {
  for (const c of catalog.vpnClients ?? []) {
    for (const p of c.interfaces ?? []) if (p.pattern && appliesTo(p, platform) && compileGlob(p.pattern)(iface.name)) return { client: c, matched: p.pattern };
    if (iface.description) for (const a of c.adapterDescriptions ?? []) if (compileGlob(a)(iface.description)) return { client: c, matched: a };
  }
  return undefined;
}

function isSanctioned(c: VpnClient, policy: Policy): boolean {
  return c.category === 'corporate-vpn' || (policy.sanctionedVpns ?? []).includes(c.id ?? '');
}

function severityOf(c: VpnClient | undefined, sanctioned: boolean): Finding['severity'] {
  if (sanctioned) return 'info';
  if (!c) return 'low';
  if (c.priority === 'high') return 'critical';
  if (c.category === 'consumer-vpn') return 'medium';
  return 'low';
}

function reasonEvidence(c: VpnClient, policy: Policy): Evidence[] {
  const reason = policy.reasons?.[c.id ?? ''] ?? (c.category === 'corporate-vpn' ? 'corporate VPN client (catalog)' : undefined);
  return reason ? [{ field: 'policy.sanctioned', value: reason }] : [];
}

interface CompiledClient {
  client: VpnClient;
  routes: { text: string; net: Cidr }[];
  /** The name in lower case without "(...)", and with a space after it (an app named "<name> ..."). */
  name: string;
  namePrefix: string;
}

/** A pattern's client (its index) and its place among that client's patterns of one kind. */
interface Ref { ci: number; pi: number }

interface CompiledClients {
  clients: CompiledClient[];
  procs: PatternSet<Ref>;
  services: PatternSet<Ref>;
  paths: PatternSet<Ref>;
}

const compiled = new WeakMap<Catalog, Map<Platform, CompiledClients>>();

/** The catalog's VPN patterns compiled once per catalog and platform, each kind one PatternSet. */
function compileClients(catalog: Catalog, platform: Platform): CompiledClients {
  let per = compiled.get(catalog);
  if (!per) { per = new Map(); compiled.set(catalog, per); }
  const hit = per.get(platform);
  if (hit) return hit;
  const out: CompiledClients = { clients: [], procs: new PatternSet(), services: new PatternSet(), paths: new PatternSet() };
  (catalog.vpnClients ?? []).forEach((c, ci) => {
    const into = (set: PatternSet<Ref>, pats: VpnClient['processes']): void => {
      (pats ?? []).filter((p) => p.pattern && appliesTo(p, platform)).forEach((p, pi) => set.add(p.pattern ?? '', { ci, pi }));
    };
    into(out.procs, c.processes);
    into(out.services, c.services);
    into(out.paths, c.paths);
    const name = (c.name ?? '').toLowerCase().replace(/\s*\(.*$/, '');
    out.clients.push({
      client: c, name, namePrefix: `${name} `,
      routes: (c.routes ?? []).flatMap((r) => { const net = parseCidr(r); return net ? [{ text: r, net }] : []; }),
    });
  });
  per.set(platform, out);
  return out;
}

/** For each client, the facts (in their order) that one of its patterns matched, with the pattern. */
function hitsByClient<F>(set: PatternSet<Ref>, facts: readonly F[], namesOf: (f: F) => string[]): Map<number, { fact: F; pattern: string }[]> {
  const out = new Map<number, { fact: F; pattern: string }[]>();
  for (const fact of facts) {
    for (const [ci, { pattern }] of set.firstByKey(namesOf(fact), (r) => r.ci, (r) => r.pi)) {
      const list = out.get(ci);
      if (list) list.push({ fact, pattern });
      else out.set(ci, [{ fact, pattern }]);
    }
  }
  return out;
}

export function detectVpn(facts: VpnFacts, catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const byClient = new Map<string, { client: VpnClient; evidence: Evidence[]; active: boolean }>();
  const add = (c: VpnClient, e: Evidence, active: boolean): void => {
    const entry = byClient.get(c.id ?? '') ?? { client: c, evidence: [], active: false };
    if (!entry.evidence.some((x) => x.field === e.field && x.value === e.value)) entry.evidence.push(e);
    entry.active ||= active;
    byClient.set(c.id ?? '', entry);
  };
  const { clients, procs, services, paths } = compileClients(catalog, platform);
  const procHits = hitsByClient(procs, facts.processes ?? [], (proc) => [proc.name, proc.argv0, proc.path ? basename(proc.path.replace(/\\/g, '/')) : undefined].filter((n): n is string => !!n));
  const serviceHits = hitsByClient(services, facts.services ?? [], (svc) => (svc.displayName !== undefined ? [svc.name, svc.displayName] : [svc.name]));
  const apps = facts.apps ?? [];
  const appPathHits = hitsByClient(paths, apps.map((a, i) => ({ a, i })), ({ a }) => (a.path ? [a.path, a.path.replace(/[\\/]$/, '')] : []));
  const appNames = apps.map((a) => a.name.toLowerCase());
  clients.forEach(({ client: c, name, namePrefix }, ci) => {
    for (const { fact: proc, pattern } of procHits.get(ci) ?? []) {
      add(c, { field: 'process.name', value: proc.argv0 ?? proc.name, catalogEntry: c.id ?? '', matched: pattern }, true);
      if (proc.path) add(c, { field: 'process.path', value: proc.path }, true);
    }
    for (const { fact: svc, pattern } of serviceHits.get(ci) ?? []) {
      add(c, { field: 'service.name', value: svc.name, catalogEntry: c.id ?? '', matched: pattern }, svc.running === true);
    }
    // Installed apps, in their order: by install path, else by name.
    const byPath = new Map((appPathHits.get(ci) ?? []).map((h) => [h.fact.i, h.pattern]));
    apps.forEach((a, i) => {
      const pathHit = byPath.get(i);
      const lower = appNames[i] ?? '';
      const nameHit = pathHit === undefined && name.length >= 4 && (lower === name || lower === c.id || lower.startsWith(namePrefix));
      if (pathHit !== undefined || nameHit) add(c, { field: 'app.name', value: a.name, catalogEntry: c.id ?? '', matched: pathHit ?? c.name ?? '' }, false);
    });
  });
  // Tunnels: attributed to a client by name or description, or left as unknown tunnels.
  const tunnels = (facts.interfaces ?? []).filter((i) => i.kind === 'tunnel' && i.up);
  const unattributed: NetworkInterfaceFact[] = [];
  for (const t of tunnels) {
    const a = ifaceClient(catalog, t, platform);
    if (a) add(a.client, { field: 'interface.name', value: t.name, catalogEntry: a.client.id ?? '', matched: a.matched }, true);
    else unattributed.push(t);
  }
  // Ports only one VPN client uses (OpenVPN 1194, WireGuard 51820, ZeroTier 9993, Tailscale 41641,
  // Astrill 12344): listening on one, or connected to one.
  const portOwners = new Map<number, VpnClient[]>();
  for (const { client } of clients) for (const p of client.ports ?? []) if (p >= 1024) portOwners.set(p, [...(portOwners.get(p) ?? []), client]);
  for (const s of facts.sockets ?? []) {
    const port = s.state === 'listen' ? s.localPort : s.state === 'established' ? s.remotePort : undefined;
    const owners = port === undefined ? undefined : portOwners.get(port);
    if (owners?.length !== 1 || !owners[0]) continue;
    const value = s.state === 'listen' ? `${s.protocol} listening on ${s.localAddress}:${s.localPort}` : `${s.protocol} ${s.localAddress}:${s.localPort} -> ${s.remoteAddress ?? '?'}:${s.remotePort ?? 0}`;
    add(owners[0], { field: s.state === 'listen' ? 'socket.listen' : 'socket.connection', value, catalogEntry: owners[0].id ?? '', matched: `port ${port}` }, true);
  }
  // Routes a client is known to set.
  for (const r of facts.network?.routes ?? []) {
    const dst = parseCidr(r.destination);
    if (!dst) continue;
    for (const { client: c, routes } of clients) {
      for (const { text, net } of routes) {
        if (net.v6 === dst.v6 && dst.bits >= net.bits && cidrContains(net, dst.address)) add(c, { field: 'route.destination', value: `${r.destination} via ${r.interface}`, catalogEntry: c.id ?? '', matched: text }, true);
      }
    }
  }
  const findings: Finding[] = [];
  for (const { client, evidence, active } of byClient.values()) {
    const sanctioned = isSanctioned(client, policy);
    const name = client.name?.replace(/\s*\(.*$/, '') ?? client.id ?? '';
    findings.push({
      detector: VPN_CLIENT, key: client.id ?? '', category: 'vpn',
      severity: severityOf(client, sanctioned),
      confidence: active ? 90 : 75,
      title: `${name} ${active ? 'is running' : 'is installed'}${sanctioned ? ' (sanctioned)' : ''}`,
      evidence: [...evidence.slice(0, MAX_EVIDENCE), ...reasonEvidence(client, policy)],
      catalogEntry: client.id ?? '', sanctioned,
    });
  }
  for (const t of unattributed) {
    findings.push({
      detector: VPN_TUNNEL, key: t.name, category: 'vpn', severity: 'low', confidence: 70,
      title: `Tunnel interface ${t.name} is up`,
      evidence: [{ field: 'interface.name', value: t.name }, { field: 'interface.kind', value: t.kindReason }, ...(t.description ? [{ field: 'interface.description', value: t.description }] : []),
        ...t.addresses.slice(0, 4).map((a) => ({ field: 'interface.address', value: a }))],
      sanctioned: false,
    });
  }
  findings.push(...fullTunnel(facts, catalog, policy, platform));
  return findings.sort((a, b) => a.detector.localeCompare(b.detector) || a.key.localeCompare(b.key));
}

/** All traffic through a tunnel: a default route on a tunnel interface, or the 0/1 + 128/1 pair. */
function fullTunnel(facts: VpnFacts, catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const tunnels = new Map((facts.interfaces ?? []).filter((i) => i.kind === 'tunnel').map((i) => [i.name, i]));
  const routes = facts.network?.routes ?? [];
  const via = (dst: string): string[] => routes.filter((r) => r.destination === dst && tunnels.has(r.interface)).map((r) => r.interface);
  const out: Finding[] = [];
  for (const family of [{ all: '0.0.0.0/0', halves: ['0.0.0.0/1', '128.0.0.0/1'] }, { all: '::/0', halves: ['::/1', '8000::/1'] }]) {
    const whole = via(family.all);
    const low = via(family.halves[0] ?? '');
    const high = via(family.halves[1] ?? '');
    const split = low.filter((i) => high.includes(i));
    const ifaces = [...new Set([...whole, ...split])];
    if (ifaces.length === 0) continue;
    const iface = ifaces[0] ?? '';
    const t = tunnels.get(iface);
    const client = t ? ifaceClient(catalog, t, platform)?.client : undefined;
    const sanctioned = client ? isSanctioned(client, policy) : false;
    const evidence: Evidence[] = [{ field: 'interface.name', value: iface, ...(client ? { catalogEntry: client.id ?? '' } : {}) }];
    if (whole.includes(iface)) evidence.push({ field: 'route.destination', value: `${family.all} via ${iface}`, matched: 'default route through a tunnel' });
    if (split.includes(iface)) evidence.push({ field: 'route.destination', value: `${family.halves.join(' + ')} via ${iface}`, matched: 'split default route (full-tunnel VPN)' });
    out.push({
      detector: VPN_FULL_TUNNEL, key: family.all, category: 'vpn',
      severity: sanctioned ? 'info' : client?.priority === 'high' ? 'critical' : 'medium',
      confidence: 90,
      title: `All ${family.all === '::/0' ? 'IPv6' : 'IPv4'} traffic leaves through tunnel ${iface}${client ? ` (${client.name?.replace(/\s*\(.*$/, '')})` : ''}${sanctioned ? ' (sanctioned)' : ''}`,
      evidence, ...(client ? { catalogEntry: client.id ?? '' } : {}), sanctioned,
    });
  }
  return out;
}
