// Input idle time on Windows from one `query user` (query.exe, the same program as quser.exe):
// one row per user session with its IDLE TIME, the time since the session's last keyboard or
// mouse input as the Remote Desktop Services session manager counts it. No process runs in the
// user's session (GetLastInputInfo answers only for the session that calls it, and the agent runs
// as a service in session 0).
import { execRunner, runCommand, type CommandRunner } from '../command.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { InputIdleFact } from './types.js';

export const QUERY_USER = { file: 'query.exe', args: ['user'] } as const;

export interface QuserSession {
  user: string;
  /** Window station: "console", "rdp-tcp#0"; empty for a disconnected session. */
  sessionName: string;
  id: number;
  /** The STATE word as printed, in the console's language ("Active", "Aktiv", "Disc"). */
  state: string;
  /** Undefined when the IDLE TIME column cannot be read ("*", an overflowed day count). */
  idleMs: number | undefined;
}

const MINUTE_MS = 60_000;
// Windows Server 2008 R2's quser printed "24692+13:29" for sessions idle a few seconds (VertigoRay/
// PSQuser issue #7): no laptop session is idle for years, so such a day count is unreadable.
const MAX_IDLE_DAYS = 1000;

/**
 * IDLE TIME: "." is under a minute; otherwise minutes ("5"), hours:minutes ("1:02") or
 * days+hours:minutes ("3+04:05"). A word ("none", German "Kein") is no idle time at all: it is
 * what every recording of a console session shows, whatever its user does, so it is unknown,
 * not "in use".
 */
export function quserIdleMs(token: string): number | undefined {
  if (token === '.') return 0;
  if (/^\p{L}+\.?$/u.test(token)) return undefined;
  const m = /^(?:(\d+)\+)?(?:(\d+):)?(\d+)$/.exec(token);
  if (!m) return undefined;
  const [days, hours, minutes] = [Number(m[1] ?? 0), Number(m[2] ?? 0), Number(m[3])];
  if (days > MAX_IDLE_DAYS) return undefined;
  return ((days * 24 + hours) * 60 + minutes) * MINUTE_MS;
}

interface Columns { session: number; state: number }

/**
 * Where SESSIONNAME and STATE start, from the header line (its six titles are separated by two or
 * more spaces in every language seen: "IDLE TIME" in English, "LEERLAUF" in German).
 */
function headerColumns(line: string): Columns | undefined {
  const starts = [...line.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
  const [, session, , state] = starts;
  return starts.length === 6 && session !== undefined && state !== undefined ? { session, state } : undefined;
}

function session(user: string, sessionName: string, id: string, rest: string[]): QuserSession | undefined {
  const [state, idle, logon] = rest;
  if (!/^\d+$/.test(id) || !state || !idle || !logon) return undefined;
  return { user, sessionName, id: Number(id), state, idleMs: quserIdleMs(idle) };
}

/** A row cut at the header's columns, when the row lines up with them (quser pads every field). */
function byColumns(line: string, cols: Columns): QuserSession | undefined {
  if (line.length <= cols.state || line[cols.state - 1] !== ' ' || line[cols.state] === ' ') return undefined;
  const left = line.slice(cols.session, cols.state).trim().split(/\s+/);
  const id = left.pop() ?? '';
  const user = line.slice(0, cols.session).replace(/^>/, '').trim();
  return session(user, left.join(' '), id, line.slice(cols.state).trim().split(/\s+/));
}

/**
 * A row read by its shape, for rows that do not line up with a header (or come without one):
 * the first all-digit field after the user name is the ID; a field between the two is the
 * session name. A user name with a space in it is taken apart here; the column cut keeps it.
 */
function byShape(line: string): QuserSession | undefined {
  const t = line.replace(/^>/, '').trim().split(/\s+/);
  const i = t.findIndex((f, k) => k >= 1 && /^\d+$/.test(f));
  if (i < 1) return undefined;
  return session(t.slice(0, Math.max(1, i - 1)).join(' '), i >= 2 ? (t[i - 1] ?? '') : '', t[i] ?? '', t.slice(i + 1));
}

/**
 * `query user` rows. The header and the STATE words are in the console's language, so rows are
 * cut at the columns the header line gives (not at its words), falling back to the row's shape
 * for rows that do not line up (re-typed output, or no header at all).
 */
export function parseQueryUser(text: string): QuserSession[] {
  const out: QuserSession[] = [];
  let cols: Columns | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const isRow = line.trim().split(/\s+/).slice(1).some((f) => /^\d+$/.test(f));
    if (!isRow) { cols ??= headerColumns(line); continue; }
    const row = (cols && byColumns(line, cols)) ?? byShape(line);
    if (row) out.push(row);
  }
  return out;
}

/**
 * A session someone could be typing in: attached to a window station (the console or an RDP
 * connection). A disconnected session has no SESSIONNAME in any language, which is how it is told
 * apart without reading the localised STATE word ("Disc", German "Getr."); "Disc" is checked too.
 */
export const attached = (s: QuserSession): boolean => s.sessionName !== '' && s.state !== 'Disc';

/**
 * The fact from `query user` output. Every public recording of a console session shows IDLE TIME
 * "none" (the session manager keeps input idle time for remote sessions only), so a laptop used at
 * its own keyboard has no idle time here: the sensor says so ("unavailable") rather than reading
 * it as always in use. Remote sessions (RDP: how a farm's operator may drive it) have one.
 */
export function idleFromQueryUser(text: string): InputIdleFact {
  const live = parseQueryUser(text).filter(attached);
  if (live.length === 0) return { idleMs: null, source: 'query user', sessions: 0 };
  const known = live.map((s) => s.idleMs).filter((ms): ms is number => ms !== undefined);
  if (known.length === 0) {
    throw new SensorUnavailable(`Windows gives no idle time for ${live.map((s) => `the ${s.sessionName} session`).join(' or ')} (query user prints none); only remote sessions have one`);
  }
  return { idleMs: Math.min(...known), source: 'query user', sessions: live.length };
}

/** quser's answer when nobody is logged on: exit code 1 and "No User exists for *" (localised; it always ends with the "*" it was asked about). */
export function noUserExists(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e.code === 1 && typeof e.message === 'string' && /\*\s*$/.test(e.message);
}

export async function collectWindowsInputIdle(ctx: SensorContext): Promise<InputIdleFact> {
  const base = ctx.run ?? execRunner;
  let nobody = false;
  // The exit code and message are read before runCommand turns a failure into its own error.
  const run: CommandRunner = async (cmd) => {
    try {
      return await base(cmd);
    } catch (err) {
      if (!noUserExists(err)) throw err;
      nobody = true;
      return '';
    }
  };
  const text = await runCommand({ ...ctx, run }, QUERY_USER);
  return nobody ? { idleMs: null, source: 'query user', sessions: 0 } : idleFromQueryUser(text);
}
