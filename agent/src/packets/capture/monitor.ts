// Live packet monitoring: a capture feeding the flow table, keeping what detection needs between two
// collections. Least data: flows that are VPN tunnels, remote access or remote shells, or that touch
// a catalog domain or address, are kept (bounded); ordinary flows are only counted.
import { decodePacket } from '../decode/packet.js';
import { linkTypeFromName } from '../decode/link.js';
import { FlowTable, type FlowSummary } from '../flows/flow-table.js';
import type { DomainMatcher } from '../classify/types.js';
import { captureFilter, DEFAULT_SNAPLEN } from './filter.js';
import { openLiveCapture, type LiveCapture, type LiveCaptureStats } from './node-pcap.js';

export interface MonitorOptions {
  device: string;
  domains: DomainMatcher;
  maxFlows?: number;
  /** Most notable flows kept between two collections; the rest are counted as dropped. */
  maxKept?: number;
  snaplen?: number;
}

export interface MonitorSnapshot {
  device: string;
  linkType: string;
  /** Notable flows that ended since the last snapshot, then notable flows still open. */
  flows: FlowSummary[];
  /** Flows seen since the last snapshot that were ordinary (counted, not kept). */
  ordinaryFlows: number;
  /** Notable flows not kept because maxKept was reached. */
  droppedFlows: number;
  packets: number;
  undecoded: number;
  capture: LiveCaptureStats;
}

export function isNotable(f: FlowSummary): boolean {
  return f.label.kind === 'vpn' || f.label.kind === 'remote_access' || f.label.kind === 'remote_shell' || f.label.catalog !== undefined;
}

export class PacketMonitor {
  private readonly table: FlowTable;
  private kept: FlowSummary[] = [];
  private ordinary = 0;
  private dropped = 0;
  private packets = 0;
  private undecoded = 0;
  private sweepTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly opts: MonitorOptions, private capture: LiveCapture | undefined) {
    this.table = new FlowTable({ ctx: { domains: opts.domains }, maxFlows: opts.maxFlows, onFlowEnd: (f) => this.ended(f) });
  }

  static async start(opts: MonitorOptions): Promise<PacketMonitor> {
    const m = new PacketMonitor(opts, undefined);
    m.capture = await openLiveCapture({
      device: opts.device, filter: captureFilter(), snaplen: opts.snaplen ?? DEFAULT_SNAPLEN, bufferBytes: 4 << 20,
      onPacket: (raw) => {
        m.packets++;
        const linkType = linkTypeFromName(raw.linkType);
        const p = linkType === undefined ? 'unsupported-link' : decodePacket(linkType, raw.data, raw.tsMs);
        if (typeof p === 'string') m.undecoded++;
        else m.table.add(p);
      },
    });
    // Idle flows are evicted on packet arrival; a quiet link needs the clock to do it.
    m.sweepTimer = setInterval(() => m.table.sweep(Date.now()), 10_000);
    m.sweepTimer.unref();
    return m;
  }

  private ended(f: FlowSummary): void {
    if (!isNotable(f)) this.ordinary++;
    else if (this.kept.length < (this.opts.maxKept ?? 1000)) this.kept.push(f);
    else this.dropped++;
  }

  /** What was seen since the last snapshot; open notable flows are reported again next time. */
  snapshot(): MonitorSnapshot {
    const open = this.table.active().filter(isNotable);
    const snap: MonitorSnapshot = {
      device: this.opts.device, linkType: this.capture?.linkType ?? '',
      flows: [...this.kept, ...open], ordinaryFlows: this.ordinary, droppedFlows: this.dropped,
      packets: this.packets, undecoded: this.undecoded,
      capture: this.capture?.stats() ?? { received: 0, dropped: 0, interfaceDropped: 0 },
    };
    this.kept = [];
    this.ordinary = 0;
    this.dropped = 0;
    return snap;
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.capture?.close();
    this.table.flush();
  }
}
