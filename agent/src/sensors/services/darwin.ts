// Launch daemons and agents on macOS: the plists in /Library/LaunchDaemons, /Library/LaunchAgents
// and each user's ~/Library/LaunchAgents (label, program, enabled unless Disabled), read in-process;
// which of them run comes from one `launchctl list` (PID column).
import { readFile, readdir } from 'node:fs/promises';
import { tryCommand } from '../command.js';
import { parsePlist, plistDict, plistString } from '../plist.js';
import type { SensorContext } from '../sensor.js';
import type { ServiceFact } from './types.js';

export const LAUNCHCTL_LIST = { file: '/bin/launchctl', args: ['list'] } as const;

/** `launchctl list`: "PID\tStatus\tLabel" rows; a PID means it runs now. */
export function parseLaunchctlList(text: string): Map<string, { pid?: number; status: string }> {
  const out = new Map<string, { pid?: number; status: string }>();
  for (const line of text.split(/\r?\n/)) {
    const f = line.split('\t');
    if (f.length < 3 || f[0] === 'PID') continue;
    const [pid = '-', status = '', label = ''] = f;
    if (!label) continue;
    out.set(label.trim(), { ...(/^\d+$/.test(pid) ? { pid: Number(pid) } : {}), status });
  }
  return out;
}

async function dirs(root: string): Promise<string[]> {
  const users = await readdir(`${root}/Users`).catch(() => [] as string[]);
  return ['/Library/LaunchDaemons', '/Library/LaunchAgents', ...users.filter((u) => !u.startsWith('.')).map((u) => `/Users/${u}/Library/LaunchAgents`)];
}

export function serviceFromPlist(bytes: Buffer, path: string): ServiceFact | undefined {
  const d = plistDict(parsePlist(bytes));
  if (!d) return undefined;
  const label = plistString(d.Label) ?? path.split('/').pop()?.replace(/\.plist$/, '');
  if (!label) return undefined;
  const args = Array.isArray(d.ProgramArguments) ? d.ProgramArguments : [];
  const program = plistString(d.Program) ?? plistString(args[0]);
  return { name: label, path, ...(program ? { displayName: program } : {}), enabled: d.Disabled !== true };
}

export async function collectDarwinServices(ctx: SensorContext): Promise<ServiceFact[]> {
  const out: ServiceFact[] = [];
  for (const dir of await dirs(ctx.root)) {
    const files = await readdir(`${ctx.root}${dir}`).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith('.plist'))) {
      const bytes = await readFile(`${ctx.root}${dir}/${f}`).catch(() => undefined);
      const s = bytes ? serviceFromPlist(bytes, `${dir}/${f}`) : undefined;
      if (s) out.push(s);
    }
  }
  const running = parseLaunchctlList((await tryCommand(ctx, LAUNCHCTL_LIST)) ?? '');
  for (const s of out) { const r = running.get(s.name); if (r) s.running = r.pid !== undefined; }
  // Loaded jobs without a plist in the folders above (installed elsewhere, or by a profile).
  const known = new Set(out.map((s) => s.name));
  for (const [label, r] of running) if (!known.has(label) && !label.startsWith('com.apple.')) out.push({ name: label, running: r.pid !== undefined });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
