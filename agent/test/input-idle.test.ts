// The input_idle sensor: each platform's parser on real recorded output (fixtures/platform, sources
// in its README), then the sensor end to end through a fake command runner, with the "nobody
// logged in" and "tool missing" cases.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandLine, type CommandRunner } from '../src/sensors/command.js';
import { SensorUnavailable, inputSensor, runSensor, type InputIdleFact } from '../src/sensors/index.js';
import { IOREG_HID_IDLE, parseHidIdleTime } from '../src/sensors/input/darwin.js';
import { attached, idleFromQueryUser, noUserExists, parseQueryUser, quserIdleMs } from '../src/sensors/input/windows.js';
import {
  collectLinuxInputIdle, idleFromLogind, isUserSession, loginctlShowSession, parseKeyValueLines, parseShowSession, sessionIdleMs,
} from '../src/sensors/input/linux.js';
import { recorded } from './recorded-runner.js';

const dir = new URL('./fixtures/platform/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const linuxRoot = fileURLToPath(new URL('linux', dir));
const MIN = 60_000;


/** A runner whose program exits like execFile reports a non-zero exit (code = exit status). */
const failing = (message: string, code: number): CommandRunner => () => Promise.reject(Object.assign(new Error(message), { code }));

describe('macOS: HIDIdleTime from ioreg', () => {
  it('reads the nanoseconds in a recorded IOHIDSystem tree (with the "| |" prefix) as milliseconds', () => {
    expect(parseHidIdleTime(fixture('macos/ioreg-hididle-tree.txt'))).toBe(40);
  });

  it('reads the -r form of the same object', () => {
    expect(parseHidIdleTime(fixture('macos/ioreg-hididle-r.txt'))).toBe(164_247);
  });

  it('gives undefined without the key, and keeps precision past 2^53 ns', () => {
    expect(parseHidIdleTime(fixture('macos/ioreg-clamshell.txt'))).toBeUndefined();
    expect(parseHidIdleTime('"HIDIdleTime" = 18446744073709551615')).toBe(18_446_744_073_709);
  });
});

describe('Windows: query user', () => {
  it('IDLE TIME forms: ".", a word, minutes, H:MM, D+HH:MM; unreadable ones undefined', () => {
    expect(['.', 'none', 'Kein', '7', '1:02', '3+04:05', '*', '24692+13:29'].map(quserIdleMs))
      .toEqual([0, undefined, undefined, 7 * MIN, 62 * MIN, ((3 * 24 + 4) * 60 + 5) * MIN, undefined, undefined]);
  });

  it('two RDP sessions: 7 minutes and an unreadable "*"; the readable one counts', () => {
    const rows = parseQueryUser(fixture('windows/query-user-rdp.txt'));
    expect(rows).toEqual([
      { user: 'juurena', sessionName: 'rdp-tcp#13', id: 1, state: 'Active', idleMs: 7 * MIN },
      { user: 'lewen', sessionName: 'rdp-tcp#14', id: 2, state: 'Active', idleMs: undefined },
    ]);
    expect(idleFromQueryUser(fixture('windows/query-user-rdp.txt'))).toEqual({ idleMs: 7 * MIN, source: 'query user', sessions: 2 });
  });

  it('an RDP session idle 1:22', () => {
    expect(idleFromQueryUser(fixture('windows/query-user-rdp-idle.txt'))).toEqual({ idleMs: 82 * MIN, source: 'query user', sessions: 1 });
  });

  it('a console session: "none" is no idle time, and a laptop with only that says it cannot tell (not "always in use")', () => {
    expect(parseQueryUser(fixture('windows/query-user-console.txt'))).toEqual([
      { user: 'mark.bbond', sessionName: 'console', id: 1, state: 'Active', idleMs: undefined },
    ]);
    expect(() => idleFromQueryUser(fixture('windows/query-user-console.txt')))
      .toThrow(new SensorUnavailable('Windows gives no idle time for the console session (query user prints none); only remote sessions have one'));
  });

  it('German Windows: header and STATE localised, cut at the header\'s columns', () => {
    const rows = parseQueryUser(fixture('windows/query-user-de.txt'));
    expect(rows).toEqual([{ user: 'manfred', sessionName: 'console', id: 4, state: 'Aktiv', idleMs: undefined }]);
    expect(rows.filter(attached)).toHaveLength(1);
  });

  it('a disconnected session has no SESSIONNAME and does not count, even when rows do not line up', () => {
    const rows = parseQueryUser(fixture('windows/query-user-disc.txt'));
    expect(rows).toEqual([
      { user: 'administrator', sessionName: 'rdp-tcp#6', id: 2, state: 'Active', idleMs: 0 },
      { user: 'luke', sessionName: '', id: 3, state: 'Disc', idleMs: 0 },
    ]);
    expect(rows.map(attached)).toEqual([true, false]);
    expect(idleFromQueryUser(fixture('windows/query-user-disc.txt'))).toMatchObject({ idleMs: 0, sessions: 1 });
  });

  it('rows without a header (Windows Server 2008 R2) by their shape; the overflowed day count is unreadable', () => {
    const rows = parseQueryUser(fixture('windows/query-user-2008r2-rows.txt'));
    expect(rows.map((r) => [r.user, r.sessionName, r.id, r.idleMs])).toEqual([
      ['user1', 'rdp-tcp#1', 30, 0], ['user2', 'rdp-tcp#111', 42, undefined], ['user3', 'rdp-tcp#88', 55, 8 * MIN],
    ]);
  });

  it('"No User exists for *" with exit code 1 is nobody; other failures are not', () => {
    expect(noUserExists(Object.assign(new Error('Command failed: query.exe user\nNo User exists for *\r\n'), { code: 1 }))).toBe(true);
    expect(noUserExists(Object.assign(new Error('Command failed: query.exe user\nNo User exists for *\r\n'), { code: 'ENOENT' }))).toBe(false);
    expect(noUserExists(Object.assign(new Error('Command failed: query.exe user\nError 0x000006BA enumerating sessionnames'), { code: 1 }))).toBe(false);
  });
});

describe('Linux: logind session files and loginctl show-session', () => {
  const sessionFile = (id: string): Record<string, string> => parseKeyValueLines(fixture(`linux/run/systemd/sessions/${id}`));

  it('session files: ssh and xrdp logins are user sessions, a cron session is not', () => {
    expect(sessionFile('110')).toMatchObject({ USER: 'fog', CLASS: 'user', TYPE: 'tty', REMOTE: '1', ACTIVE: '1' });
    expect(sessionFile('c14')).toMatchObject({ USER: 'qingteng', CLASS: 'user', TYPE: 'x11', SERVICE: 'xrdp-sesman' });
    expect(['110', 'c14', '99708'].map((id) => isUserSession(sessionFile(id)))).toEqual([true, true, false]);
    expect(isUserSession({ ...sessionFile('110'), STATE: 'closing' })).toBe(false);
    expect(isUserSession({ ...sessionFile('c14'), ACTIVE: '0' })).toBe(false);
  });

  it('show-session of an X11 session in use (IdleHint=no) and of an ssh tty session', () => {
    expect(parseShowSession(fixture('linux/loginctl-show-session-c1-x11.txt'))).toEqual([
      { id: 'c1', idleHint: false, idleSinceUs: 0, type: 'x11', class: 'user' },
    ]);
    expect(parseShowSession(fixture('linux/loginctl-show-session-9-tty.txt'))).toEqual([
      { id: '9', idleHint: false, idleSinceUs: 0, type: 'tty', class: 'user' },
    ]);
    expect(idleFromLogind(fixture('linux/loginctl-show-session-c1-x11.txt'), ['c1'], 0)).toEqual({ idleMs: 0, source: 'logind', sessions: 1 });
    // An answer about a session that was not asked for is not counted.
    expect(idleFromLogind(fixture('linux/loginctl-show-session-9-tty.txt'), ['c1'], 0)).toEqual({ idleMs: null, source: 'logind', sessions: 0 });
  });

  it('IdleHint=yes: idle since IdleSinceHint (µs); no time given is unknown', () => {
    // Constructed in show-session's format: no public recording of a session with IdleHint=yes was found.
    const idle = { id: '2', idleHint: true, idleSinceUs: 1_700_000_000_000_000 };
    expect(sessionIdleMs(idle, 1_700_000_090_000)).toBe(90_000);
    expect(sessionIdleMs({ ...idle, idleSinceUs: 0 }, 1_700_000_090_000)).toBeUndefined();
  });

  it('session ids are checked before they reach the command line', () => {
    expect(commandLine(loginctlShowSession(['2', 'c14']))).toBe('loginctl show-session 2 c14 -p Id -p IdleHint -p IdleSinceHint -p Type -p Class');
    expect(() => loginctlShowSession(['2; rm'])).toThrow();
    expect(() => loginctlShowSession(['../x'])).toThrow();
  });
});

describe('input_idle end to end through a fake runner', () => {
  const empty = mkdtempSync(join(tmpdir(), 'fw-input-'));
  const facts = async (ctx: Parameters<typeof runSensor>[1]): Promise<InputIdleFact | string> => {
    const r = await runSensor(inputSensor, ctx);
    return r.status === 'ok' ? r.facts : `${r.status}: ${r.reason}`;
  };

  it('spec: name, platforms, cost, interval, count', () => {
    expect(inputSensor).toMatchObject({ name: 'input_idle', platforms: ['linux', 'darwin', 'win32'], cost: 'cheap', defaultIntervalS: 60 });
    expect(inputSensor.count({ idleMs: 5, source: 'logind', sessions: 3 })).toBe(3);
  });

  it('macOS: one ioreg; missing ioreg is unavailable', async () => {
    const { run, calls } = recorded({ [commandLine(IOREG_HID_IDLE)]: fixture('macos/ioreg-hididle-r.txt') });
    expect(await facts({ platform: 'darwin', root: empty, run })).toEqual({ idleMs: 164_247, source: 'HIDIdleTime', sessions: 1 });
    expect(calls).toEqual(['/usr/sbin/ioreg -c IOHIDSystem -d 4 -r -k HIDIdleTime']);
    expect(await facts({ platform: 'darwin', root: empty, run: recorded({}).run })).toMatch(/^unavailable: \/usr\/sbin\/ioreg is not on this machine/);
  });

  it('Windows: query user; nobody logged on; other failures; missing query.exe', async () => {
    const { run, calls } = recorded({ 'query.exe user': fixture('windows/query-user-rdp.txt') });
    expect(await facts({ platform: 'win32', root: empty, run })).toEqual({ idleMs: 7 * MIN, source: 'query user', sessions: 2 });
    expect(calls).toEqual(['query.exe user']);
    const nobody = failing('Command failed: query.exe user\nNo User exists for *\r\n', 1);
    expect(await facts({ platform: 'win32', root: empty, run: nobody })).toEqual({ idleMs: null, source: 'query user', sessions: 0 });
    const rpc = failing('Command failed: query.exe user\nError 0x000006BA enumerating sessionnames\r\n', 1);
    expect(await facts({ platform: 'win32', root: empty, run: rpc })).toMatch(/^error: query\.exe user failed/);
    expect(await facts({ platform: 'win32', root: empty, run: recorded({}).run })).toMatch(/^unavailable: query\.exe is not on this machine/);
  });

  it('Linux: session files read in-process, one loginctl for the user sessions only', async () => {
    const cmd = 'loginctl show-session 110 c14 -p Id -p IdleHint -p IdleSinceHint -p Type -p Class';
    // loginctl's answer for the recorded session files' ids, constructed in show-session's format
    // (no public recording exists for these ids): the ssh session idle, the xrdp session in use.
    const answer = 'Id=110\nType=tty\nClass=user\nIdleHint=yes\nIdleSinceHint=1788538381876727\n\nId=c14\nType=x11\nClass=user\nIdleHint=no\nIdleSinceHint=0\n';
    const { run, calls } = recorded({ [cmd]: answer });
    const ctx = { platform: 'linux' as const, root: linuxRoot, run };
    expect(await collectLinuxInputIdle(ctx, 1_788_538_381_876 + 5 * MIN)).toEqual({ idleMs: 0, source: 'logind', sessions: 2 });
    expect(calls).toEqual([cmd]);
    const idleOnly = recorded({ [cmd]: answer.replace('IdleHint=no', 'IdleHint=yes').replace('IdleSinceHint=0', 'IdleSinceHint=1788538201876000') });
    expect(await collectLinuxInputIdle({ ...ctx, run: idleOnly.run }, 1_788_538_381_876 + 5 * MIN)).toEqual({ idleMs: 5 * MIN, source: 'logind', sessions: 2 });
    expect(await facts({ ...ctx, run: recorded({ [cmd]: answer }).run })).toMatchObject({ source: 'logind', sessions: 2 });
  });

  it('Linux: nobody logged in (only a background session) runs no process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-input-bg-'));
    mkdirSync(join(root, 'run/systemd/sessions'), { recursive: true });
    copyFileSync(join(linuxRoot, 'run/systemd/sessions/99708'), join(root, 'run/systemd/sessions/99708'));
    const { run, calls } = recorded({});
    expect(await facts({ platform: 'linux', root, run })).toEqual({ idleMs: null, source: 'logind', sessions: 0 });
    expect(calls).toEqual([]);
  });

  it('Linux: loginctl missing, or no logind at all, is unavailable', async () => {
    expect(await facts({ platform: 'linux', root: linuxRoot, run: recorded({}).run })).toMatch(/^unavailable: loginctl is not on this machine/);
    expect(await facts({ platform: 'linux', root: empty, run: recorded({}).run })).toMatch(/^unavailable: no \/run\/systemd\/sessions/);
  });
});
