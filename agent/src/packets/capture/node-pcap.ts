// The one place that touches node-pcap (npm "pcap"), an optional native addon loaded only when
// packet capture is turned on. Its JavaScript API is untyped, so it is narrowed here to the few
// calls we make, checked at run time; nothing else in the agent sees it.
//
// Two of its habits are handled here:
//  - it reuses one buffer for every packet: a packet is valid only during the callback;
//  - close() only asks libpcap to break its loop; the addon releases its poll handle (which keeps
//    Node's event loop alive) the next time a packet is read. So the capture filter always also
//    admits one UDP datagram to a loopback port we own, and close() sends it: the session then
//    finishes closing at once instead of whenever the next packet happens to arrive. This works
//    for the "any" and "lo" devices, which the wake datagram crosses; on another device, closing
//    completes with the next captured packet.
import { createSocket, type Socket } from 'node:dgram';
import { endianness } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface RawLivePacket {
  /** The frame's bytes (reused by node-pcap for the next packet). */
  data: Uint8Array;
  linkType: string;
  tsMs: number;
  origLen: number;
}

interface PcapSessionLike {
  link_type: string;
  buf: Buffer;
  header: Buffer;
  on(event: 'packet', cb: (raw: { buf: Buffer; header: Buffer; link_type: string }) => void): void;
  close(): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
}

interface PcapModuleLike {
  createSession(device: string, options: { filter: string; snap_length: number; buffer_size: number; buffer_timeout: number; promiscuous: boolean }): PcapSessionLike;
  lib_version: string;
}

/** Capture is not possible here: the reason says why and what would fix it. */
export class CaptureUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CaptureUnavailable';
  }
}

const MODULE = 'pcap';

function isPcapModule(m: unknown): m is PcapModuleLike {
  return typeof m === 'object' && m !== null && typeof (m as { createSession?: unknown }).createSession === 'function';
}

/**
 * Where the single executable looks for node-pcap: it cannot load addons from inside itself, so
 * packages install the module beside it (the .deb in /usr/lib/farmwatch/node_modules).
 */
export function besideExecutable(execPath = process.execPath): string[] {
  const dir = dirname(execPath);
  return [join(dir, '..', 'lib', 'farmwatch', 'node_modules', 'x.js'), join(dir, 'node_modules', 'x.js')];
}

async function loadPcap(): Promise<PcapModuleLike> {
  let mod: unknown;
  try {
    try {
      mod = await import(MODULE);
    } catch (first) {
      let found: unknown;
      for (const anchor of besideExecutable()) {
        try {
          found = createRequire(anchor)(MODULE);
          break;
        } catch {
          // not there
        }
      }
      if (found === undefined) throw first;
      mod = found;
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/libpcap/i.test(msg)) throw new CaptureUnavailable(`libpcap is missing (${msg}); install it (Debian: apt-get install libpcap0.8)`);
    throw new CaptureUnavailable(`the node-pcap module is not installed next to the agent (${msg.split('\n')[0]}); it is an optional dependency that needs libpcap and a compiler at install time (Debian: apt-get install libpcap-dev, then npm install pcap)`);
  }
  const m = (mod as { default?: unknown }).default ?? mod;
  if (!isPcapModule(m)) throw new CaptureUnavailable('the "pcap" module found is not node-pcap (no createSession)');
  return m;
}

export interface LiveCaptureOptions {
  device: string;
  /** BPF filter for the traffic to capture. */
  filter: string;
  snaplen: number;
  bufferBytes: number;
  onPacket: (p: RawLivePacket) => void;
}

export interface LiveCaptureStats {
  received: number;
  dropped: number;
  interfaceDropped: number;
}

export interface LiveCapture {
  readonly linkType: string;
  readonly libpcapVersion: string;
  stats(): LiveCaptureStats;
  close(): Promise<void>;
}

function explain(err: unknown, device: string): CaptureUnavailable {
  const msg = err instanceof Error ? err.message : String(err);
  if (/permitted|permission|EPERM|EACCES/i.test(msg)) {
    return new CaptureUnavailable(`capturing on ${device} needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities (${msg})`);
  }
  if (/no such device|doesn't exist|not found/i.test(msg)) return new CaptureUnavailable(`no network device "${device}" (${msg})`);
  return new CaptureUnavailable(`libpcap could not open ${device}: ${msg}`);
}

export async function openLiveCapture(opts: LiveCaptureOptions): Promise<LiveCapture> {
  const pcap = await loadPcap();
  const wake: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    wake.once('error', reject);
    wake.bind(0, '127.0.0.1', () => resolve());
  });
  wake.on('message', () => undefined);
  wake.unref();
  const wakePort = wake.address().port;
  const filter = `(${opts.filter}) or (udp and dst host 127.0.0.1 and dst port ${wakePort})`;
  let session: PcapSessionLike;
  try {
    session = pcap.createSession(opts.device, { filter, snap_length: opts.snaplen, buffer_size: opts.bufferBytes, buffer_timeout: 250, promiscuous: false });
  } catch (err) {
    wake.close();
    throw explain(err, opts.device);
  }
  const le = endianness() === 'LE';
  let closed = false;
  session.on('packet', (raw) => {
    const h = raw.header;
    const sec = le ? h.readUInt32LE(0) : h.readUInt32BE(0);
    const usec = le ? h.readUInt32LE(4) : h.readUInt32BE(4);
    const caplen = le ? h.readUInt32LE(8) : h.readUInt32BE(8);
    const len = le ? h.readUInt32LE(12) : h.readUInt32BE(12);
    opts.onPacket({ data: raw.buf.subarray(0, Math.min(caplen, raw.buf.length)), linkType: raw.link_type, tsMs: sec * 1000 + usec / 1000, origLen: len });
  });
  return {
    linkType: session.link_type,
    libpcapVersion: pcap.lib_version,
    stats() {
      if (closed) return { received: 0, dropped: 0, interfaceDropped: 0 };
      const s = session.stats();
      return { received: s.ps_recv, dropped: s.ps_drop, interfaceDropped: s.ps_ifdrop };
    },
    async close() {
      if (closed) return;
      closed = true;
      session.close();
      await new Promise<void>((resolve) => wake.send(Buffer.from('farmwatch: capture closing'), wakePort, '127.0.0.1', () => resolve()));
      wake.close();
    },
  };
}
