// From the latest facts to the events that say what changed: findings (new, changed, cleared),
// inventory (added, removed), co-location observations (new ones only), health; and full
// inventories when one is owed. Detectors are pure; this only decides what to send.
import { InventoryKind, InventoryOp, ObservationKind } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import { createHash } from 'node:crypto';
import { combineFindings, protoPlatform, runDetectors, type DetectorResults, type HostFacts, type SensorSummary } from '../pipeline/scan.js';
import { FindingDiffer } from '../pipeline/finding-differ.js';
import { InventoryDiffer, type InventoryKindName } from '../pipeline/inventory-differ.js';
import { findingToProto, inventoryItems, sensorStateToProto } from '../pipeline/to-proto.js';
import { buildObservations, ObservationDeduper } from '../pipeline/observations.js';
import type { HostPlatform } from '../sensors/index.js';
import type { Finding } from '../detectors/index.js';
import type { Outbox } from '../transport/outbox.js';
import type { Effective } from './collector-updates.js';
import { INVENTORY_FACTS } from './sensor-table.js';

/** The agent's footprint as health reports carry it: CPU over a stated window, resident memory. */
export interface Usage {
  cpuPermille: number;
  cpuWindowS: number;
  rssBytes: number;
}

const KINDS: InventoryKindName[] = ['usb', 'display', 'interface'];
const FACT_OF = Object.fromEntries(Object.entries(INVENTORY_FACTS).map(([key, kind]) => [kind, key])) as Record<InventoryKindName, keyof HostFacts>;

export class Evaluator {
  private readonly findings = new FindingDiffer();
  private readonly inventory = new InventoryDiffer();
  private readonly observations = new ObservationDeduper();
  private observationKey: Uint8Array | undefined;
  private lastFindings: Finding[] = [];
  /** Each detector's findings as of its last run, and the catalog and policy they were made with. */
  private results: DetectorResults = new Map();
  private resultsOf: { catalog: Effective['catalog']; policy: Effective['policy'] } | undefined;
  /** A digest of each sensor's last facts: a sensor that saw the same as before changes nothing. */
  private readonly factDigests = new Map<keyof HostFacts, string>();
  private owed = { inventory: true, findings: false };
  isReady = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly effective: () => Effective,
    private readonly platform: HostPlatform,
    private readonly log: Logger,
  ) {}

  /** Every sensor has run once: the first full evaluation. */
  ready(facts: HostFacts, states: SensorSummary[], usage: Usage): void {
    this.isReady = true;
    for (const key of Object.keys(facts) as (keyof HostFacts)[]) this.factDigests.set(key, digest(facts[key]));
    this.observationKey ??= this.effective().observationKey;
    for (const kind of KINDS) this.inventory.update(kind, this.itemsOf(kind, facts));
    this.evaluateFindings(facts);
    this.health(states, usage, 0);
    this.flushOwed(facts);
  }

  /**
   * One sensor ran again. When it saw what it saw the time before (most runs of an agent at rest),
   * the inventory and findings stand as they are; otherwise only the detectors that read its facts
   * run again.
   */
  changed(key: keyof HostFacts, facts: HostFacts): void {
    const d = digest(facts[key]);
    if (this.factDigests.get(key) === d && this.resultsCurrent()) {
      this.pushObservations(facts);
      return;
    }
    this.factDigests.set(key, d);
    const kind = INVENTORY_FACTS[key];
    if (kind) {
      for (const c of this.inventory.update(kind, this.itemsOf(kind, facts))) this.outbox.push({ inventoryChange: c });
    }
    this.evaluateFindings(facts, key);
  }

  health(states: SensorSummary[], usage: Usage, spoolBytes: number): void {
    this.outbox.push({ health: { ...usage, sensors: states.map(sensorStateToProto), spoolDepth: this.outbox.depth, spoolBytes } });
  }

  owe(what: { findings: boolean }): void {
    this.owed.inventory = true;
    this.owed.findings ||= what.findings;
  }

  setObservationKey(key: Uint8Array | undefined): void {
    if (key && (!this.observationKey || Buffer.compare(Buffer.from(key), Buffer.from(this.observationKey)) !== 0)) {
      this.observations.reset();
      this.log.info('received the fleet observation key; co-location observations follow');
    }
    this.observationKey = key;
  }

  /** Sends a full inventory (and the current findings, when the collector asked) if one is owed. */
  flushOwed(facts: HostFacts): void {
    if (this.owed.inventory) {
      const items = this.inventory.all();
      for (const item of items) this.outbox.push({ inventoryChange: { op: InventoryOp.INVENTORY_OP_PRESENT, item } });
      this.outbox.push({
        inventoryComplete: {
          kinds: [InventoryKind.INVENTORY_KIND_USB_DEVICE, InventoryKind.INVENTORY_KIND_DISPLAY, InventoryKind.INVENTORY_KIND_NETWORK_INTERFACE],
          itemCount: items.length,
        },
      });
      this.owed.inventory = false;
    }
    if (this.owed.findings) {
      for (const { finding, firstSeenMs } of this.findings.all()) this.outbox.push({ finding: findingToProto(finding, firstSeenMs) });
      this.owed.findings = false;
    }
    this.pushObservations(facts);
  }

  private itemsOf(kind: InventoryKindName, facts: HostFacts): ReturnType<typeof inventoryItems> {
    return inventoryItems({ [FACT_OF[kind]]: facts[FACT_OF[kind]] });
  }

  /** Whether the kept detector results were made with the catalog and policy in effect now. */
  private resultsCurrent(): boolean {
    const e = this.effective();
    return this.resultsOf !== undefined && this.resultsOf.catalog === e.catalog && this.resultsOf.policy === e.policy;
  }

  /** Runs the detectors that read `key` (every detector without one, or when the catalog or policy changed), and sends what changed. */
  private evaluateFindings(facts: HostFacts, key?: keyof HostFacts): void {
    const e = this.effective();
    const now = Date.now();
    const all = key === undefined || !this.resultsCurrent();
    this.results = runDetectors(facts, { catalog: e.catalog, policy: e.policy, platform: protoPlatform(this.platform) },
      all ? () => true : (d) => d.needs.includes(key) || d.uses.includes(key), all ? new Map<string, Finding[]>() : this.results);
    this.resultsOf = { catalog: e.catalog, policy: e.policy };
    this.lastFindings = combineFindings(this.results, e.policy);
    const changes = this.findings.update(this.lastFindings, now);
    for (const { finding, firstSeenMs } of changes.upserted) this.outbox.push({ finding: findingToProto(finding, firstSeenMs) }, now);
    for (const c of changes.cleared) this.outbox.push({ findingCleared: c }, now);
    this.pushObservations(facts);
  }

  private pushObservations(facts: HostFacts): void {
    if (!this.observationKey || !this.isReady) return;
    const now = Date.now();
    const e = this.effective();
    const ctx = { catalog: e.catalog, platform: protoPlatform(this.platform), relays: e.observationKinds.includes(ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP) };
    for (const o of this.observations.fresh(buildObservations(facts, this.lastFindings, this.observationKey, ctx), now)) {
      this.outbox.push({ observation: o }, now);
    }
  }
}

/** A short digest of one sensor's facts (their JSON: a sensor builds its facts the same way every run). */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? '').digest('base64');
}
