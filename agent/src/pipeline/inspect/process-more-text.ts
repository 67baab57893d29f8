// More process listings as analysts receive them: `wmic process` (table, /format:list or csv),
// `pstree`, `top` / `htop` text, and Linux audit EXECVE / SYSCALL records.
import { basename } from 'node:path';
import type { ProcessFact } from '../../sensors/processes/types.js';
import { csvFields } from './service-text.js';

const base = (p: string): string => basename(p.replace(/\\/g, '/'));

function withPath(pid: number, name: string, path: string | undefined): ProcessFact {
  const p: ProcessFact = { pid, ppid: 0, name: name || (path ? base(path) : '') };
  if (path && /^([a-z]:\\|\/)/i.test(path)) p.path = path;
  return p;
}

/**
 * `wmic process get ...`: a table whose header names the columns (Name, ProcessId, ExecutablePath,
 * CommandLine, ...; columns start where the header words start), `/format:list` blocks
 * ("Name=AnyDesk.exe") or `/format:csv` ("Node,ExecutablePath,Name,ProcessId").
 */
export function parseWmicProcess(text: string): ProcessFact[] {
  const out: ProcessFact[] = [];
  const lines = text.replace(/\r/g, '').split('\n');
  const csvAt = lines.findIndex((l) => /^Node,/.test(l) && /\bName\b/.test(l));
  if (csvAt >= 0) {
    const cols = csvFields(lines[csvAt] ?? '');
    for (const l of lines.slice(csvAt + 1)) {
      const f = csvFields(l);
      const name = f[cols.indexOf('Name')] ?? '';
      if (name) out.push(withPath(Number(f[cols.indexOf('ProcessId')] ?? 0) || 0, name, f[cols.indexOf('ExecutablePath')] || undefined));
    }
    return out;
  }
  if (lines.some((l) => /^Name=/.test(l))) {
    for (const block of text.replace(/\r/g, '').split(/\n\s*\n/)) {
      const get = (k: string): string | undefined => new RegExp(`^${k}=(.*)$`, 'm').exec(block)?.[1]?.trim() || undefined;
      const name = get('Name');
      if (name) out.push(withPath(Number(get('ProcessId') ?? 0) || 0, name, get('ExecutablePath')));
    }
    return out;
  }
  const header = lines.findIndex((l) => /\b(Name|Caption)\b/.test(l) && /\bProcessId\b/.test(l));
  if (header < 0) return out;
  const h = lines[header] ?? '';
  const starts = [...h.matchAll(/\S+/g)].map((m) => ({ col: m[0], at: m.index }));
  const cell = (line: string, col: string): string => {
    const i = starts.findIndex((s) => s.col === col);
    if (i < 0) return '';
    return line.slice(starts[i]?.at ?? 0, starts[i + 1]?.at ?? undefined).trim();
  };
  for (const l of lines.slice(header + 1)) {
    if (!l.trim()) continue;
    const name = cell(l, 'Name') || cell(l, 'Caption');
    if (name) out.push(withPath(Number(cell(l, 'ProcessId')) || 0, name, cell(l, 'ExecutablePath') || undefined));
  }
  return out;
}

/** A pstree line's leading tree columns: spaces, vertical bars ("│", or "|" not starting a child marker) and the child marker ("├─", "└─", "|-", "`-"). */
const PSTREE_LEAD = /^(?:[\s│]|\|(?!-))*(?:[├└`|][─-])?/;
/** Between a parent and its first child, or along a chain: "─┬─", "───", "-+-", "---" (a name may hold single hyphens: "xrdp-sesman"). */
const PSTREE_LINK = /[─-][┬+─-][─-]/;

/**
 * `pstree` / `pstree -p`, with line-drawing characters or in ASCII (what it prints into a pipe or
 * file: "init(1)-+-xrdp(17)---xrdp(28)", "     |-sshd(12)", "     `-xrdp-sesman(15)"). Names and
 * pids; threads ("{name}", "3*[{name}]") are left out, repeated children ("3*[agetty]") kept once.
 */
export function parsePstree(text: string): ProcessFact[] {
  const out: ProcessFact[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    for (const part of line.replace(PSTREE_LEAD, '').split(PSTREE_LINK)) {
      // "2*[agetty]" is two agetty; a name cut at the screen's edge ends in "+" (its pid cut with it).
      const t = part.trim().replace(/^\d+\*\[/, '').replace(/\]$/, '').replace(/\(\d*\+$|\+$/, '');
      if (!t || t.startsWith('{')) continue;
      const pm = /^(.+?)(?:\((\d+)(?:,[^)]*)?\))?$/.exec(t);
      const name = pm?.[1]?.trim();
      if (!name || /^\d+$/.test(name)) continue;
      const key = `${name}/${pm?.[2] ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ pid: Number(pm?.[2] ?? 0), ppid: 0, name });
    }
  }
  return out;
}

/** `top -b` / `htop` text: a header with PID ... COMMAND (or Command); the command is the last column. */
export function parseTop(text: string): ProcessFact[] {
  const out: ProcessFact[] = [];
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => /^\s*PID\s+USER\s+.*\b(COMMAND|Command)\s*$/.test(l));
  if (header < 0) return out;
  const cols = (lines[header] ?? '').trim().split(/\s+/);
  for (const line of lines.slice(header + 1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < cols.length || !/^\d+$/.test(f[0] ?? '')) continue;
    const command = f.slice(cols.length - 1).join(' ');
    const exe = command.split(/\s+/)[0] ?? '';
    // A path's last part is the program; a bare name stays whole (kernel threads: "migration/0").
    const p: ProcessFact = { pid: Number(f[0]), ppid: 0, name: exe.startsWith('/') ? base(exe) : exe, user: f[1] ?? '' };
    if (exe.startsWith('/')) p.path = exe;
    out.push(p);
  }
  return out;
}

/** One field of an audit record: quoted ('exe="/usr/bin/x11vnc"'), or bare (`ausearch -i`: 'exe=/usr/bin/x11vnc'; raw: hex for a value with spaces). */
function auditField(line: string, key: string): { value: string; quoted: boolean } | undefined {
  const m = new RegExp(`(?:^|\\s)${key}=(?:"([^"]*)"|(\\S+))`).exec(line);
  if (!m) return undefined;
  return m[1] !== undefined ? { value: m[1], quoted: true } : { value: m[2] ?? '', quoted: false };
}

/**
 * Audit records (the raw log, `ausearch` and `ausearch -i` output): one process per event, the
 * records of an event sharing its "msg=audit(TIME:SERIAL)". SYSCALL gives the pid, "comm" and
 * "exe"; EXECVE the program as it was run ("a0"). In the raw form a bare a0 is hex (the value had a
 * space); `ausearch -i` writes every value bare and decoded, its time as a date ("12/06/26 11:26:11.112:1266").
 */
export function parseAuditExec(text: string): ProcessFact[] {
  const events = new Map<string, { pid?: number; comm?: string; exe?: string; a0?: string }>();
  for (const line of text.split(/\r?\n/)) {
    const head = /type=(SYSCALL|EXECVE)\b.*?\bmsg=audit\(([^)]*)\)/.exec(line);
    if (!head) continue;
    const stamp = head[2] ?? '';
    const interpreted = stamp.includes('/');
    const e = events.get(stamp) ?? {};
    events.set(stamp, e);
    if (head[1] === 'SYSCALL') {
      const pid = auditField(line, 'pid');
      if (pid && /^\d+$/.test(pid.value)) e.pid = Number(pid.value);
      const comm = auditField(line, 'comm')?.value;
      const exe = auditField(line, 'exe')?.value;
      if (comm && comm !== '(null)') e.comm = comm;
      if (exe && exe !== '(null)') e.exe = exe;
    } else {
      const a0 = auditField(line, 'a0');
      if (!a0) continue;
      e.a0 = !a0.quoted && !interpreted && /^(?:[0-9A-F]{2})+$/.test(a0.value) ? Buffer.from(a0.value, 'hex').toString('utf8') : a0.value;
    }
  }
  const out: ProcessFact[] = [];
  const seen = new Set<string>();
  for (const e of events.values()) {
    const path = e.exe ?? (e.a0?.startsWith('/') ? e.a0 : undefined);
    const name = path ? base(path) : e.comm ?? (e.a0 ? base(e.a0) : '');
    const key = `${e.pid ?? 0}/${path ?? name}`;
    if (!name || seen.has(key)) continue;
    seen.add(key);
    out.push(withPath(e.pid ?? 0, name, path));
  }
  return out;
}

/**
 * `ps` rows without their header (a `ps aux | grep` paste): "root 888 0.0 0.1 370044 21764 ? Ssl 14:55 0:00 /usr/bin/anydesk --service"
 * (aux) and "root 2021 1 0 May07 ? 00:02:15 /opt/teamviewer/tv_bin/teamviewerd -d" (-ef).
 */
export function parsePsRows(text: string): ProcessFact[] {
  const out: ProcessFact[] = [];
  for (const line of text.split(/\r?\n/)) {
    const aux = /^\s*(\S+)\s+(\d+)\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d+\s+\S+\s+\S+\s+\S+\s+\d+:\d{2}(?:\.\d+)?\s+(\S.*)$/.exec(line);
    // -ef: STIME is a time, "May07" or a year; TIME is [[dd-]hh:]mm:ss.
    const ef = aux ? null : /^\s*(\S+)\s+(\d+)\s+(\d+)\s+\d+\s+(?:\d{1,2}:\d{2}|[A-Z][a-z]{2}\d{1,2}|\d{4})\s+\S+\s+(?:\d+-)?\d{1,2}:\d{2}(?::\d{2})?\s+(\S.*)$/.exec(line);
    const m = aux ?? ef;
    if (!m) continue;
    const command = (aux ? aux[3] : ef?.[4]) ?? '';
    if (command.startsWith('[') || /^grep\b/.test(command)) continue;
    const exe = command.split(/\s+/)[0] ?? '';
    const p: ProcessFact = { pid: Number(m[2]), ppid: ef ? Number(ef[3]) : 0, name: base(exe.replace(/:$/, '')), user: m[1] ?? '' };
    if (exe.startsWith('/')) p.path = exe;
    out.push(p);
  }
  return out;
}

/** Volatility `pslist` / `pstree` rows: "0x8c1172d0:AnyDesk.exe  1868  1564  9  180 2021-09-24 ..." (names cut at 14 characters by Windows' EPROCESS). */
export function parseVolatilityProcesses(text: string): ProcessFact[] {
  return [...text.matchAll(/^[\s.]*0x[0-9a-f]+:(\S+)\s+(\d+)\s+(\d+)\s/gim)].map((m) => ({ pid: Number(m[2]), ppid: Number(m[3]), name: m[1] ?? '' }));
}
