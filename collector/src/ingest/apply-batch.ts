// Stores one validated batch in one transaction: every event once by (device, sequence), and what
// it means (findings, inventory, sensor states, health, stop) in the derived tables. The caller
// acknowledges only after this returns, when the transaction has committed. Findings raise no
// alerts of their own: they are the evidence of the laptop's case, which the fleet engine opens
// or updates after commit (src/alerts/cases.ts).
import {
  Category, InventoryKind, InventoryOp, SensorStatus, Severity, StopReason, enumName, pb, type Event, type InventoryItem,
  type Observation,
} from '@farmwatch/proto';
import type { Store, StoreWriter } from '../store/store.js';
import type { FindingRecord } from '../store/records.js';
import { inventoryKey } from './inventory-keys.js';
import { rawEvent } from './raw-events.js';

export interface BatchResult {
  stored: number;
  replayed: number;
  lastSequence: number;
  /** Something the device rules (and so the laptop's case) look at changed (findings, observations, a stop). */
  relevant: boolean;
}

/** What the fleet side does with observations and inventory, inside the batch's transaction. */
export interface BatchHooks {
  onObservation?(w: StoreWriter, deviceId: string, o: Observation, atMs: number): boolean;
  onInventory?(deviceId: string, item: InventoryItem): void;
  /** The hours (since the epoch) the batch's new events were stamped in; true when that changed something the rules read. */
  onHours?(w: StoreWriter, deviceId: string, hours: ReadonlySet<number>): boolean;
  /** After the batch's observations: true when that changed something the rules read. */
  afterObservations?(w: StoreWriter, deviceId: string): boolean;
  /** Catalog ids the company sanctions (collector policy, on top of what the agent says). */
  sanctioned?: ReadonlySet<string>;
}

const RELEVANT = new Set(['finding', 'findingCleared', 'stopped']);
const HOUR_MS = 3_600_000;

/** A clock off by less than this is a synced clock measured through network and queueing delay: its times stay as they are. */
export const CLOCK_TOLERANCE_MS = 120_000;

/**
 * A time on the agent's clock, put on the collector's: less the agent's clock skew (measured at
 * Hello) when that clock is off by more than CLOCK_TOLERANCE_MS, and never later than the batch
 * arrived. A laptop whose clock is days behind still shares the correlation window with its
 * neighbours; one ahead does not post-date its findings.
 */
export function collectorTime(agentMs: number, clockSkewMs: number, receivedAtMs: number): number {
  return Math.min(Math.abs(clockSkewMs) > CLOCK_TOLERANCE_MS ? agentMs - clockSkewMs : agentMs, receivedAtMs);
}

/** enumName, memoised per enum and value (it is on the path of every event). */
const names = new Map<object, Map<number | null | undefined, string>>();
function nameOf(values: Readonly<Record<string, string | number>>, value: number | null | undefined): string {
  let m = names.get(values);
  if (!m) names.set(values, (m = new Map<number | null | undefined, string>()));
  let n = m.get(value);
  if (n === undefined) m.set(value, (n = enumName(values, value)));
  return n;
}

const INVENTORY_KIND_NAME: Record<number, string> = {
  [InventoryKind.INVENTORY_KIND_USB_DEVICE]: 'usb_device',
  [InventoryKind.INVENTORY_KIND_DISPLAY]: 'display',
  [InventoryKind.INVENTORY_KIND_NETWORK_INTERFACE]: 'network_interface',
};

/**
 * Observations repeat: a laptop reports the same gateway and BSSID scan after scan. Within one
 * batch each distinct observation is applied once, at its latest time.
 */
type Pending = Map<string, { o: Observation; atMs: number }> & { health?: Event };

function applyHealth(w: StoreWriter, deviceId: string, e: Event, receivedAtMs: number, skew: number): void {
  const h = e.health;
  if (!h) return;
  const at = collectorTime(e.observedAtMs || receivedAtMs, skew, receivedAtMs);
  w.setHealth(deviceId, h.rssBytes ?? 0, h.spoolDepth ?? 0);
  for (const s of h.sensors ?? []) {
    w.upsertSensorState({
      deviceId, sensor: s.sensor ?? '', status: nameOf(SensorStatus, s.status), reason: s.reason ?? '',
      lastRunMs: s.lastRunMs ? collectorTime(s.lastRunMs, skew, receivedAtMs) : at, durationMs: s.durationMs ?? 0, items: s.items ?? 0,
    });
  }
}

/**
 * The agent's CPU figure an event carries: heartbeats of agents that measure over a window, and
 * every health report (an older agent's, without a window, means "since its previous report"), but
 * for one that measured nothing yet.
 */
function cpuReading(e: Event): { permille: number; windowS: number } | undefined {
  if (e.body === 'heartbeat') return e.heartbeat.cpuWindowS ? { permille: e.heartbeat.cpuPermille ?? 0, windowS: e.heartbeat.cpuWindowS } : undefined;
  if (e.body === 'health') {
    const permille = e.health.cpuPermille ?? 0;
    const windowS = e.health.cpuWindowS ?? 0;
    // No window and no CPU: an agent that has measured nothing yet (its first report, at start);
    // the figure comes with its next heartbeat rather than as an "older agent" 0%.
    return windowS === 0 && permille === 0 ? undefined : { permille, windowS };
  }
  return undefined;
}

function observationId(o: Observation): string {
  const hash = o.valueHash && o.valueHash.length > 0 ? Buffer.from(o.valueHash).toString('base64') : '';
  return `${o.kind ?? 0}|${hash}|${o.value ?? ''}|${o.via ?? ''}`;
}

function applyEvent(w: StoreWriter, deviceId: string, e: Event, receivedAtMs: number, hooks: BatchHooks, pending: Pending, skew: number): void {
  const at = collectorTime(e.observedAtMs || receivedAtMs, skew, receivedAtMs);
  switch (e.body) {
    case 'finding': {
      const f = e.finding;
      const record: FindingRecord = {
        deviceId, detector: f.detector ?? '', key: f.key ?? '',
        category: nameOf(Category, f.category), severity: nameOf(Severity, f.severity),
        confidence: f.confidence ?? 0, title: f.title ?? '', catalogEntry: f.catalogEntry ?? '',
        sanctioned: (f.sanctioned ?? false) || (hooks.sanctioned?.has(f.catalogEntry ?? '') ?? false) || (hooks.sanctioned?.has(f.key ?? '') ?? false),
        evidence: (f.evidence ?? []).map((ev) => ({
          field: ev.field ?? '', value: ev.value ?? '',
          ...(ev.catalogEntry ? { catalogEntry: ev.catalogEntry } : {}),
          ...(ev.matched ? { matched: ev.matched } : {}),
        })),
        firstSeenMs: f.firstSeenMs ? collectorTime(f.firstSeenMs, skew, receivedAtMs) : at,
        lastSeenMs: at,
      };
      w.upsertFinding(record);
      return;
    }
    case 'findingCleared':
      w.clearFinding(deviceId, e.findingCleared.detector ?? '', e.findingCleared.key ?? '', at);
      return;
    case 'inventoryChange': {
      const item = e.inventoryChange.item;
      const key = item ? inventoryKey(item) : undefined;
      if (!item || !key) return;
      if (e.inventoryChange.op === InventoryOp.INVENTORY_OP_REMOVED) {
        w.removeInventory(deviceId, key.kind, key.itemKey, at);
      } else {
        const body = pb.InventoryItem.encode(item).finish();
        w.upsertInventory({ deviceId, ...key, body, seenAtMs: receivedAtMs });
        hooks.onInventory?.(deviceId, item);
      }
      return;
    }
    case 'inventoryComplete': {
      // Items of these kinds not refreshed by this full inventory are gone. The inventory's items
      // were received at or after the first event of this full inventory; a small margin covers
      // an inventory split over several batches received in the same second.
      const kinds = (e.inventoryComplete.kinds ?? []).map((k) => INVENTORY_KIND_NAME[k]).filter((k): k is string => !!k);
      w.retireInventory(deviceId, kinds, receivedAtMs - 60_000, receivedAtMs);
      return;
    }
    case 'health':
      // Health is state, not history: the batch's last report is the one that counts (every
      // report stays in the events table).
      pending.health = e;
      return;
    case 'stopped':
      w.setStopped(deviceId, at, nameOf(StopReason, e.stopped.reason));
      return;
    case 'observation': {
      const id = observationId(e.observation);
      const seen = pending.get(id);
      if (!seen || seen.atMs < at) pending.set(id, { o: e.observation, atMs: at });
      return;
    }
    default:
      // Heartbeats and event kinds this collector does not know yet are kept in the
      // events table as they came.
      return;
  }
}

export function applyBatch(store: Store, deviceId: string, lastStored: number, fresh: readonly Event[], replayed: number, receivedAtMs: number,
  hooks: BatchHooks = {}, clockSkewMs = 0): BatchResult {
  return store.write((w) => applyBatchIn(w, deviceId, lastStored, fresh, replayed, receivedAtMs, hooks, clockSkewMs));
}

/**
 * The same, inside a transaction the caller holds (group commit puts several batches in one).
 * `clockSkewMs`: how far the agent's clock is ahead of the collector's (from its Hello); the
 * events table keeps each event's bytes as sent, with its time on the collector's clock.
 */
export function applyBatchIn(w: StoreWriter, deviceId: string, lastStored: number, fresh: readonly Event[], replayed: number,
  receivedAtMs: number, hooks: BatchHooks = {}, clockSkewMs = 0): BatchResult {
  {
    let relevant = false;
    const pending: Pending = new Map();
    let stored = 0;
    let duplicates = replayed;
    let lastSequence = lastStored;
    const hours = new Set<number>();
    const activeHours = new Set<number>();
    // The batch's latest CPU figure, from a heartbeat or a health report.
    let cpu: { permille: number; windowS: number; atMs: number } | undefined;
    for (const e of fresh) {
      const sequence = e.sequence ?? 0;
      const observedAtMs = collectorTime(e.observedAtMs || receivedAtMs, clockSkewMs, receivedAtMs);
      const inserted = w.insertEvent({
        deviceId, sequence, kind: e.body ?? 'unknown', observedAtMs, receivedAtMs,
        body: rawEvent(e) ?? pb.Event.encode(e).finish(),
      });
      if (inserted && observedAtMs > 0) hours.add(Math.floor(observedAtMs / HOUR_MS));
      const reading = inserted ? cpuReading(e) : undefined;
      if (reading && (!cpu || observedAtMs >= cpu.atMs)) cpu = { ...reading, atMs: observedAtMs };
      const input = inserted && e.body === 'heartbeat' ? e.heartbeat.input : undefined;
      if (input) {
        w.setInputReported(deviceId, observedAtMs);
        // The hour of the last input, when it was within the hour before this heartbeat.
        const idleMs = (input.idleS ?? 0) * 1000;
        if (!input.noSession && idleMs < HOUR_MS && observedAtMs - idleMs > 0) activeHours.add(Math.floor((observedAtMs - idleMs) / HOUR_MS));
      }
      lastSequence = Math.max(lastSequence, sequence);
      if (!inserted) {
        duplicates++;
        continue;
      }
      stored++;
      if (RELEVANT.has(e.body ?? '') || e.body === 'observation') relevant = true;
      applyEvent(w, deviceId, e, receivedAtMs, hooks, pending, clockSkewMs);
    }
    // The first event of an hour makes it an hour the laptop was on: the activity rules look again.
    for (const hour of hours) if (w.markOnline(deviceId, hour)) relevant = true;
    for (const hour of activeHours) if (w.markActive(deviceId, hour)) relevant = true;
    if (hours.size > 0 && hooks.onHours?.(w, deviceId, hours)) relevant = true;
    for (const { o, atMs } of pending.values()) hooks.onObservation?.(w, deviceId, o, atMs);
    if (hooks.afterObservations?.(w, deviceId)) relevant = true;
    if (pending.health) applyHealth(w, deviceId, pending.health, receivedAtMs, clockSkewMs);
    if (cpu) w.setCpu(deviceId, cpu.permille, cpu.windowS, cpu.atMs);
    w.advanceDevice(deviceId, lastSequence, receivedAtMs);
    return { stored, replayed: duplicates, lastSequence, relevant };
  }
}
