// Sockets on macOS and Windows through systeminformation (lsof / netstat underneath; called
// without arguments).
import { systeminformation } from '../si.js';
import type { SocketFact } from './types.js';

export async function collectSocketsWithSi(): Promise<SocketFact[]> {
  const si = await systeminformation();
  const list = await si.networkConnections();
  return list.map((c) => {
    const state = /listen/i.test(c.state) ? 'listen' : /established/i.test(c.state) ? 'established' : (c.protocol.startsWith('udp') && (!c.peerAddress || c.peerAddress === '*') ? 'listen' : 'other');
    const fact: SocketFact = { protocol: c.protocol.startsWith('udp') ? 'udp' : 'tcp', state, localAddress: c.localAddress, localPort: Number(c.localPort) || 0 };
    if (state === 'established') { fact.remoteAddress = c.peerAddress; fact.remotePort = Number(c.peerPort) || 0; }
    if (c.pid) fact.pid = c.pid;
    if (c.process) fact.process = c.process;
    return fact;
  }).filter((s) => s.state !== 'other');
}
