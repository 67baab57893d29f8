// Installed applications on Linux: dpkg's status file, snaps, flatpaks, desktop entries and /opt.
// Files only (no dpkg-query process).
import { stat } from 'node:fs/promises';
import { listDir, readBytes, readText } from '../fs.js';
import type { SensorContext } from '../sensor.js';
import type { AppFact } from './types.js';

const FIELD = /^(?:(Package|Status|Version): ([^\n]+)|$)/gm;
const KEY = { Package: 'name', Status: 'status', Version: 'version' } as const;

/**
 * Installed packages in /var/lib/dpkg/status (also the text `dpkg -l` is made from). The file is
 * over a megabyte on a desktop, and a name cut from it as a substring would keep the whole text in
 * memory for as long as the running agent keeps the facts (V8 keeps substrings as views of their
 * parent): the kept values are decoded afresh from the bytes, at the offsets the matches give.
 */
export function parseDpkgStatus(bytes: Buffer): AppFact[] {
  // latin1: one character per byte, so a match's offsets are the bytes' offsets.
  const text = bytes.toString('latin1');
  const out: AppFact[] = [];
  let para: Partial<Record<(typeof KEY)[keyof typeof KEY], string>> = {};
  const flush = (): void => {
    if (para.name && para.status?.endsWith(' installed')) out.push({ name: para.name, source: 'dpkg', ...(para.version ? { version: para.version } : {}) });
    para = {};
  };
  FIELD.lastIndex = 0;
  for (let m = FIELD.exec(text); m; m = FIELD.exec(text)) {
    const [line, field, value] = m;
    if (line === '') {
      // A blank line (or the end): the paragraph is over. Step past the empty match.
      flush();
      FIELD.lastIndex++;
    } else if (field && value) {
      const from = m.index + field.length + 2;
      para[KEY[field as keyof typeof KEY]] = bytes.toString('utf8', from, from + value.length);
    }
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
