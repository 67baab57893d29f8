// Routes, neighbours and resolvers on Linux, straight from /proc/net and /etc (no `ip` process).
import { readText } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { NeighbourFact, NetworkStateFact, RouteFact } from './types.js';

/** "0100A8C0" (little-endian hex in /proc/net/route) -> "192.168.0.1" */
export function hexToIPv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

function maskBits(hex: string): number {
  let n = Number.parseInt(hex, 16) >>> 0;
  let bits = 0;
  while (n) { bits += n & 1; n >>>= 1; }
  return bits;
}

export function parseProcRoute(text: string): RouteFact[] {
  const out: RouteFact[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface = '', dst = '', gw = '', flags = '0', , , metric = '0', mask = '0'] = f;
    if ((Number.parseInt(flags, 16) & 0x1) === 0) continue; // RTF_UP
    const r: RouteFact = { destination: `${hexToIPv4(dst)}/${maskBits(mask)}`, interface: iface, metric: Number(metric) };
    if (gw !== '00000000') r.gateway = hexToIPv4(gw);
    out.push(r);
  }
  return out;
}

function hexToIPv6(hex: string): string {
  const groups = hex.match(/.{4}/g)?.map((g) => Number.parseInt(g, 16).toString(16)) ?? [];
  const text = groups.join(':');
  // Shorten the longest run of zero groups.
  const runs = [...text.matchAll(/(^|:)(0(:0)+)(:|$)/g)].sort((a, b) => b[2]!.length - a[2]!.length);
  const best = runs[0];
  if (!best || best.index === undefined) return text;
  return `${text.slice(0, best.index)}::${text.slice(best.index + best[0].length)}`.replace(/^:::/, '::').replace(/:::$/, '::');
}

export function parseProcIpv6Route(text: string): RouteFact[] {
  const out: RouteFact[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dst = '', len = '0', , , nextHop = '', metric = '0', , , flags = '0', iface = ''] = f;
    if ((Number.parseInt(flags, 16) & 0x1) === 0 || iface === 'lo') continue;
    const r: RouteFact = { destination: `${hexToIPv6(dst)}/${Number.parseInt(len, 16)}`, interface: iface, metric: Number.parseInt(metric, 16) };
    if (!/^0+$/.test(nextHop)) r.gateway = hexToIPv6(nextHop);
    out.push(r);
  }
  return out;
}

export function parseProcArp(text: string): NeighbourFact[] {
  const out: NeighbourFact[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const [ip = '', , flags = '0', mac = '', , dev = ''] = f;
    if ((Number.parseInt(flags, 16) & 0x2) === 0 || mac === '00:00:00:00:00:00') continue; // ATF_COM: resolved
    out.push({ ip, mac: mac.toLowerCase(), interface: dev });
  }
  return out;
}

export function parseResolvConf(text: string): string[] {
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1] ?? '').filter(Boolean);
}

export function defaultGateway(routes: readonly RouteFact[], neighbours: readonly NeighbourFact[]): NetworkStateFact['defaultGateway'] {
  const def = routes.filter((r) => r.destination === '0.0.0.0/0' && r.gateway).sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0))[0];
  if (!def?.gateway) return undefined;
  const mac = neighbours.find((n) => n.ip === def.gateway && n.interface === def.interface)?.mac;
  return { ip: def.gateway, interface: def.interface, ...(mac ? { mac } : {}) };
}

export async function collectLinuxNetworkState(ctx: SensorContext): Promise<NetworkStateFact> {
  const [route, route6, arp, resolv] = await Promise.all([
    readText(`${ctx.root}/proc/net/route`), readText(`${ctx.root}/proc/net/ipv6_route`), readText(`${ctx.root}/proc/net/arp`), readText(`${ctx.root}/etc/resolv.conf`),
  ]);
  if (route === undefined) throw new SensorUnavailable(`${ctx.root}/proc/net/route is not readable: is procfs mounted?`);
  const routes = [...parseProcRoute(route), ...(route6 ? parseProcIpv6Route(route6) : [])];
  const neighbours = arp ? parseProcArp(arp) : [];
  let dnsServers = resolv ? parseResolvConf(resolv) : [];
  if (dnsServers.length > 0 && dnsServers.every((d) => d === '127.0.0.53')) {
    // systemd-resolved's stub: the real upstream servers are in its own file.
    const upstream = await readText(`${ctx.root}/run/systemd/resolve/resolv.conf`);
    if (upstream) dnsServers = parseResolvConf(upstream);
  }
  const gw = defaultGateway(routes, neighbours);
  return { routes, neighbours, dnsServers, ...(gw ? { defaultGateway: gw } : {}) };
}
