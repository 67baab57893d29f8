// Names the laptop is told, not looked up: the hosts file (a relay pinned to an address, or a
// tool's hosts blocked), and remote-access tools' own server settings (RustDesk's
// custom-rendezvous-server / relay-server in RustDesk2.toml: a self-hosted relay). Files only.
// Resolver caches (systemd-resolved, dnsmasq, the Windows DNS cache) are out of reach without a
// process or a privileged API per query, and are not read.
import { readFile, readdir } from 'node:fs/promises';
import type { SensorContext } from '../sensor.js';
import type { HostsEntry, NameConfigFact, RelaySetting } from './types.js';

export function parseHostsFile(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [address = '', ...names] = line.split(/\s+/);
    if (names.length > 0 && /^[0-9a-f.:]+$/i.test(address)) out.push({ address, names: names.map((n) => n.toLowerCase()) });
  }
  return out;
}

/** RustDesk2.toml: `custom-rendezvous-server = 'hbbs.example.com'`, `relay-server = '...'` (under [options]). */
export function parseRustdeskToml(text: string, file: string): RelaySetting[] {
  const out: RelaySetting[] = [];
  for (const m of text.matchAll(/^\s*(custom-rendezvous-server|relay-server|api-server)\s*=\s*['"]([^'"]*)['"]/gm)) {
    if (m[2]) out.push({ tool: 'rustdesk', key: m[1] ?? '', value: m[2], file });
  }
  return out;
}

async function text(path: string): Promise<string | undefined> {
  try { return await readFile(path, 'utf8'); } catch { return undefined; }
}

async function homes(root: string, base: string): Promise<string[]> {
  return (await readdir(`${root}${base}`).catch(() => [] as string[])).filter((u) => !u.startsWith('.')).map((u) => `${base}/${u}`);
}

export async function collectNameConfig(ctx: SensorContext): Promise<NameConfigFact> {
  const r = ctx.root;
  const hostsPath = ctx.platform === 'win32' ? 'C:/Windows/System32/drivers/etc/hosts' : '/etc/hosts';
  const hosts = parseHostsFile((await text(`${r}${hostsPath}`)) ?? '');
  const configs: string[] = [];
  if (ctx.platform === 'linux') for (const h of [...(await homes(r, '/home')), '/root']) configs.push(`${h}/.config/rustdesk/RustDesk2.toml`);
  else if (ctx.platform === 'darwin') for (const h of await homes(r, '/Users')) configs.push(`${h}/Library/Preferences/com.carriez.RustDesk/RustDesk2.toml`);
  else for (const h of await homes(r, 'C:/Users')) configs.push(`${h}/AppData/Roaming/RustDesk/config/RustDesk2.toml`);
  if (ctx.platform === 'win32') configs.push('C:/Windows/ServiceProfiles/LocalService/AppData/Roaming/RustDesk/config/RustDesk2.toml');
  const relays: RelaySetting[] = [];
  for (const f of configs) {
    const t = await text(`${r}${f}`);
    if (t) relays.push(...parseRustdeskToml(t, f));
  }
  return { hosts, relays };
}
