// The agent's continuous run: scan on an interval, send what changed, heartbeat, answer the
// collector, and on a stop signal say why it stopped before exiting.
import { InventoryKind, InventoryOp, type CollectorMessage, type StopReason } from '@farmwatch/proto';
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { Catalog, Logger } from '@farmwatch/shared';
import { hostSensor, runSensor, type HostFact, type SensorContext } from '../sensors/index.js';
import type { Policy } from '../detectors/index.js';
import { scanHost, type HostFacts } from '../pipeline/scan.js';
import { FindingDiffer } from '../pipeline/finding-differ.js';
import { findingToProto, helloFromHost, inventoryItems, sensorStateToProto } from '../pipeline/to-proto.js';
import { buildObservations, ObservationDeduper } from '../pipeline/observations.js';
import { MemoryOutbox } from '../transport/outbox.js';
import { StreamClient } from '../transport/stream-client.js';
import { ResourceMeter } from './health.js';

export interface AgentOptions {
  server: string;
  credentials: ChannelCredentials;
  ctx: SensorContext;
  catalog: Catalog;
  policy: Policy;
  scanIntervalS: number;
  heartbeatIntervalS: number;
  /** Scan once, deliver everything, exit. */
  once: boolean;
  /** With `once`: how long to keep trying to deliver. */
  onceTimeoutMs?: number;
  log: Logger;
  backoff?: { initialMs: number; maxMs: number };
}

const FLUSH_ON_STOP_MS = 5000;
const ONCE_DELIVERY_TIMEOUT_MS = 60_000;

export class Agent {
  private readonly outbox = new MemoryOutbox();
  private readonly differ = new FindingDiffer();
  private readonly meter = new ResourceMeter();
  private readonly client: StreamClient;
  private readonly startedAt = performance.now();
  private lastFacts: HostFacts = {};
  private timers: NodeJS.Timeout[] = [];
  private scanning = false;
  private scanned = false;
  /** A full inventory is owed: at this process's first contact, and whenever the collector asks. */
  private inventoryOwed = true;
  private inventoryPushed = false;
  private findingsOwed = false;
  private stopping: Promise<boolean> | undefined;
  /** Fleet key for keyed hashes of neighbour identifiers, from the collector's ConfigUpdate. */
  private observationKey: Uint8Array | undefined;
  private readonly observations = new ObservationDeduper();

  private constructor(private readonly opts: AgentOptions, private readonly host: HostFact) {
    this.client = new StreamClient({
      server: opts.server,
      credentials: opts.credentials,
      outbox: this.outbox,
      log: opts.log.child('stream'),
      hello: () => helloFromHost(this.host, opts.catalog.version ?? '', ''),
      onMessage: (m) => this.onCollectorMessage(m),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
  }

  static async create(opts: AgentOptions): Promise<Agent> {
    const host = await runSensor(hostSensor, opts.ctx);
    if (host.status !== 'ok') throw new Error(`cannot identify this machine: ${host.reason}`);
    return new Agent(opts, host.facts);
  }

  get connection(): StreamClient {
    return this.client;
  }

  /** Runs until stop(); with `once`, resolves after the first scan is delivered. */
  async run(): Promise<boolean> {
    this.client.start();
    await this.scan();
    if (this.opts.once) {
      const delivered = await this.client.drain(this.opts.onceTimeoutMs ?? ONCE_DELIVERY_TIMEOUT_MS);
      this.client.stop();
      return delivered;
    }
    this.timers.push(setInterval(() => void this.scan(), this.opts.scanIntervalS * 1000));
    this.timers.push(setInterval(() => this.heartbeat(), this.opts.heartbeatIntervalS * 1000));
    return true;
  }

  /** Says why the agent stops, flushes for a few seconds, closes. Later calls get the first's result. */
  stop(reason: StopReason, detail: string): Promise<boolean> {
    this.stopping ??= this.stopOnce(reason, detail);
    return this.stopping;
  }

  private async stopOnce(reason: StopReason, detail: string): Promise<boolean> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.outbox.push({ stopped: { reason, detail } });
    this.client.notify();
    const flushed = await this.client.drain(FLUSH_ON_STOP_MS);
    this.client.stop();
    return flushed;
  }

  private heartbeat(): void {
    this.outbox.push({ heartbeat: { uptimeMs: Math.round(performance.now() - this.startedAt), spoolDepth: this.outbox.depth } });
    this.client.notify();
  }

  private async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const report = await scanHost(this.opts.ctx, this.opts.catalog, this.opts.policy);
      this.lastFacts = report.facts;
      const now = Date.now();
      const changes = this.differ.update(report.findings, now);
      for (const { finding, firstSeenMs } of changes.upserted) this.outbox.push({ finding: findingToProto(finding, firstSeenMs) }, now);
      for (const c of changes.cleared) this.outbox.push({ findingCleared: c }, now);
      if (this.observationKey) {
        for (const o of this.observations.fresh(buildObservations(report.facts, report.findings, this.observationKey), now)) this.outbox.push({ observation: o }, now);
      }
      const { cpuPermille, rssBytes } = this.meter.read();
      this.outbox.push({
        health: { cpuPermille, rssBytes, sensors: report.sensors.map(sensorStateToProto), spoolDepth: this.outbox.depth },
      }, now);
      this.scanned = true;
      if (this.inventoryOwed) this.pushOwedInventory();
      this.heartbeat();
      this.opts.log.info('scan done', {
        findings: report.findings.length, new: changes.upserted.length, cleared: changes.cleared.length,
        unavailable: report.sensors.filter((s) => s.status !== 'ok').map((s) => s.sensor),
      });
    } catch (err) {
      this.opts.log.error('scan failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.scanning = false;
    }
  }

  private pushOwedInventory(): void {
    const withFindings = this.findingsOwed;
    this.findingsOwed = false;
    this.pushInventory(withFindings);
  }

  /**
   * A full inventory: every item as PRESENT, closed by InventoryComplete; with `withFindings`, the
   * current findings again too (when the collector asked, it may have lost them).
   */
  private pushInventory(withFindings: boolean): void {
    this.inventoryOwed = false;
    this.inventoryPushed = true;
    const items = inventoryItems(this.lastFacts);
    const now = Date.now();
    for (const item of items) this.outbox.push({ inventoryChange: { op: InventoryOp.INVENTORY_OP_PRESENT, item } }, now);
    this.outbox.push({
      inventoryComplete: {
        kinds: [InventoryKind.INVENTORY_KIND_USB_DEVICE, InventoryKind.INVENTORY_KIND_DISPLAY, InventoryKind.INVENTORY_KIND_NETWORK_INTERFACE],
        itemCount: items.length,
      },
    }, now);
    if (withFindings) {
      for (const { finding, firstSeenMs } of this.differ.all()) this.outbox.push({ finding: findingToProto(finding, firstSeenMs) }, now);
    }
    this.client.notify();
  }

  private onCollectorMessage(m: CollectorMessage): void {
    // HelloAck says the collector has no inventory yet; one pushed by this process is on its way.
    const asked = m.body === 'inventoryRequest' || (m.body === 'helloAck' && m.helloAck.inventoryWanted === true && !this.inventoryPushed);
    if (asked) {
      if (m.body === 'inventoryRequest') this.opts.log.info('collector asked for a full inventory', { reason: m.inventoryRequest.reason ?? '' });
      this.inventoryOwed = true;
      this.findingsOwed ||= m.body === 'inventoryRequest';
      if (this.scanned) this.pushOwedInventory();
    } else if (m.body === 'config' && m.config.settings?.observationKey && m.config.settings.observationKey.length > 0) {
      const key = Uint8Array.from(m.config.settings.observationKey);
      if (!this.observationKey || Buffer.compare(Buffer.from(key), Buffer.from(this.observationKey)) !== 0) this.observations.reset();
      this.observationKey = key;
      this.opts.log.info('received the fleet observation key; co-location observations are sent from the next scan on');
    } else if (m.body === 'config' || m.body === 'catalog') {
      this.opts.log.warn(`the collector pushed a ${m.body} update, which this agent version does not apply yet`);
    }
  }
}
