// Input idle time on Linux from systemd-logind. The user sessions are listed by reading logind's
// session files in /run/systemd/sessions in-process; then ONE `loginctl show-session <id>...`
// asks logind for their idle hints. IdleHint=yes means idle since IdleSinceHint (µs since the
// epoch); IdleHint=no means in use now. logind computes the hint itself for tty sessions (from the
// tty's last access time), and desktops set it on graphical sessions after their idle delay (GNOME
// does). Limitation: a desktop that never sets the idle hint (several wlroots compositors without
// swayidle's "idlehint") leaves IdleHint=no for ever, so its session always looks in use.
import { listDir, readText } from '../fs.js';
import { runCommand, type CommandSpec } from '../command.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { InputIdleFact } from './types.js';

export const SESSIONS_DIR = '/run/systemd/sessions';
/** Session ids as logind names them ("2", "c14"): the only host text put on a command line. */
export const SESSION_ID = /^[A-Za-z0-9]+$/;

/** KEY=VALUE lines (logind's session files and loginctl's show-session output); "#" lines are comments. */
export function parseKeyValueLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Whether a session file is someone's login that could take input: CLASS=user (not a greeter, a
 * lock screen, a background cron session or the user's service manager), not closing, and in the
 * foreground of its seat (ACTIVE=0 is a session switched away from, which gets no input).
 */
export function isUserSession(file: Record<string, string>): boolean {
  return file.CLASS === 'user' && file.STATE !== 'closing' && file.ACTIVE !== '0';
}

export function loginctlShowSession(ids: readonly string[]): CommandSpec {
  if (!ids.every((id) => SESSION_ID.test(id))) throw new Error('session id with characters logind does not use');
  return { file: 'loginctl', args: ['show-session', ...ids, '-p', 'Id', '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'Type', '-p', 'Class'] };
}

export interface LogindSessionIdle {
  id: string;
  idleHint: boolean;
  /** µs since the epoch; 0 when logind has no time for it. */
  idleSinceUs: number;
  type?: string;
  class?: string;
}

/** `loginctl show-session`: one block of properties per session, blocks separated by a blank line. */
export function parseShowSession(text: string): LogindSessionIdle[] {
  const out: LogindSessionIdle[] = [];
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const kv = parseKeyValueLines(block);
    if (!kv.Id) continue;
    out.push({
      id: kv.Id, idleHint: kv.IdleHint === 'yes', idleSinceUs: Number(kv.IdleSinceHint ?? 0) || 0,
      ...(kv.Type ? { type: kv.Type } : {}), ...(kv.Class ? { class: kv.Class } : {}),
    });
  }
  return out;
}

/** Idle ms of one session: 0 when not idle; undefined when idle but logind gives no time (0). */
export function sessionIdleMs(s: LogindSessionIdle, nowMs: number): number | undefined {
  if (!s.idleHint) return 0;
  if (s.idleSinceUs <= 0) return undefined;
  return Math.max(0, nowMs - Math.floor(s.idleSinceUs / 1000));
}

/** The fact from loginctl's answer about the sessions asked for. */
export function idleFromLogind(text: string, ids: readonly string[], nowMs: number): InputIdleFact {
  const answered = parseShowSession(text).filter((s) => ids.includes(s.id));
  if (answered.length === 0) return { idleMs: null, source: 'logind', sessions: 0 };
  const known = answered.map((s) => sessionIdleMs(s, nowMs)).filter((ms): ms is number => ms !== undefined);
  if (known.length === 0) throw new Error('logind marks the user sessions idle but gives no time since');
  return { idleMs: Math.min(...known), source: 'logind', sessions: answered.length };
}

/** The user sessions logind has files for (under ctx.root, so tests read a fixture folder). */
async function userSessionIds(root: string): Promise<string[]> {
  const names = await listDir(`${root}${SESSIONS_DIR}`);
  if (!names) throw new SensorUnavailable(`no ${SESSIONS_DIR}: systemd-logind is not running here`);
  const ids: string[] = [];
  // "<id>.ref" entries are FIFOs logind holds open: the id pattern leaves them unread.
  for (const id of names.filter((n) => SESSION_ID.test(n)).sort()) {
    const text = await readText(`${root}${SESSIONS_DIR}/${id}`);
    if (text !== undefined && isUserSession(parseKeyValueLines(text))) ids.push(id);
  }
  return ids;
}

export async function collectLinuxInputIdle(ctx: SensorContext, nowMs = Date.now()): Promise<InputIdleFact> {
  const ids = await userSessionIds(ctx.root);
  if (ids.length === 0) return { idleMs: null, source: 'logind', sessions: 0 };
  // A session that ends between the listing and this call makes loginctl fail: an error for this
  // run only, the next one lists again.
  return idleFromLogind(await runCommand(ctx, loginctlShowSession(ids)), ids, nowMs);
}
