// Processes on Linux, straight from /proc: one directory listing and three small reads per process,
// no child process (systeminformation would fork ps).
import { basename } from 'node:path';
import { listDir, readText, linkTarget } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { ProcessFact } from './types.js';

/** USER_HZ: the unit of /proc/<pid>/stat times, fixed at 100 by the kernel's user-space ABI. */
const USER_HZ = 100;

const bootTimes = new Map<string, Promise<number | undefined>>();

/** Boot time from /proc/stat's btime: fixed for a boot, so read once per root and shared by the sensors that need it. */
export function bootTimeMs(root: string): Promise<number | undefined> {
  let p = bootTimes.get(root);
  if (!p) {
    p = readText(`${root}/proc/stat`).then((stat) => {
      const m = stat === undefined ? null : /^btime (\d+)$/m.exec(stat);
      if (!m?.[1]) bootTimes.delete(root);
      return m?.[1] ? Number(m[1]) * 1000 : undefined;
    });
    bootTimes.set(root, p);
  }
  return p;
}

export async function userNames(root: string): Promise<Map<number, string>> {
  const passwd = (await readText(`${root}/etc/passwd`)) ?? '';
  const users = new Map<number, string>();
  for (const line of passwd.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid)) users.set(Number(uid), name);
  }
  return users;
}

/** Fields of /proc/<pid>/stat after the parenthesised comm (which may itself hold spaces and parens). */
export function parseStat(text: string): { comm: string; ppid: number; startTicks: number } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, starttime field 22.
  const ppid = Number(rest[1]);
  const startTicks = Number(rest[19]);
  if (!Number.isFinite(ppid) || !Number.isFinite(startTicks)) return undefined;
  return { comm: text.slice(open + 1, close), ppid, startTicks };
}

export async function collectLinuxProcesses(ctx: SensorContext): Promise<ProcessFact[]> {
  const entries = await listDir(`${ctx.root}/proc`);
  if (entries === undefined) throw new SensorUnavailable(`${ctx.root}/proc is not readable: is procfs mounted?`);
  const [btime, users] = await Promise.all([bootTimeMs(ctx.root), userNames(ctx.root)]);
  const pids = entries.filter((e) => /^\d+$/.test(e));
  const facts = await Promise.all(pids.map(async (pid): Promise<ProcessFact | undefined> => {
    const dir = `${ctx.root}/proc/${pid}`;
    const [stat, status, cmdline, exe] = await Promise.all([
      readText(`${dir}/stat`), readText(`${dir}/status`), readText(`${dir}/cmdline`), linkTarget(`${dir}/exe`),
    ]);
    if (stat === undefined) return undefined; // exited while we looked
    const parsed = parseStat(stat);
    if (!parsed) return undefined;
    const argv = cmdline?.split('\0').filter((a) => a.length > 0) ?? [];
    // Kernel threads have no command line and descend from kthreadd (pid 2): not programs.
    if (argv.length === 0 && (parsed.ppid === 2 || pid === '2')) return undefined;
    const uid = status === undefined ? undefined : /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const fact: ProcessFact = { pid: Number(pid), ppid: parsed.ppid, name: parsed.comm };
    if (exe) fact.path = exe.replace(/ \(deleted\)$/, '');
    if (argv[0]) fact.argv0 = basename(argv[0]);
    if (uid !== undefined) fact.user = users.get(Number(uid)) ?? uid;
    if (btime !== undefined) fact.startedAtMs = btime + Math.round((parsed.startTicks / USER_HZ) * 1000);
    return fact;
  }));
  return facts.filter((f): f is ProcessFact => f !== undefined);
}
