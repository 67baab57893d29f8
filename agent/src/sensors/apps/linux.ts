// Installed applications on Linux: dpkg's status file, snaps, flatpaks, desktop entries and /opt.
// Files only (no dpkg-query process).
import { stat } from 'node:fs/promises';
import { listDir, readText } from '../fs.js';
import type { SensorContext } from '../sensor.js';
import type { AppFact } from './types.js';

/** Installed packages in /var/lib/dpkg/status (also the text `dpkg -l` is made from). */
export function parseDpkgStatus(text: string): AppFact[] {
  const out: AppFact[] = [];
  for (const para of text.split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(para)?.[1];
    const status = /^Status: (.+)$/m.exec(para)?.[1];
    if (!name || !status?.endsWith(' installed')) continue;
    const version = /^Version: (.+)$/m.exec(para)?.[1];
    out.push({ name, source: 'dpkg', ...(version ? { version } : {}) });
  }
  return out;
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

export async function collectLinuxApps(ctx: SensorContext): Promise<AppFact[]> {
  const r = ctx.root;
  const out: AppFact[] = [];
  const dpkg = await readText(`${r}/var/lib/dpkg/status`);
  if (dpkg) out.push(...parseDpkgStatus(dpkg));
  for (const snap of (await listDir(`${r}/snap`)) ?? []) if (snap !== 'bin' && snap !== 'README') out.push({ name: snap, source: 'snap', path: `/snap/${snap}` });
  for (const fp of (await listDir(`${r}/var/lib/flatpak/app`)) ?? []) out.push({ name: fp, source: 'flatpak', path: `/var/lib/flatpak/app/${fp}` });
  for (const dir of ['/usr/share/applications', '/usr/local/share/applications']) {
    for (const f of ((await listDir(`${r}${dir}`)) ?? []).filter((e) => e.endsWith('.desktop'))) {
      const text = await readText(`${r}${dir}/${f}`);
      const name = text ? /^Name=(.+)$/m.exec(text)?.[1] : undefined;
      const exec = text ? /^Exec=(\S+)/m.exec(text)?.[1] : undefined;
      out.push({ name: name ?? f.replace(/\.desktop$/, ''), source: 'desktop', path: exec ?? `${dir}/${f}` });
    }
  }
  for (const o of (await listDir(`${r}/opt`)) ?? []) {
    const when = await mtimeMs(`${r}/opt/${o}`);
    out.push({ name: o, source: 'opt', path: `/opt/${o}`, ...(when !== undefined ? { installedAtMs: Math.round(when) } : {}) });
  }
  for (const p of ['/usr/local/Astrill', '/usr/local/mesh_services/meshagent']) {
    if ((await listDir(`${r}${p}`)) !== undefined) out.push({ name: p.split('/').pop() ?? p, source: 'opt', path: `${p}/` });
  }
  return out;
}
