// Network interfaces on macOS and Windows through systeminformation (called without arguments).
import { systeminformation } from '../si.js';
import { classifyByName } from './classify.js';
import type { NetworkInterfaceFact } from './types.js';

function cidr(address: string, mask: string): string {
  if (!mask) return address;
  if (address.includes(':')) return `${address}/${mask}`;
  const bits = mask.split('.').reduce((n, octet) => n + (Number(octet) >>> 0).toString(2).replace(/0/g, '').length, 0);
  return `${address}/${bits}`;
}

export async function collectInterfacesWithSi(): Promise<NetworkInterfaceFact[]> {
  const si = await systeminformation();
  const list = await si.networkInterfaces();
  const arr = Array.isArray(list) ? list : [list];
  return arr.map((n) => {
    const { kind, reason } = classifyByName(n.iface, n.type, n.virtual);
    const addresses = [n.ip4 ? cidr(n.ip4, n.ip4subnet) : '', n.ip6 ? cidr(n.ip6, n.ip6subnet) : ''].filter(Boolean);
    const fact: NetworkInterfaceFact = { name: n.iface, kind, kindReason: reason, up: n.operstate === 'up', addresses };
    if (n.mac) fact.mac = n.mac;
    if (n.mtu) fact.mtu = n.mtu;
    return fact;
  });
}
