// Process and installed-app listings as analysts receive them: `ps aux` / `ps -ef`, `tasklist`
// (table or /fo csv), PowerShell `Get-Process`, `winget list`, `dpkg -l`.
import { basename } from 'node:path';
import type { AppFact } from '../../sensors/apps/types.js';
import type { ProcessFact } from '../../sensors/processes/types.js';

function commandFact(pid: number, ppid: number, user: string | undefined, command: string): ProcessFact {
  const exe = command.startsWith('[') ? command : (command.split(/\s+/)[0] ?? '');
  const name = basename(exe.replace(/\\/g, '/')).replace(/:$/, '');
  const fact: ProcessFact = { pid, ppid, name };
  if (exe.startsWith('/')) fact.path = exe;
  if (user) fact.user = user;
  return fact;
}

/** `ps aux` (USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND) or `ps -ef` (UID PID PPID C STIME TTY TIME CMD). */
export function parsePs(text: string): ProcessFact[] {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => /^\s*(USER|UID)\s+PID\s/.test(l));
  if (header < 0) return [];
  const cols = (lines[header] ?? '').trim().split(/\s+/);
  const cmdAt = cols.findIndex((c) => c === 'COMMAND' || c === 'CMD');
  const ppidAt = cols.indexOf('PPID');
  const out: ProcessFact[] = [];
  for (const line of lines.slice(header + 1)) {
    const f = line.trim().split(/\s+/);
    if (f.length <= cmdAt || !/^\d+$/.test(f[1] ?? '')) continue;
    const command = f.slice(cmdAt).join(' ');
    if (command.startsWith('[')) continue; // kernel threads
    out.push(commandFact(Number(f[1]), ppidAt >= 0 ? Number(f[ppidAt]) || 0 : 0, f[0], command));
  }
  return out;
}

/** `tasklist` table ("Image Name  PID Session Name ...") or `tasklist /fo csv` ("Image Name","PID",...). */
export function parseTasklist(text: string): ProcessFact[] {
  const out: ProcessFact[] = [];
  if (/^"Image Name","PID"/m.test(text)) {
    for (const line of text.split(/\r?\n/).slice(1)) {
      const f = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
      if (f.length >= 2 && /^\d+$/.test(f[1] ?? '')) out.push({ pid: Number(f[1]), ppid: 0, name: f[0] ?? '', ...(f[6] && f[6] !== 'N/A' ? { user: f[6] } : {}) });
    }
    return out;
  }
  // Rows quoted in a mail or a Markdown post start with ">" (never part of a Windows file name).
  for (const line of text.split(/\r?\n/)) {
    const m = /^(?:> ?)*(.+?)\s+(\d+)\s+(Services|Console|RDP-Tcp#\d+|\S+)\s+\d+\s+[\d,. \u00a0\u202f]+ (?:K|Ko|KB)\b/.exec(line);
    if (m?.[1]) out.push({ pid: Number(m[2]), ppid: 0, name: m[1].trim() });
  }
  return out;
}

/**
 * PowerShell `Get-Process` table: Handles NPM(K) PM(K) WS(K) CPU(s) Id SI ProcessName. CPU(s) is
 * blank for processes of other users, so columns are counted from the right, by the header.
 */
export function parseGetProcess(text: string): ProcessFact[] {
  const out: ProcessFact[] = [];
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => /\bId\b.*\bProcessName\b/.test(l));
  if (header < 0) return out;
  const cols = (lines[header] ?? '').trim().split(/\s+/);
  const idFromEnd = cols.length - cols.indexOf('Id');
  const nameFromEnd = cols.length - cols.indexOf('ProcessName');
  for (const line of lines.slice(header + 2)) {
    const f = line.trim().split(/\s+/);
    if (f.length < idFromEnd || !/^\d+$/.test(f[0] ?? '')) continue;
    const id = f[f.length - idFromEnd] ?? '';
    const name = f[f.length - nameFromEnd] ?? '';
    if (!/^\d+$/.test(id) || !name) continue;
    out.push({ pid: Number(id), ppid: 0, name: `${name}.exe`, argv0: name });
  }
  return out;
}

/** `dpkg -l`: "ii  anydesk  6.3.0  amd64  The fastest remote desktop software on the market." */
export function parseDpkgList(text: string): AppFact[] {
  return [...text.matchAll(/^(ii|hi|iU)\s+(\S+?)(?::\S+)?\s+(\S+)\s+\S+\s/gm)].map((m) => ({ name: m[2] ?? '', version: m[3] ?? '', source: 'dpkg' as const }));
}

/** `winget list`: a table with Name, Id, Version columns under a dashed line. */
export function parseWingetList(text: string): AppFact[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^.*\r/, ''));
  const header = lines.findIndex((l) => /^Name\s+Id\s+Version/.test(l));
  if (header < 0) return [];
  const h = lines[header] ?? '';
  const idAt = h.indexOf('Id');
  const verAt = h.indexOf('Version');
  const availAt = h.search(/Available|Source/);
  const out: AppFact[] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '' || /^-+$/.test(line.trim())) continue;
    const name = line.slice(0, idAt).trim();
    const id = line.slice(idAt, verAt).trim();
    const version = line.slice(verAt, availAt > verAt ? availAt : undefined).trim().split(/\s+/)[0] ?? '';
    if (name) out.push({ name, version, path: id, source: 'winget' });
  }
  return out;
}
