// Service listings as analysts receive them: `systemctl list-units` / `list-unit-files`,
// `systemctl status` (with the processes of its CGroup tree), `service --status-all`,
// `launchctl list`, `sc query` / `sc queryex` / `sc qc`, PowerShell `Get-Service` (table or
// Format-List) and Sysinternals Autoruns CSV.
import { basename } from 'node:path';
import type { AppFact } from '../../sensors/apps/types.js';
import type { ProcessFact } from '../../sensors/processes/types.js';
import type { ServiceFact } from '../../sensors/services/types.js';

const UNIT = /(?:^|\s)[●*]?\s*([\w@:.\\-]+\.(?:service|socket|timer|target|path|mount|scope))\s+(loaded|not-found|masked|enabled|disabled|static|generated|indirect|alias|enabled-runtime|linked)\b(?:\s+(active|inactive|failed|activating|deactivating|reloading)\s+(\S+))?(?:\s+(.*))?$/;

/** The first lines of one unit's `systemctl status`: "● anydesk.service - AnyDesk" (indented, or after `teamviewer info`'s "teamviewerd status"), then "Loaded: ...". */
export const STATUS_HEAD = /(?:[^\S\n]*|.*?[\s;])[●*○×↻]?[^\S\n]*([\w@:.\\-]+\.(?:service|socket|timer|scope))(?:[^\S\n]+-[^\S\n]+(.*))?[^\S\n]*\r?\n[^\S\n]*Loaded:[^\S\n]*(.*)$/;

/** `systemctl list-units` rows ("anydesk.service loaded active running AnyDesk") and `list-unit-files` ("anydesk.service enabled enabled"). */
export function parseSystemctlList(text: string): ServiceFact[] {
  const out: ServiceFact[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = UNIT.exec(line.replace(/\s+$/, ''));
    if (!m?.[1]) continue;
    const s: ServiceFact = { name: m[1] };
    if (m[4]) s.running = m[4] === 'running';
    if (/^enabled/.test(m[2] ?? '')) s.enabled = true;
    else if (m[2] === 'disabled' || m[2] === 'masked') s.enabled = false;
    if (m[5]?.trim() && m[3]) s.displayName = m[5].trim();
    out.push(s);
  }
  return out;
}

/**
 * `systemctl status UNIT`: "● anydesk.service - AnyDesk", "Loaded: loaded (/etc/systemd/system/anydesk.service; enabled; ...)",
 * "Active: active (running) since ...", "Main PID: 1234 (anydesk)" and the CGroup tree ("└─1234 /usr/bin/anydesk --service").
 */
export function parseSystemctlStatus(text: string): { services: ServiceFact[]; processes: ProcessFact[] } {
  const services: ServiceFact[] = [];
  const processes: ProcessFact[] = [];
  for (const block of text.split(new RegExp(`^(?=${STATUS_HEAD.source})`, 'm'))) {
    const head = new RegExp(`^${STATUS_HEAD.source}`, 'm').exec(block);
    if (!head?.[1]) continue;
    const s: ServiceFact = { name: head[1] };
    if (head[2]?.trim()) s.displayName = head[2].trim();
    const loaded = /\(([^;)]+)(?:;\s*(\w+))?/.exec(head[3] ?? '');
    if (loaded?.[1]?.startsWith('/')) s.path = loaded[1];
    if (loaded?.[2]) s.enabled = loaded[2].startsWith('enabled');
    const active = /^\s*Active:\s*(\w+)(?:\s+\((\w+)\))?/m.exec(block);
    if (active) s.running = active[1] === 'active' && (active[2] ?? 'running') === 'running';
    services.push(s);
    const mainPid = /^\s*Main PID:\s*(\d+)\s+\(([^)]+)\)/m.exec(block);
    const seen = new Set<number>();
    for (const m of block.matchAll(/^\s*(?:[│|`├└─\s-]*)[├└|`]─+\s*(\d+)\s+(\S.*)$/gm)) {
      const pid = Number(m[1]);
      const command = (m[2] ?? '').trim();
      const exe = command.split(/\s+/)[0] ?? '';
      const p: ProcessFact = { pid, ppid: 0, name: basename(exe) };
      if (exe.startsWith('/')) p.path = exe;
      seen.add(pid);
      processes.push(p);
    }
    if (mainPid?.[2] && !seen.has(Number(mainPid[1]))) processes.push({ pid: Number(mainPid[1]), ppid: 0, name: mainPid[2] });
  }
  return { services, processes };
}

/** `service --status-all`: " [ + ]  anydesk". SysV scripts are units "NAME.service" under systemd, as listed here. */
export function parseServiceStatusAll(text: string): ServiceFact[] {
  return [...text.matchAll(/^\s*\[ ([+?-]) \]\s+(\S+)\s*$/gm)].map((m) => ({ name: `${m[2] ?? ''}.service`, running: m[1] === '+' }));
}

/** `launchctl list`: "PID\tStatus\tLabel" then "123\t0\tcom.teamviewer.service" ("-" when not running). */
export function parseLaunchctlList(text: string): ServiceFact[] {
  const out: ServiceFact[] = [];
  for (const m of text.matchAll(/^\s*(-|\d+)\s+(-?\d+|-)\s+([\w.@-]+[\w])\s*$/gm)) {
    out.push({ name: m[3] ?? '', running: m[1] !== '-' });
  }
  return out;
}

/** `sc query` / `sc queryex` / `sc qc`: blocks of "SERVICE_NAME: AnyDesk", "DISPLAY_NAME: AnyDesk Service", "STATE : 4 RUNNING", "BINARY_PATH_NAME : ...". */
export function parseScQuery(text: string): ServiceFact[] {
  const out: ServiceFact[] = [];
  for (const block of text.split(/^(?=\s*SERVICE_NAME\s*:)/m)) {
    const name = /^\s*SERVICE_NAME\s*:\s*(.+?)\s*$/m.exec(block)?.[1];
    if (!name) continue;
    const s: ServiceFact = { name };
    const display = /^\s*DISPLAY_NAME\s*:\s*(.+?)\s*$/m.exec(block)?.[1];
    if (display) s.displayName = display;
    const state = /^\s*STATE\s*:\s*\d+\s+(\w+)/m.exec(block)?.[1];
    if (state) s.running = state === 'RUNNING';
    // A path with a space is quoted, and arguments may follow it: "C:\Program Files (x86)\TeamViewer\Version7\TeamViewer_Service.exe".
    const bin = /^\s*BINARY_PATH_NAME\s*:\s*(.+?)\s*$/m.exec(block)?.[1];
    if (bin) s.path = /^"([^"]+)"/.exec(bin)?.[1] ?? bin;
    const start = /^\s*START_TYPE\s*:\s*\d+\s+(\w+)/m.exec(block)?.[1];
    if (start) s.enabled = start === 'AUTO_START' || start === 'BOOT_START' || start === 'SYSTEM_START';
    out.push(s);
  }
  return out;
}

const SERVICE_STATUS = /^\s*(Running|Stopped|Paused|StartPending|StopPending|ContinuePending|PausePending)\s+(\S+)\s+(.*?)\s*$/;

/**
 * PowerShell `Get-Service`: a table "Status Name DisplayName", or Format-List blocks. The table's
 * columns start where its header's words do: a name may hold spaces ("HP Comm Recover") or be cut
 * to the column ("AMD External Ev..."); a row that does not keep to the columns is split at spaces.
 */
export function parseGetService(text: string): ServiceFact[] {
  const out: ServiceFact[] = [];
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => /^\s*Status\s+Name\s+DisplayName\s*$/.test(l));
  if (header >= 0) {
    const h = lines[header] ?? '';
    const nameAt = h.indexOf('Name');
    const displayAt = h.indexOf('DisplayName');
    for (const line of lines.slice(header + 1)) {
      const m = SERVICE_STATUS.exec(line);
      if (!m?.[2]) continue;
      const aligned = line.length > displayAt && /\s/.test(line[nameAt - 1] ?? ' ') && /\s/.test(line[displayAt - 1] ?? '') && line.slice(0, nameAt).trim() === m[1];
      const name = aligned ? line.slice(nameAt, displayAt).trim() : m[2];
      const displayName = aligned ? line.slice(displayAt).trim() : (m[3] ?? '');
      if (name) out.push({ name, displayName, running: m[1] === 'Running' });
    }
    return out;
  }
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const get = (k: string): string | undefined => new RegExp(`^\\s*${k}\\s*:\\s*(.*?)\\s*$`, 'm').exec(block)?.[1] || undefined;
    const name = get('Name') ?? get('ServiceName');
    const status = get('Status');
    if (!name || !status) continue;
    const s: ServiceFact = { name, running: status === 'Running' };
    const display = get('DisplayName');
    if (display) s.displayName = display;
    const path = get('BinaryPathName') ?? get('PathName');
    if (path) s.path = path;
    out.push(s);
  }
  return out;
}

/** CSV fields of one line (quoted with "" escapes). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Sysinternals Autoruns CSV ("Time","Entry Location","Entry","Enabled","Category",...,"Image Path",...): services and autostart programs. */
export function parseAutorunsCsv(text: string): { services: ServiceFact[]; apps: AppFact[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const at = lines.findIndex((l) => /"?Entry Location"?,/.test(l) && /Image Path/.test(l));
  const services: ServiceFact[] = [];
  const apps: AppFact[] = [];
  if (at < 0) return { services, apps };
  const cols = csvFields(lines[at] ?? '');
  const idx = (n: string): number => cols.indexOf(n);
  for (const line of lines.slice(at + 1)) {
    if (!line.trim()) continue;
    const f = csvFields(line);
    const entry = f[idx('Entry')] ?? '';
    const category = f[idx('Category')] ?? '';
    const image = f[idx('Image Path')] ?? '';
    const description = f[idx('Description')] ?? '';
    if (!entry) continue;
    if (/Services|Drivers/i.test(category)) services.push({ name: entry, ...(description ? { displayName: description.split(':')[0] ?? description } : {}), ...(image ? { path: image } : {}) });
    else apps.push({ name: entry, ...(image ? { path: image } : {}), source: 'listing' });
  }
  return { services, apps };
}
