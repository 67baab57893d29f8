// A bounded table of flows keyed by their two ends, in either direction. Each flow's first packets
// with payload go to the classifier; after that a packet only updates counters. Idle flows are
// evicted (sooner once TCP has closed), and when the table is full the least recently seen flow
// goes, so memory stays bounded whatever the traffic. Evicted and finished flows leave as
// summaries: ends, counters and the label, never payload.
import { formatIp } from '../decode/address.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type PacketInfo } from '../decode/packet.js';
import { inspectPacket, labelOf, newClassifierState, type ClassifierState } from '../classify/classifier.js';
import type { ClassifierContext, Direction, FlowLabel } from '../classify/types.js';

export interface Endpoint {
  ip: string;
  port: number;
}

export type EndReason = 'idle' | 'closed' | 'capacity' | 'flushed';

export interface FlowSummary {
  transport: string;
  client: Endpoint;
  server: Endpoint;
  firstMs: number;
  lastMs: number;
  packets: { toServer: number; toClient: number };
  bytes: { toServer: number; toClient: number };
  label: FlowLabel;
  ended: EndReason;
}

export interface FlowTableOptions {
  ctx: ClassifierContext;
  /** Most flows kept at once (default 4096). */
  maxFlows?: number;
  /** Idle time before a flow is evicted: TCP 300 s, UDP and others 120 s, closed TCP 10 s. */
  tcpIdleMs?: number;
  udpIdleMs?: number;
  closedIdleMs?: number;
  onFlowEnd?: (f: FlowSummary) => void;
}

interface Flow {
  proto: number;
  clientKey: string;
  client: Endpoint;
  server: Endpoint;
  firstMs: number;
  lastMs: number;
  touchedMs: number;
  packets: [number, number];
  bytes: [number, number];
  closed: boolean;
  classifier: ClassifierState;
}

export interface FlowTableStats {
  packets: number;
  flows: number;
  evictedIdle: number;
  evictedCapacity: number;
}

const TRANSPORTS: Record<number, string> = { 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 1: 'icmp', 58: 'icmpv6' };

function addrKey(b: Uint8Array): string {
  if (b.length === 4) return String((((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0);
  return String.fromCharCode(...b);
}

export class FlowTable {
  private readonly flows = new Map<string, Flow>();
  private readonly maxFlows: number;
  private readonly idle: { tcp: number; udp: number; closed: number };
  private lastSweepMs = 0;
  readonly stats: FlowTableStats = { packets: 0, flows: 0, evictedIdle: 0, evictedCapacity: 0 };

  constructor(private readonly opts: FlowTableOptions) {
    this.maxFlows = opts.maxFlows ?? 4096;
    this.idle = { tcp: opts.tcpIdleMs ?? 300_000, udp: opts.udpIdleMs ?? 120_000, closed: opts.closedIdleMs ?? 10_000 };
  }

  get size(): number {
    return this.flows.size;
  }

  add(p: PacketInfo): void {
    this.stats.packets++;
    const a = `${addrKey(p.src)}/${p.srcPort}`;
    const b = `${addrKey(p.dst)}/${p.dstPort}`;
    const key = a < b ? `${p.proto}|${a}|${b}` : `${p.proto}|${b}|${a}`;
    let flow = this.flows.get(key);
    if (!flow) {
      if (p.tsMs - this.lastSweepMs >= 1000 || this.flows.size >= this.maxFlows) this.sweep(p.tsMs);
      if (this.flows.size >= this.maxFlows) this.evictOldest();
      flow = this.create(p, a);
      this.flows.set(key, flow);
      this.stats.flows++;
    } else if (p.tsMs - flow.touchedMs >= 1000) {
      // Move to the back of the map's order about once a second: the front stays the least recently seen.
      this.flows.delete(key);
      this.flows.set(key, flow);
      flow.touchedMs = p.tsMs;
    }
    const dir: Direction = a === flow.clientKey ? 'c2s' : 's2c';
    const d = dir === 'c2s' ? 0 : 1;
    flow.packets[d]++;
    flow.bytes[d] += p.ipLength;
    if (p.tsMs > flow.lastMs) flow.lastMs = p.tsMs;
    if (p.proto === 6 && p.tcpFlags & (TCP_FIN | TCP_RST)) flow.closed = true;
    const c = flow.classifier;
    if (!c.done && !p.laterFragment && (p.payloadLength > 0 || (p.proto !== 6 && p.proto !== 17))) {
      inspectPacket(c, {
        proto: p.proto, dir, clientPort: flow.client.port, serverPort: flow.server.port,
        payload: p.payload, payloadLength: p.payloadLength, index: c.inspected,
      }, this.opts.ctx);
    }
  }

  private create(p: PacketInfo, srcKey: string): Flow {
    const src = { ip: formatIp(p.src), port: p.srcPort };
    const dst = { ip: formatIp(p.dst), port: p.dstPort };
    // The client is who sent the first packet, except when that packet is a SYN+ACK, or (the
    // capture began mid-conversation) a packet without SYN from a service port to an ephemeral one
    // (32768 and up: Linux's and Windows' dynamic ranges).
    const synAck = p.proto === 6 && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
    const midstream = !(p.proto === 6 && p.tcpFlags & TCP_SYN) && p.srcPort > 0 && p.srcPort < p.dstPort && p.srcPort < 32768 && p.dstPort >= 32768;
    const swap = synAck || midstream;
    return {
      proto: p.proto,
      clientKey: swap ? `${addrKey(p.dst)}/${p.dstPort}` : srcKey,
      client: swap ? dst : src,
      server: swap ? src : dst,
      firstMs: p.tsMs, lastMs: p.tsMs, touchedMs: p.tsMs,
      packets: [0, 0], bytes: [0, 0], closed: false,
      classifier: newClassifierState(),
    };
  }

  /** Evicts flows idle at `nowMs` (capture time). */
  sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    for (const [key, f] of this.flows) {
      const limit = f.closed ? this.idle.closed : f.proto === 6 ? this.idle.tcp : this.idle.udp;
      if (nowMs - f.lastMs > limit) {
        this.flows.delete(key);
        this.stats.evictedIdle++;
        this.end(f, f.closed ? 'closed' : 'idle');
      }
    }
  }

  private evictOldest(): void {
    const first = this.flows.entries().next();
    if (first.done) return;
    const [key, f] = first.value;
    this.flows.delete(key);
    this.stats.evictedCapacity++;
    this.end(f, 'capacity');
  }

  /** Ends every flow still in the table (end of file, or the capture stopping). */
  flush(): void {
    for (const f of this.flows.values()) this.end(f, 'flushed');
    this.flows.clear();
  }

  /** Summaries of the flows in the table now, without ending them. */
  active(): FlowSummary[] {
    return [...this.flows.values()].map((f) => this.summary(f, 'flushed'));
  }

  private end(f: Flow, why: EndReason): void {
    this.opts.onFlowEnd?.(this.summary(f, why));
  }

  private summary(f: Flow, ended: EndReason): FlowSummary {
    return {
      transport: TRANSPORTS[f.proto] ?? `ip-proto-${f.proto}`,
      client: f.client, server: f.server,
      firstMs: f.firstMs, lastMs: f.lastMs,
      packets: { toServer: f.packets[0], toClient: f.packets[1] },
      bytes: { toServer: f.bytes[0], toClient: f.bytes[1] },
      label: labelOf(f.classifier, { proto: f.proto, serverPort: f.server.port, serverIp: f.server.ip }, this.opts.ctx),
      ended,
    };
  }
}
