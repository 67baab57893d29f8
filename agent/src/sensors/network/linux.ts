// Network interfaces on Linux: addresses from the OS, kind and state from /sys/class/net.
import { networkInterfaces } from 'node:os';
import { stat } from 'node:fs/promises';
import { listDir, readAttr, readText, linkTarget } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import { classifyLinuxLink } from './classify.js';
import type { NetworkInterfaceFact } from './types.js';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Addresses of an interface that is up and running (the OS lists no others). */
export function ownAddresses(name: string): string[] {
  return (networkInterfaces()[name] ?? []).map((a) => a.cidr ?? a.address);
}

export async function collectLinuxInterfaces(ctx: SensorContext, addressesOf = ownAddresses): Promise<NetworkInterfaceFact[]> {
  const base = `${ctx.root}/sys/class/net`;
  const names = await listDir(base);
  if (names === undefined) throw new SensorUnavailable(`${base} is not readable: is sysfs mounted?`);
  return Promise.all(names.sort().map(async (name) => {
    const dir = `${base}/${name}`;
    const [type, uevent, operstate, mtu, address, link, wireless, phy, tunFlags] = await Promise.all([
      readAttr(`${dir}/type`), readText(`${dir}/uevent`), readAttr(`${dir}/operstate`), readAttr(`${dir}/mtu`),
      readAttr(`${dir}/address`), linkTarget(dir), exists(`${dir}/wireless`), exists(`${dir}/phy80211`),
      exists(`${dir}/tun_flags`),
    ]);
    const devtype = uevent === undefined ? undefined : /^DEVTYPE=(.*)$/m.exec(uevent)?.[1];
    const { kind, reason } = classifyLinuxLink({
      name,
      ...(type !== undefined ? { arphrd: Number(type) } : {}),
      ...(devtype !== undefined ? { devtype } : {}),
      hasWireless: wireless || phy,
      hasTunFlags: tunFlags,
      isVirtual: link?.includes('/devices/virtual/') ?? false,
    });
    const fact: NetworkInterfaceFact = {
      name, kind, kindReason: reason,
      // "unknown" is what tun and many virtual links report while passing traffic.
      up: operstate === 'up' || operstate === 'unknown',
      addresses: addressesOf(name),
    };
    if (address && address !== '00:00:00:00:00:00') fact.mac = address;
    if (mtu !== undefined && /^\d+$/.test(mtu)) fact.mtu = Number(mtu);
    return fact;
  }));
}
