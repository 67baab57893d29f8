// Remote-access session logs where AnyDesk and TeamViewer keep them, per platform. Reads files
// only (no child process); a log that is not there is normal.
import { readFile, readdir, stat } from 'node:fs/promises';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import { decodeLogText, parseSessionLog } from './parse.js';
import type { RemoteSessionFact } from './types.js';

/** Largest log read, from its end: AnyDesk traces grow; recent sessions are what matter. */
const MAX_LOG_BYTES = 4 * 1024 * 1024;

async function homes(root: string, base: string): Promise<string[]> {
  try {
    return (await readdir(`${root}${base}`)).map((u) => `${base}/${u}`);
  } catch {
    return [];
  }
}

export async function candidateLogs(ctx: SensorContext): Promise<string[]> {
  const r = ctx.root;
  if (ctx.platform === 'linux') {
    const users = [...(await homes(r, '/home')), '/root'];
    return [
      '/etc/anydesk/connection_trace.txt', '/var/log/anydesk.trace', '/etc/anydesk/ad_svc.trace',
      ...users.flatMap((h) => [`${h}/.anydesk/connection_trace.txt`, `${h}/.anydesk/ad.trace`]),
      '/var/log/teamviewer/Connections_incoming.txt', '/opt/teamviewer/logfiles/Connections_incoming.txt',
      ...['15', '14', '13'].map((v) => `/var/log/teamviewer${v}/Connections_incoming.txt`),
    ];
  }
  if (ctx.platform === 'darwin') {
    const users = await homes(r, '/Users');
    return [
      '/Library/Application Support/AnyDesk/connection_trace.txt', '/Library/Application Support/AnyDesk/ad_svc.trace',
      ...users.flatMap((h) => [`${h}/.anydesk/connection_trace.txt`, `${h}/.anydesk/ad.trace`, `${h}/Library/Application Support/AnyDesk/connection_trace.txt`]),
      '/Library/Application Support/TeamViewer/Connections_incoming.txt',
    ];
  }
  const users = await homes(r, 'C:/Users');
  return [
    'C:/ProgramData/AnyDesk/connection_trace.txt', 'C:/ProgramData/AnyDesk/ad_svc.trace',
    ...users.flatMap((h) => [`${h}/AppData/Roaming/AnyDesk/connection_trace.txt`, `${h}/AppData/Roaming/AnyDesk/ad.trace`]),
    'C:/Program Files/TeamViewer/Connections_incoming.txt', 'C:/Program Files (x86)/TeamViewer/Connections_incoming.txt',
  ];
}

async function readTail(path: string): Promise<Buffer | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return undefined;
    const data = await readFile(path);
    return data.length > MAX_LOG_BYTES ? data.subarray(data.length - MAX_LOG_BYTES) : data;
  } catch {
    return undefined;
  }
}

export async function collectRemoteSessions(ctx: SensorContext): Promise<RemoteSessionFact[]> {
  const files = await candidateLogs(ctx);
  const out: RemoteSessionFact[] = [];
  let readable = 0;
  for (const f of files) {
    const bytes = await readTail(`${ctx.root}${f}`);
    if (!bytes) continue;
    readable++;
    out.push(...parseSessionLog(decodeLogText(bytes), f));
  }
  if (readable === 0 && ctx.platform !== 'linux' && ctx.root === '' && process.getuid?.() !== 0) {
    throw new SensorUnavailable('no remote-access log was readable: run the agent as root/SYSTEM to read other users\' logs');
  }
  return out;
}
