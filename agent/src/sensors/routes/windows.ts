// Routes, neighbours and resolvers on Windows: `route print`, `arp -a` and `ipconfig /all`. Windows
// names a route's and a neighbour's interface by its IP address; ipconfig's adapters map those
// addresses to adapter names, the names the interface sensor uses.
import { runCommand, tryCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import { defaultGateway } from './linux.js';
import type { NeighbourFact, NetworkStateFact, RouteFact } from './types.js';

export const ROUTE_PRINT = { file: 'route.exe', args: ['print'] } as const;
export const ARP_A = { file: 'arp.exe', args: ['-a'] } as const;
export const IPCONFIG_ALL = { file: 'ipconfig.exe', args: ['/all'] } as const;

export interface IpconfigAdapter { name: string; description?: string; mac?: string; ipv4: string[]; gateways: string[]; dnsServers: string[]; mediaDisconnected: boolean }

const maskBits = (mask: string): number => mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
const clean = (v: string): string => v.replace(/\((Preferred|Deprecated|Tentative|Duplicate)\)$/i, '').replace(/%\d+$/, '').trim();

export function parseIpconfigAll(text: string): IpconfigAdapter[] {
  const out: IpconfigAdapter[] = [];
  let cur: IpconfigAdapter | undefined;
  let lastKey = '';
  for (const line of text.split(/\r?\n/)) {
    const head = /^(\S.*?) adapter (.+):\s*$/.exec(line);
    if (head?.[2]) { cur = { name: head[2], ipv4: [], gateways: [], dnsServers: [], mediaDisconnected: false }; out.push(cur); lastKey = ''; continue; }
    if (!cur) continue;
    const kv = /^\s+([A-Za-z][^:]*?)[ .]*:(?: (.*?))?\s*$/.exec(line);
    const value = kv ? kv[2] ?? '' : line.trim();
    const key = kv ? (kv[1] ?? '').trim() : lastKey;
    if (kv) lastKey = key;
    if (!value) continue;
    if (key === 'Description') cur.description = value;
    else if (key === 'Physical Address') cur.mac = value.toLowerCase().replace(/-/g, ':');
    else if (key === 'IPv4 Address' || key === 'IP Address') cur.ipv4.push(clean(value));
    else if (key === 'Default Gateway') cur.gateways.push(clean(value));
    else if (key === 'DNS Servers') cur.dnsServers.push(clean(value));
    else if (key === 'Media State' && /disconnected/i.test(value)) cur.mediaDisconnected = true;
  }
  return out;
}

export function parseRoutePrint(text: string, nameOf: (ip: string) => string): RouteFact[] {
  const out: RouteFact[] = [];
  let section: 'none' | 'v4' | 'v6' = 'none';
  let active = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^IPv4 Route Table/.test(line)) { section = 'v4'; active = false; continue; }
    if (/^IPv6 Route Table/.test(line)) { section = 'v6'; active = false; continue; }
    if (/^Active Routes:/.test(line)) { active = true; continue; }
    if (/^Persistent Routes:/.test(line)) { active = false; continue; }
    if (!active) continue;
    const f = line.trim().split(/\s+/);
    if (section === 'v4' && f.length === 5 && /^\d+\.\d+\.\d+\.\d+$/.test(f[0] ?? '')) {
      const [dst = '', mask = '', gw = '', iface = '', metric = '0'] = f;
      const r: RouteFact = { destination: `${dst}/${maskBits(mask)}`, interface: nameOf(iface), metric: Number(metric) };
      if (gw !== 'On-link') r.gateway = gw;
      out.push(r);
    }
  }
  return out;
}

export function parseArpA(text: string, nameOf: (ip: string) => string): NeighbourFact[] {
  const out: NeighbourFact[] = [];
  let iface = '';
  for (const line of text.split(/\r?\n/)) {
    const head = /^Interface:\s*([\d.]+)/.exec(line);
    if (head?.[1]) { iface = nameOf(head[1]); continue; }
    const m = /^\s+([\d.]+)\s+([0-9a-f]{2}(?:-[0-9a-f]{2}){5})\s+dynamic/i.exec(line);
    if (m?.[1] && m[2]) out.push({ ip: m[1], mac: m[2].toLowerCase().replace(/-/g, ':'), interface: iface });
  }
  return out;
}

export async function collectWindowsNetworkState(ctx: SensorContext): Promise<NetworkStateFact> {
  const adapters = parseIpconfigAll((await tryCommand(ctx, IPCONFIG_ALL)) ?? '');
  const byIp = new Map(adapters.flatMap((a) => a.ipv4.map((ip) => [ip, a.name] as const)));
  const nameOf = (ip: string): string => byIp.get(ip) ?? ip;
  const routes = parseRoutePrint(await runCommand(ctx, ROUTE_PRINT), nameOf);
  const neighbours = parseArpA((await tryCommand(ctx, ARP_A)) ?? '', nameOf);
  const dnsServers = [...new Set(adapters.filter((a) => !a.mediaDisconnected).flatMap((a) => a.dnsServers))];
  const gw = defaultGateway(routes, neighbours);
  return { routes, neighbours, dnsServers, ...(gw ? { defaultGateway: gw } : {}) };
}
