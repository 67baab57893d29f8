// Routes, neighbours and resolvers on macOS: `netstat -rn`, `arp -an` and `scutil --dns`, three
// fixed commands (the kernel gives routes only over a routing socket node cannot open).
import { runCommand, tryCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import { defaultGateway } from './linux.js';
import type { NeighbourFact, NetworkStateFact, RouteFact } from './types.js';

export const NETSTAT_RN = { file: '/usr/sbin/netstat', args: ['-rn'] } as const;
export const ARP_AN = { file: '/usr/sbin/arp', args: ['-an'] } as const;
export const SCUTIL_DNS = { file: '/usr/sbin/scutil', args: ['--dns'] } as const;

/** BSD destinations: "default", "127", "192.168.1", "0/1", "128.0/1", "10.8/16", "fe80::%utun0/64". */
export function bsdDestination(dest: string, v6: boolean): string | undefined {
  if (dest === 'default') return v6 ? '::/0' : '0.0.0.0/0';
  const [addr = '', bits] = dest.replace(/%[^/]+/, '').split('/');
  if (v6) return `${addr}/${bits ?? '128'}`;
  const octets = addr.split('.');
  if (octets.length > 4 || octets.some((o) => !/^\d{1,3}$/.test(o))) return undefined;
  const full = [...octets, '0', '0', '0'].slice(0, 4).join('.');
  return `${full}/${bits ?? (octets.length === 4 ? 32 : octets.length * 8)}`;
}

const normMac = (m: string): string => m.split(':').map((o) => o.padStart(2, '0')).join(':').toLowerCase();
const isMac = (s: string): boolean => /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(s);

export function parseNetstatRn(text: string): RouteFact[] {
  const out: RouteFact[] = [];
  let v6 = false;
  let cols: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^Internet6:/.test(line)) { v6 = true; continue; }
    if (/^Internet:/.test(line)) { v6 = false; continue; }
    if (/^Destination\s/.test(line)) { cols = line.trim().split(/\s+/); continue; }
    const f = line.trim().split(/\s+/);
    if (cols.length === 0 || f.length < 4) continue;
    const [dest = '', gw = '', flags = ''] = f;
    const iface = f[cols.indexOf('Netif')] ?? '';
    // ARP and neighbour-cache entries (link-layer gateway, flag W or L with a MAC) are not routes.
    if (isMac(gw) || !flags.includes('U') || flags.includes('W')) continue;
    const destination = bsdDestination(dest, v6);
    if (!destination || !iface) continue;
    const r: RouteFact = { destination, interface: iface };
    if (!gw.startsWith('link#') && !/^fe80::%/.test(gw) && flags.includes('G')) r.gateway = gw.replace(/%.*$/, '');
    out.push(r);
  }
  return out;
}

/** `arp -an`: "? (192.168.1.1) at fc:ae:34:a1:3a:80 on en0 ifscope [ethernet]". */
export function parseArpAn(text: string): NeighbourFact[] {
  const out: NeighbourFact[] = [];
  for (const m of text.matchAll(/\(([\d.]+)\) at ([0-9a-f:]+) on (\S+)/gi)) {
    const mac = normMac(m[2] ?? '');
    if (mac === 'ff:ff:ff:ff:ff:ff' || mac.startsWith('01:00:5e')) continue; // broadcast, IPv4 multicast
    out.push({ ip: m[1] ?? '', mac, interface: m[3] ?? '' });
  }
  return out;
}

/** `scutil --dns`: every "nameserver[n] : addr", in order, once. */
export function parseScutilDns(text: string): string[] {
  return [...new Set([...text.matchAll(/^\s*nameserver\[\d+\]\s*:\s*(\S+)/gm)].map((m) => m[1] ?? '').filter(Boolean))];
}

export async function collectDarwinNetworkState(ctx: SensorContext): Promise<NetworkStateFact> {
  const routes = parseNetstatRn(await runCommand(ctx, NETSTAT_RN));
  const neighbours = parseArpAn((await tryCommand(ctx, ARP_AN)) ?? '');
  const dnsServers = parseScutilDns((await tryCommand(ctx, SCUTIL_DNS)) ?? '');
  const gw = defaultGateway(routes, neighbours);
  return { routes, neighbours, dnsServers, ...(gw ? { defaultGateway: gw } : {}) };
}
