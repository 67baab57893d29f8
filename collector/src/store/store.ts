// The storage interface the domain code talks to. SQLite is the embedded implementation; the SQL
// behind it stays portable so a PostgreSQL implementation can sit behind the same interface.
import type {
  AlertRecord, AlertRow, AlertStatus, DeviceRow, EventRecord, FindingRecord, FindingRow, HelloRecord,
  InventoryRecord, InventoryRow, SensorStateRecord, SensorStateRow,
} from './records.js';

/** Writes that happen together: one transaction, committed when `Store.write`'s callback returns. */
export interface StoreWriter {
  /** False when (device, sequence) is already stored: a replay. */
  insertEvent(e: EventRecord): boolean;
  advanceDevice(deviceId: string, lastSequence: number, lastSeenMs: number): void;
  /** True when the finding became active: new, or back after it had cleared. */
  upsertFinding(f: FindingRecord): boolean;
  clearFinding(deviceId: string, detector: string, key: string, atMs: number): void;
  upsertInventory(item: InventoryRecord): void;
  removeInventory(deviceId: string, kind: string, itemKey: string, atMs: number): void;
  /** Items of `kinds` not seen since `sinceMs` are gone (a full inventory did not list them). */
  retireInventory(deviceId: string, kinds: string[], sinceMs: number, atMs: number): number;
  upsertSensorState(s: SensorStateRecord): void;
  setHealth(deviceId: string, cpuPermille: number, rssBytes: number, spoolDepth: number): void;
  setStopped(deviceId: string, atMs: number, reason: string): void;
  /**
   * Opens an alert for (device, rule, key), or updates the one there is: a new occurrence counts
   * (and reopens a resolved alert), an update of an ongoing one only refreshes it.
   */
  raiseAlert(a: AlertRecord): number;
}

export interface AlertQuery {
  status?: AlertStatus;
  limit?: number;
}

export interface Store {
  /** Records a Hello: creates the device on first contact, refreshes what it says about itself. */
  recordHello(hello: HelloRecord, nowMs: number): DeviceRow;
  device(id: string): DeviceRow | undefined;
  hasInventory(deviceId: string): boolean;
  write<T>(fn: (w: StoreWriter) => T): T;
  listDevices(): DeviceRow[];
  listAlerts(q?: AlertQuery): AlertRow[];
  alert(id: number): AlertRow | undefined;
  findings(deviceId: string): FindingRow[];
  /** Inventory items present now (not removed). */
  inventory(deviceId: string): InventoryRow[];
  sensorStates(deviceId: string): SensorStateRow[];
  close(): void;
}
