// mDNS probe for the catalog's KVM names (pikvm.local, tinypilot.local, jetkvm.local, glkvm.local,
// ...): one multicast query per LAN interface asking for all of them at once, over node:dgram (no
// child process), answers collected for a bounded time. The query goes from an ephemeral port, so
// responders answer it directly by unicast (RFC 6762 §6.7): nothing binds port 5353. Tunnels,
// loopback and link-local-only interfaces are not LAN interfaces and are not probed.
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { builtinCatalog } from '@farmwatch/shared';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import { decodeAnswers, encodeQuery } from './dns-packet.js';
import type { MdnsAnswerFact } from './types.js';

export const MDNS_GROUP = { address: '224.0.0.251', port: 5353 };
const TUNNEL = /^(tun|tap|wg|ppp|utun|ipsec|gpd|tailscale|zt|nordlynx|proton|docker|veth|br-|virbr|vmnet|feth|awdl|llw|anpi|bridge)/i;

export interface ProbeOptions {
  names: readonly string[];
  /** Local IPv4 addresses to send from, with their interface names. */
  interfaces: readonly { name: string; address: string }[];
  timeoutMs: number;
  /** Where the query goes: the mDNS group; a test responder's address in tests. */
  target?: { address: string; port: number };
}

export function lanInterfaces(): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (TUNNEL.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) out.push({ name, address: a.address });
  }
  return out;
}

export async function probeMdns(opts: ProbeOptions): Promise<MdnsAnswerFact[]> {
  const wanted = new Set(opts.names.map((n) => n.toLowerCase()));
  const query = encodeQuery([...wanted]);
  const target = opts.target ?? MDNS_GROUP;
  const found = new Map<string, MdnsAnswerFact>();
  await Promise.all(opts.interfaces.map((iface) => new Promise<void>((resolve) => {
    const sock = createSocket({ type: 'udp4', reuseAddr: false });
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => { if (timer) clearTimeout(timer); try { sock.close(); } catch { /* closed */ } resolve(); };
    sock.on('error', done);
    sock.on('message', (msg) => {
      for (const a of decodeAnswers(msg)) {
        if (a.type !== 'A' || !wanted.has(a.name)) continue;
        found.set(`${a.name}|${a.address}`, { name: a.name, address: a.address, interface: iface.name });
      }
    });
    sock.bind(0, iface.address, () => {
      try {
        if (target === MDNS_GROUP) { sock.setMulticastInterface(iface.address); sock.setMulticastTTL(255); }
        sock.send(query, target.port, target.address, (err) => { if (err) done(); });
      } catch {
        done();
        return;
      }
      timer = setTimeout(done, opts.timeoutMs);
    });
  })));
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.address.localeCompare(b.address));
}

export async function collectMdns(ctx: SensorContext): Promise<MdnsAnswerFact[]> {
  if (ctx.root !== '') throw new SensorUnavailable('mDNS answers come from the live network; a recorded tree cannot give them');
  if (ctx.noNetworkProbes) throw new SensorUnavailable('network probes are turned off for this run (--no-network-probes)');
  const names = [...new Set((ctx.catalog ?? builtinCatalog()).kvmDevices?.flatMap((k) => k.mdnsNames ?? []) ?? [])];
  if (names.length === 0) throw new SensorUnavailable('the catalog names no mDNS names to ask for');
  const interfaces = lanInterfaces();
  if (interfaces.length === 0) throw new SensorUnavailable('no LAN interface with an IPv4 address (only loopback or tunnels)');
  return probeMdns({ names, interfaces, timeoutMs: 1500 });
}
