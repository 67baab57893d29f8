// Installed applications on Linux: dpkg's status file, snaps, flatpaks, desktop entries and /opt.
// Files only (no dpkg-query process).
import { stat } from 'node:fs/promises';
import { listDir, readBytes, readText } from '../fs.js';
import type { SensorContext } from '../sensor.js';
import type { AppFact } from './types.js';

const FIELDS = { 'Package: ': 'name', 'Status: ': 'status', 'Version: ': 'version' } as const;
const FIELD_HEADS = Object.entries(FIELDS).map(([head, key]) => [Buffer.from(head), key] as const);

/**
 * Installed packages in /var/lib/dpkg/status (also the text `dpkg -l` is made from). Parsed from
 * the file's bytes, decoding only the three fields kept: the file is over a megabyte on a desktop,
 * and names cut from one string read whole would keep that string in memory for as long as the
 * running agent keeps the facts (V8 substrings point into their parent).
 */
export function parseDpkgStatus(bytes: Buffer): AppFact[] {
  const out: AppFact[] = [];
  let para: Partial<Record<(typeof FIELDS)[keyof typeof FIELDS], string>> = {};
  const flush = (): void => {
    if (para.name && para.status?.endsWith(' installed')) out.push({ name: para.name, source: 'dpkg', ...(para.version ? { version: para.version } : {}) });
    para = {};
  };
  for (let start = 0; start <= bytes.length;) {
    const newline = bytes.indexOf(10, start);
    const next = newline === -1 ? bytes.length : newline;
    const end = next > start && bytes[next - 1] === 13 ? next - 1 : next;
    if (end === start) flush();
    for (const [head, key] of FIELD_HEADS) {
      if (end - start > head.length && bytes.compare(head, 0, head.length, start, start + head.length) === 0) {
        para[key] = bytes.toString('utf8', start + head.length, end);
        break;
      }
    }
    start = next + 1;
  }
  flush();
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
  const dpkg = await readBytes(`${r}/var/lib/dpkg/status`);
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
