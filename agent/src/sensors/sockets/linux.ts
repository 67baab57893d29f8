// Listening sockets and established connections on Linux from /proc/net/{tcp,tcp6,udp,udp6}, each
// with its owning process found through /proc/<pid>/fd (no ss or netstat process).
import { listDir, linkTarget, readText } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { SocketFact } from './types.js';

function hexAddress(hex: string): string {
  if (hex.length === 8) {
    const n = Number.parseInt(hex, 16);
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
  }
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/.{2}/g) ?? []).reverse());
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push(Number.parseInt(`${bytes[i]}${bytes[i + 1]}`, 16).toString(16));
  const v4mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (v4mapped) return [bytes[12], bytes[13], bytes[14], bytes[15]].map((b) => Number.parseInt(b ?? '0', 16)).join('.');
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

export interface RawSocket extends SocketFact { inode: string }

export function parseProcNet(text: string, protocol: 'tcp' | 'udp'): RawSocket[] {
  const out: RawSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [, local = '', remote = '', st = ''] = f;
    const inode = f[9] ?? '0';
    const [la = '', lp = '0'] = local.split(':');
    const [ra = '', rp = '0'] = remote.split(':');
    const stateCode = Number.parseInt(st, 16);
    const remotePort = Number.parseInt(rp, 16);
    const state = protocol === 'tcp'
      ? (stateCode === 0x0a ? 'listen' : stateCode === 0x01 ? 'established' : 'other')
      : (remotePort === 0 ? 'listen' : 'established');
    const s: RawSocket = { protocol, state, localAddress: hexAddress(la), localPort: Number.parseInt(lp, 16), inode };
    if (state === 'established') { s.remoteAddress = hexAddress(ra); s.remotePort = remotePort; }
    out.push(s);
  }
  return out;
}

/**
 * inode -> pid for the sockets we care about, from the /proc/<pid>/fd links. Only those sockets
 * are looked for: once every wanted inode has an owner, the walk stops reading links.
 */
async function socketOwners(root: string, wanted: Set<string>): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  if (wanted.size === 0) return owners;
  const pids = ((await listDir(`${root}/proc`)) ?? []).filter((e) => /^\d+$/.test(e));
  await Promise.all(pids.map(async (pid) => {
    const fds = await listDir(`${root}/proc/${pid}/fd`);
    if (!fds) return;
    for (const fd of fds) {
      if (owners.size === wanted.size) return;
      const target = await linkTarget(`${root}/proc/${pid}/fd/${fd}`);
      if (target === undefined || !target.startsWith('socket:[')) continue;
      const inode = target.slice(8, -1);
      if (wanted.has(inode) && !owners.has(inode)) owners.set(inode, Number(pid));
    }
  }));
  return owners;
}

export async function collectLinuxSockets(ctx: SensorContext): Promise<SocketFact[]> {
  const files = [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']] as const;
  const texts = await Promise.all(files.map(([f]) => readText(`${ctx.root}/proc/net/${f}`)));
  if (texts.every((t) => t === undefined)) throw new SensorUnavailable(`${ctx.root}/proc/net/tcp is not readable: is procfs mounted?`);
  const sockets = texts.flatMap((t, i) => (t === undefined ? [] : parseProcNet(t, files[i]?.[1] ?? 'tcp')))
    .filter((s) => s.state !== 'other' && !(s.state === 'established' && s.localAddress.startsWith('127.') && s.remoteAddress?.startsWith('127.')));
  // Inode 0: sockets in TIME_WAIT and the like belong to no process.
  const owners = await socketOwners(ctx.root, new Set(sockets.map((s) => s.inode).filter((i) => i !== '0')));
  // The owner's name comes from the processes sensor (detectors join on pid): not read twice here.
  return sockets.map(({ inode, ...s }) => {
    const pid = owners.get(inode);
    return pid === undefined ? s : { ...s, pid };
  });
}
