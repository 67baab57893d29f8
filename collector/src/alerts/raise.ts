// Raising an alert through the store, with suppressions applied: a suppressed alert is still
// recorded (and counted) but marked, so it stays out of lists and exports until it expires.
import type { AlertRecord } from '../store/records.js';
import type { AlertChange, Store, StoreWriter } from '../store/store.js';

export function raise(store: Store, w: StoreWriter, a: AlertRecord, nowMs: number): AlertChange {
  const members = a.members ?? [a.deviceId];
  const suppression = store.alerts.suppressionFor(a.rule, members, nowMs);
  return w.raiseAlert({ ...a, suppressedBy: suppression?.id ?? null });
}
