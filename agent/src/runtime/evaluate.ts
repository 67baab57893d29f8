// From the latest facts to the events that say what changed: findings (new, changed, cleared),
// inventory (added, removed), co-location observations (new ones only), health; and full
// inventories when one is owed. Detectors are pure; this only decides what to send.
import { InventoryKind, InventoryOp, ObservationKind } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import { detect, protoPlatform, type HostFacts, type SensorSummary } from '../pipeline/scan.js';
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
    this.observationKey ??= this.effective().observationKey;
    for (const kind of KINDS) this.inventory.update(kind, this.itemsOf(kind, facts));
    this.evaluateFindings(facts);
    this.health(states, usage, 0);
    this.flushOwed(facts);
  }

  /** One sensor's facts changed. */
  changed(key: keyof HostFacts, facts: HostFacts): void {
    const kind = INVENTORY_FACTS[key];
    if (kind) {
      for (const c of this.inventory.update(kind, this.itemsOf(kind, facts))) this.outbox.push({ inventoryChange: c });
    }
    this.evaluateFindings(facts);
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

  private evaluateFindings(facts: HostFacts): void {
    const e = this.effective();
    const now = Date.now();
    this.lastFindings = detect(facts, e.catalog, e.policy, protoPlatform(this.platform));
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
