// Socket listings that name the owning program, as analysts receive them: `lsof -i`, `ss -tnp`
// (`users:(("anydesk",pid=1234,fd=12))`), Linux `netstat -tulpn` ("1234/anydesk") and Windows
// `netstat -anob` (the "[AnyDesk.exe]" line under each connection). Each gives the sockets and the
// programs that hold them; host names shown instead of addresses are kept for the relay check.
import type { ProcessFact } from '../../sensors/processes/types.js';
import type { SocketFact } from '../../sensors/sockets/types.js';

export interface SocketListing { sockets: SocketFact[]; processes: ProcessFact[]; hosts: string[] }

function splitEndpoint(s: string): { address: string; port: number } | undefined {
  const m = /^\[?(.*?)\]?[:.](\d+|\*)$/.exec(s.trim());
  if (!m) return undefined;
  return { address: m[1] ?? '', port: m[2] === '*' ? 0 : Number(m[2]) };
}

const stateOf = (s: string): SocketFact['state'] => (/^(LISTEN|LISTENING|UNCONN)$/i.test(s) ? 'listen' : /^(ESTAB|ESTABLISHED)$/i.test(s) ? 'established' : 'other');
const isHost = (a: string): boolean => /[a-z]/i.test(a) && a.includes('.') && !/^[0-9a-f:.]+$/i.test(a);

function collect(): SocketListing & { add: (p: ProcessFact) => void } {
  const seen = new Set<string>();
  const processes: ProcessFact[] = [];
  return {
    sockets: [], processes, hosts: [],
    add(p: ProcessFact): void {
      const key = `${p.pid}/${p.name}`;
      if (!seen.has(key)) { seen.add(key); processes.push(p); }
    },
  };
}

/** `lsof -i`: "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME", NAME "10.0.0.2:50000->relay-1.net.anydesk.com:443 (ESTABLISHED)" or "*:7070 (LISTEN)". */
export function parseLsofI(text: string): SocketListing {
  const c = collect();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\S+)\s+(\d+)\s+(\S+)\s+\S+\s+IPv[46]\s+\S+\s+\S*\s*(TCP|UDP)\s+(\S+?)(?:->(\S+))?(?:\s+\((\w+)\))?\s*$/.exec(line);
    if (!m) continue;
    const name = (m[1] ?? '').replace(/\\x20/g, ' ');
    const pid = Number(m[2]);
    c.add({ pid, ppid: 0, name, user: m[3] ?? '' });
    const local = splitEndpoint(m[5] ?? '');
    const remote = m[6] ? splitEndpoint(m[6]) : undefined;
    if (!local) continue;
    if (remote && isHost(remote.address)) c.hosts.push(remote.address);
    c.sockets.push({ protocol: m[4] === 'UDP' ? 'udp' : 'tcp', state: stateOf(m[7] ?? (remote ? 'other' : 'LISTEN')), localAddress: local.address, localPort: local.port, ...(remote ? { remoteAddress: remote.address, remotePort: remote.port } : {}), pid, process: name });
  }
  return { sockets: c.sockets, processes: c.processes, hosts: c.hosts };
}

/** `ss -tnp` / `ss -tulpn`: "ESTAB 0 0 10.0.0.2:50000 1.2.3.4:443 users:((\"anydesk\",pid=1234,fd=12))", with or without the Netid column. */
export function parseSs(text: string): SocketListing {
  const c = collect();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(?:(tcp|udp)\s+)?(ESTAB|LISTEN|UNCONN|SYN-SENT|TIME-WAIT|CLOSE-WAIT|FIN-WAIT-\d|LAST-ACK|CLOSING|SYN-RECV)\s+\d+\s+\d+\s+(\S+)\s+(\S+)\s+(?:users:\((.*)\))?/.exec(line.trim());
    if (!m) continue;
    const local = splitEndpoint(m[3] ?? '');
    const remote = splitEndpoint(m[4] ?? '');
    const users = [...(m[5] ?? '').matchAll(/\("([^"]+)",pid=(\d+)/g)];
    const owner = users[0];
    for (const u of users) c.add({ pid: Number(u[2]), ppid: 0, name: u[1] ?? '' });
    if (!local) continue;
    if (remote && isHost(remote.address)) c.hosts.push(remote.address);
    c.sockets.push({
      protocol: m[1] === 'udp' || m[2] === 'UNCONN' ? 'udp' : 'tcp', state: stateOf(m[2] ?? ''), localAddress: local.address, localPort: local.port,
      ...(remote && remote.port ? { remoteAddress: remote.address, remotePort: remote.port } : {}),
      ...(owner ? { pid: Number(owner[2]), process: owner[1] ?? '' } : {}),
    });
  }
  return { sockets: c.sockets, processes: c.processes, hosts: c.hosts };
}

/**
 * `netstat -tulpn` (Linux: "tcp 0 0 0.0.0.0:7070 0.0.0.0:* LISTEN 1234/anydesk") and Windows
 * `netstat -anob` / `-ano` ("TCP 0.0.0.0:7070 0.0.0.0:0 LISTENING 4567" then " [AnyDesk.exe]").
 */
export function parseNetstat(text: string): SocketListing {
  const c = collect();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const lin = /^(tcp6?|udp6?)\s+\d+\s+\d+\s+(\S+)\s+(\S+)\s+(?:(LISTEN|ESTABLISHED|TIME_WAIT|CLOSE_WAIT|SYN_SENT|FIN_WAIT\d|LAST_ACK)\s+)?(\d+)\/(\S.*?)\s*$/.exec(line.trim());
    if (lin) {
      const local = splitEndpoint(lin[2] ?? '');
      const remote = splitEndpoint(lin[3] ?? '');
      const pid = Number(lin[5]);
      // The program column is the start of the command line: sshd rewrites its own ("12/sshd: /usr/sbin/", "27/sshd: [accepted]").
      const name = (lin[6] ?? '').trim().replace(/:(?:\s.*)?$/, '');
      c.add({ pid, ppid: 0, name });
      if (remote && isHost(remote.address)) c.hosts.push(remote.address);
      if (local) c.sockets.push({ protocol: lin[1]?.startsWith('udp') ? 'udp' : 'tcp', state: lin[4] ? stateOf(lin[4] === 'LISTEN' ? 'LISTEN' : lin[4]) : lin[1]?.startsWith('udp') ? 'listen' : 'other', localAddress: local.address, localPort: local.port, ...(remote && remote.port ? { remoteAddress: remote.address, remotePort: remote.port } : {}), pid, process: name });
      continue;
    }
    const win = /^\s*(TCP|UDP)\s+(\S+)\s+(\S+)\s+(?:(LISTENING|ESTABLISHED|TIME_WAIT|CLOSE_WAIT|SYN_SENT|FIN_WAIT_\d|LAST_ACK)\s+)?(\d+)?\s*$/.exec(line);
    if (!win) continue;
    const local = splitEndpoint(win[2] ?? '');
    const remote = splitEndpoint(win[3] ?? '');
    // -b puts the owner one or two lines below (a component line first for svchost services).
    let owner: string | undefined;
    for (let j = i + 1; j < Math.min(lines.length, i + 3); j++) {
      const o = /^\s*\[([^\]]+)\]\s*$/.exec(lines[j] ?? '');
      if (o?.[1]) { owner = o[1]; break; }
      if (/^\s*(TCP|UDP)\s/.test(lines[j] ?? '')) break;
    }
    const pid = win[5] ? Number(win[5]) : undefined;
    if (owner) c.add({ pid: pid ?? -1, ppid: 0, name: owner });
    if (remote && isHost(remote.address)) c.hosts.push(remote.address);
    if (local) c.sockets.push({ protocol: win[1] === 'UDP' ? 'udp' : 'tcp', state: win[4] ? stateOf(win[4]) : win[1] === 'UDP' ? 'listen' : 'other', localAddress: local.address, localPort: local.port, ...(remote && remote.port ? { remoteAddress: remote.address, remotePort: remote.port } : {}), ...(pid !== undefined ? { pid } : {}), ...(owner ? { process: owner } : {}) });
  }
  return { sockets: c.sockets, processes: c.processes, hosts: c.hosts };
}
