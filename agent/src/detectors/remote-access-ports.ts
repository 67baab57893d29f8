// What a port alone may say. A tool's identity needs its process, its service or its protocol's own
// bytes: a port alone never names a tool (WireGuard's 51820 is also NetBird's; 1313 is Faronics
// Insight's and Hugo's development server's). A socket on a port that catalog remote-access tools
// list is at most a weak hint that names no tool, and not even that when the port is one that
// other software uses by default:
//   - system services below 1024 (SSH 22, SMB 445, RPC 135: every Windows listens on some);
//   - the catalog's shared ports (RDP 3389, STUN 3478, development servers: `sharedPorts`);
//   - VPN clients' default ports (WireGuard 51820, OpenVPN 1194, Tailscale 41641: `vpnClients`),
//     which the VPN detectors report;
//   - a socket held by a VPN client's own process (wireguard-go, tailscaled on any port).
import { basename } from 'node:path';
import { appliesTo, compileGlob, type Catalog, type NameMatcher } from '@farmwatch/shared';
import type { Platform } from '@farmwatch/proto';
import type { ProcessFact } from '../sensors/processes/types.js';
import type { SocketFact } from '../sensors/sockets/types.js';
import { ROLE_EVIDENCE_FIELD } from './remote-access-role.js';
import type { Evidence } from './finding.js';

/** The key prefix of port hints: they name a port, never a tool. */
export const PORT_HINT_KEY = 'port';

export interface PortRules {
  /** Ports some catalog remote-access tool lists. */
  toolPorts: ReadonlySet<number>;
  /** Why a port never hints ("a VPN port (WireGuard)"), or undefined when it may. */
  excluded(port: number, protocol: SocketFact['protocol']): string | undefined;
  /** The VPN client a process is, by its names, if any. */
  vpnOfProcess(p: ProcessFact): string | undefined;
}

const cache = new WeakMap<Catalog, Map<Platform, PortRules>>();

export function portRules(catalog: Catalog, platform: Platform): PortRules {
  let per = cache.get(catalog);
  if (!per) { per = new Map(); cache.set(catalog, per); }
  const hit = per.get(platform);
  if (hit) return hit;
  const toolPorts = new Set<number>();
  for (const t of catalog.remoteAccess ?? []) for (const p of t.ports ?? []) toolPorts.add(p);
  const shared = new Map<number, { protocol: string; usedBy: string }[]>();
  for (const s of catalog.sharedPorts ?? []) {
    if (s.port) shared.set(s.port, [...(shared.get(s.port) ?? []), { protocol: s.protocol ?? '', usedBy: s.usedBy ?? '' }]);
  }
  const vpnPorts = new Map<number, string>();
  const vpnProcs: { m: NameMatcher; name: string }[] = [];
  for (const c of catalog.vpnClients ?? []) {
    for (const p of c.ports ?? []) if (!vpnPorts.has(p)) vpnPorts.set(p, c.name ?? c.id ?? '');
    for (const p of c.processes ?? []) if (p.pattern && appliesTo(p, platform)) vpnProcs.push({ m: compileGlob(p.pattern), name: c.name ?? c.id ?? '' });
  }
  const rules: PortRules = {
    toolPorts,
    excluded(port, protocol) {
      if (port < 1024) return 'a system service port (below 1024)';
      const s = (shared.get(port) ?? []).find((x) => x.protocol === '' || x.protocol === protocol);
      if (s) return `${s.usedBy}'s default port`;
      const vpn = vpnPorts.get(port);
      if (vpn) return `${vpn}'s default port`;
      return undefined;
    },
    vpnOfProcess(p) {
      const names = [p.name, p.argv0, p.path ? basename(p.path.replace(/\\/g, '/')) : undefined].filter((n): n is string => !!n);
      return vpnProcs.find((v) => names.some((n) => v.m(n)))?.name;
    },
  };
  per.set(platform, rules);
  return rules;
}

/** The role evidence of a port hint: no tool, so no side. */
export const PORT_HINT_ROLE: Evidence = { field: ROLE_EVIDENCE_FIELD, value: 'unknown', matched: 'port only: names no tool' };

export const endpoint = (a: string, p: number): string => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
