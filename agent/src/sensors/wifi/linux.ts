// Wi-Fi on Linux: the joined network (SSID, BSSID, signal) and the access points of the last scan
// the kernel kept, from `iw` (one process per wireless interface: the kernel gives these only over
// nl80211). No Wi-Fi interface, no process.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { listDir } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import { parseIwLink, parseIwScan } from './parse-iw.js';
import type { WifiFact } from './types.js';

const run = promisify(execFile);

async function exists(path: string): Promise<boolean> {
  try { await stat(path); return true; } catch { return false; }
}

export async function wirelessInterfaces(root: string): Promise<string[]> {
  const names = (await listDir(`${root}/sys/class/net`)) ?? [];
  const out: string[] = [];
  for (const n of names) if (/^[\w.-]{1,15}$/.test(n) && (await exists(`${root}/sys/class/net/${n}/wireless`) || await exists(`${root}/sys/class/net/${n}/phy80211`))) out.push(n);
  return out;
}

export async function collectLinuxWifi(ctx: SensorContext): Promise<WifiFact[]> {
  const ifaces = await wirelessInterfaces(ctx.root);
  if (ifaces.length === 0) throw new SensorUnavailable('no Wi-Fi interface (no /sys/class/net/*/wireless): a wired machine or a virtual machine');
  if (ctx.root !== '') throw new SensorUnavailable('Wi-Fi state comes from the live kernel (iw); a recorded tree cannot give it');
  const out: WifiFact[] = [];
  for (const iface of ifaces) {
    let link = '';
    let scan = '';
    try {
      link = (await run('iw', ['dev', iface, 'link'], { timeout: 5000 })).stdout;
      scan = (await run('iw', ['dev', iface, 'scan', 'dump'], { timeout: 5000, maxBuffer: 4 * 1024 * 1024 })).stdout;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SensorUnavailable('the iw program is missing (Debian package iw)');
    }
    out.push({ interface: iface, ...parseIwLink(link), visible: parseIwScan(scan) });
  }
  return out;
}
