// Parsers for remote-access session logs. Formats (sources in agent/test/fixtures/sessions/README.md):
//  - AnyDesk connection_trace.txt: "Incoming    2024-02-16, 20:29    User    221436813    221436813"
//    (direction, date, authentication: User | Passwd | Token | REJECTED, alias or id, id); AnyDesk
//    writes it in UTF-16 LE on Windows.
//  - AnyDesk ad.trace / ad_svc.trace: "info 2024-02-16 20:29:04.298 ... app.backend_session -
//    Incoming session request: Richard Beard (221436813)", "anynet.relay_conn - Logged in from
//    1.2.3.4:51888 on relay ...", "Authenticated by password" / "with permanent token".
//  - TeamViewer Connections_incoming.txt, tab separated: id, name, start, end, local user, mode, GUID
//    with times "13-08-2025 10:12:35" (UTC).
import type { RemoteSessionFact } from './types.js';

/** Text of a log file: UTF-16 LE (with or without BOM) or UTF-8. */
export function decodeLogText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  // Without a BOM, UTF-16 LE ASCII text has a zero in every other byte.
  let zeros = 0;
  const n = Math.min(bytes.length, 400);
  for (let i = 1; i < n; i += 2) if (bytes[i] === 0) zeros++;
  if (n > 8 && zeros > n / 4) return bytes.toString('utf16le');
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

const ANYDESK_LINE = /^\s*(Incoming|Outgoing)\s+(\d{4})-(\d{2})-(\d{2}),\s*(\d{2}):(\d{2})\s+(User|Passwd|Token|REJECTED|\S+)\s+(.*?)\s*$/;

export function parseAnydeskConnectionTrace(text: string, file: string): RemoteSessionFact[] {
  const out: RemoteSessionFact[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = ANYDESK_LINE.exec(line);
    if (!m) continue;
    const [, dir, y, mo, d, h, mi, auth = '', rest = ''] = m;
    // Columns are separated by runs of spaces; an alias and an id may share one ("user1@ad 654321").
    const fields = rest.split(/\s{2,}|\t/).map((f) => f.trim()).filter(Boolean)
      .flatMap((f) => { const m = /^(.*\S)\s+(\d{6,12})$/.exec(f); return m ? [m[1] ?? '', m[2] ?? ''] : [f]; });
    const id = [...fields].reverse().find((f) => /^\d{6,12}$/.test(f));
    const alias = fields.find((f) => f !== id && !/^\d{6,12}$/.test(f));
    const fact: RemoteSessionFact = {
      tool: 'anydesk', direction: dir === 'Incoming' ? 'incoming' : 'outgoing',
      startedAtMs: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)),
      auth, unattended: auth === 'Passwd' || auth === 'Token', file,
    };
    if (id) fact.peerId = id;
    if (alias) fact.peerName = alias;
    out.push(fact);
  }
  return out;
}

const TRACE_TIME = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})/;

/** Incoming sessions in an AnyDesk trace: a request (peer name and id), its relay address and how it was authenticated. */
export function parseAnydeskTrace(text: string, file: string): RemoteSessionFact[] {
  const out: RemoteSessionFact[] = [];
  let lastIp: string | undefined;
  let current: RemoteSessionFact | undefined;
  for (const line of text.split(/\r?\n/)) {
    const t = TRACE_TIME.exec(line);
    const at = t ? Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]), Number(t[7])) : undefined;
    const login = /Logged in from ([0-9a-f.:]+?):(\d+) on relay/i.exec(line);
    if (login?.[1]) { lastIp = login[1]; if (current && !current.peerIp) current.peerIp = login[1]; continue; }
    const req = /Incoming session request: (.*?) \((\d{6,12})\)\s*$/.exec(line);
    if (req) {
      current = { tool: 'anydesk', direction: 'incoming', peerId: req[2] ?? '', unattended: false, file };
      if (req[1]) current.peerName = req[1];
      if (at !== undefined) current.startedAtMs = at;
      if (lastIp) current.peerIp = lastIp;
      out.push(current);
      continue;
    }
    if (!current) continue;
    if (/Authenticated by password|Authenticated with correct passphrase/i.test(line)) { current.auth = 'Passwd'; current.unattended = true; }
    else if (/Authenticated with permanent token/i.test(line)) { current.auth = 'Token'; current.unattended = true; }
    else if (/Authenticated by local user/i.test(line)) current.auth = 'User';
    else if (/Session closed|Session stopped/i.test(line) && at !== undefined) current.endedAtMs = at;
  }
  return out;
}

const TV_TIME = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const tvTime = (s: string | undefined): number | undefined => {
  const m = s === undefined ? null : TV_TIME.exec(s.trim());
  return m ? Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
};

export function parseTeamviewerIncoming(text: string, file: string): RemoteSessionFact[] {
  const out: RemoteSessionFact[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.split('\t');
    if (f.length < 6 || !/^\d{6,12}$/.test((f[0] ?? '').trim())) continue;
    const start = tvTime(f[2]);
    if (start === undefined) continue;
    const fact: RemoteSessionFact = { tool: 'teamviewer', direction: 'incoming', peerId: (f[0] ?? '').trim(), startedAtMs: start, unattended: false, file };
    const end = tvTime(f[3]);
    if (end !== undefined) fact.endedAtMs = end;
    if (f[1]?.trim()) fact.peerName = f[1].trim();
    if (f[4]?.trim()) fact.localUser = f[4].trim();
    if (f[5]?.trim()) fact.auth = f[5].trim();
    out.push(fact);
  }
  return out;
}

export type SessionLogKind = 'anydesk-connection-trace' | 'anydesk-trace' | 'teamviewer-incoming';

export function sessionLogKind(text: string): SessionLogKind | undefined {
  if (/^\s*(Incoming|Outgoing)\s+\d{4}-\d{2}-\d{2},\s*\d{2}:\d{2}\s+/m.test(text)) return 'anydesk-connection-trace';
  if (/(app\.backend_session|anynet\.relay_conn|app\.session|gsvc|Incoming session request)/.test(text) && TRACE_TIME.test(text)) return 'anydesk-trace';
  if (/^\d{6,12}\t[^\t]*\t\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}\t/m.test(text)) return 'teamviewer-incoming';
  return undefined;
}

export function parseSessionLog(text: string, file: string): RemoteSessionFact[] {
  switch (sessionLogKind(text)) {
    case 'anydesk-connection-trace': return parseAnydeskConnectionTrace(text, file);
    case 'anydesk-trace': return parseAnydeskTrace(text, file);
    case 'teamviewer-incoming': return parseTeamviewerIncoming(text, file);
    default: return [];
  }
}
