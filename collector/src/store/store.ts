// The storage interface the domain code talks to. SQLite is the embedded implementation; the SQL
// behind it stays portable so a PostgreSQL implementation can sit behind the same interface.
import type {
  AlertDetailRow, AlertRecord, AlertRow, AlertStatus, DeviceRow, EventRecord, FindingRecord, FindingRow, HelloRecord,
  InventoryRecord, InventoryRow, SensorStateRecord, SensorStateRow,
} from './records.js';
import type {
  ApiTokenRow, AuditRow, CertificateRow, EdgeRecord, ExclusionRow, NoteRow, ObservationRecord, ObservationRow,
  RegistrationInput, RegistrationRow, Role, SuppressionRow, TokenRow,
} from './fleet-records.js';
import type { PeopleStore } from '../auth/people-store.js';
import type { AuditTarget } from './audit-target.js';
import type { PurgeCounts } from './sqlite/purge.js';
import type { SiteStore } from '../sites/records.js';
import type { PlaceStore } from './place-store.js';

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
  setHealth(deviceId: string, rssBytes: number, spoolDepth: number): void;
  /** The agent's latest CPU figure: per mille of one core over windowS seconds, measured at atMs. */
  setCpu(deviceId: string, permille: number, windowS: number, atMs: number): void;
  setStopped(deviceId: string, atMs: number, reason: string): void;
  /** Records an observation; returns its first time seen on this device (to tell new from repeated). */
  upsertObservation(o: ObservationRecord): { firstSeenMs: number; isNew: boolean };
  upsertEdge(e: EdgeRecord): void;
  /** Records that the device was on during this hour (hours since the epoch); true when the hour is new. */
  markOnline(deviceId: string, hour: number): boolean;
  /** Records keyboard or mouse input in this hour; true when the hour was not yet known as in use. */
  markActive(deviceId: string, hour: number): boolean;
  /** The agent reported whether the laptop is in use (it can read input idle time). */
  setInputReported(deviceId: string, atMs: number): void;
  /**
   * Opens an alert for (device, rule, key), or updates the one there is: a new occurrence counts
   * (and reopens a resolved alert; with new evidence, also a false positive), an update of an
   * ongoing one only refreshes it.
   */
  raiseAlert(a: AlertRecord): AlertChange;
}

export interface AlertChange {
  id: number;
  /**
   * new: first time; reopened: came back after it was resolved; escalated: severity went up; grew:
   * new members (a cluster), or a finding the laptop's case never carried.
   */
  change: 'new' | 'reopened' | 'escalated' | 'grew' | 'updated';
}

export interface AlertQuery {
  status?: AlertStatus;
  /** Any of these statuses (with `status`, both apply). */
  statuses?: AlertStatus[];
  severity?: string;
  rule?: string;
  deviceId?: string;
  scope?: 'device' | 'cluster';
  /** Alerts updated after this time. */
  sinceMs?: number;
  /** Words in the title, rule, or a laptop's id, hostname, serial or assignee (case-insensitive). */
  text?: string;
  /** severity: most severe first; score: highest first; recent: last changed first; age: oldest first. */
  sort?: 'severity' | 'recent' | 'score' | 'age';
  /** Reverses the sort order. */
  reverse?: boolean;
  limit?: number;
  offset?: number;
  includeSuppressed?: boolean;
}

export interface TokenUse {
  deviceId: string;
  expiresMs: number;
  usedMs: number | null;
  revokedMs: number | null;
  revokeReason: string | null;
}

export interface EnrollRecord {
  tokenHash: string;
  deviceId: string;
  hello: HelloRecord;
  certificate: { serial: string; fingerprint: string; notAfterMs: number };
  retireOthersAtMs?: number;
}

/** IT's side: registrations, one-time tokens, certificates, revocation. */
export interface RegistryStore {
  register(r: RegistrationInput, actor: string, nowMs: number): RegistrationRow;
  registration(deviceId: string): RegistrationRow | undefined;
  registrationBySerial(serial: string): RegistrationRow | undefined;
  listRegistrations(): RegistrationRow[];
  createToken(deviceId: string, tokenHash: string, expiresMs: number, actor: string, nowMs: number): void;
  /** Revokes the device's tokens that are neither used, expired nor revoked; returns how many. */
  revokeTokens(deviceId: string, reason: string, nowMs: number): number;
  token(tokenHash: string): TokenUse | undefined;
  listTokens(): TokenRow[];
  /**
   * Consumes the token, creates or refreshes the device row, records the certificate and retires
   * the device's earlier live certificates at `e.retireOthersAtMs` (now when left out): one transaction.
   */
  enroll(e: EnrollRecord, nowMs: number): DeviceRow;
  /**
   * Records one more certificate for an enrolled device (renewal) and retires the device's other
   * live certificates at `retireOthersAtMs`: one transaction. Returns the retired serials.
   */
  recordRenewal(deviceId: string, certificate: EnrollRecord['certificate'], nowMs: number, retireOthersAtMs: number): string[];
  /** When the device's certificates issued by renewal since `sinceMs` were issued, oldest first. */
  renewalsSince(deviceId: string, sinceMs: number): number[];
  /** Certificates whose retirement time falls in (fromMs, toMs] and that are not revoked (to end live streams). */
  retiredBetween(fromMs: number, toMs: number): string[];
  certificate(serial: string): CertificateRow | undefined;
  certificates(deviceId: string): CertificateRow[];
  /** Revokes every live certificate of the device; returns their serials. */
  revokeDevice(deviceId: string, reason: string, nowMs: number): string[];
  /** Serials revoked after `sinceMs` (to end live streams). */
  revokedSince(sinceMs: number): { serial: string; revokedMs: number }[];
  deviceByMachine(machineId: string): DeviceRow | undefined;
  /** Devices registered as part of the demo fleet (`npm run demo`). */
  demoDeviceIds(): string[];
}

/** The co-location graph's raw material and the admin's exclusions. */
export interface FleetStore {
  observationsSince(sinceMs: number): Iterable<ObservationRow>;
  observations(deviceId: string): ObservationRow[];
  edgesOf(deviceIds: string[]): EdgeRecord[];
  edgesSince(sinceMs: number): Iterable<EdgeRecord>;
  exclusions(): ExclusionRow[];
  addExclusion(kind: string, value: string, reason: string, actor: string, nowMs: number): ExclusionRow;
  removeExclusion(id: number): boolean;
  setting(key: string): Buffer | undefined;
  setSetting(key: string, value: Buffer): void;
  /** Stores `value` unless the key exists; returns what is stored (first writer wins). */
  settingOnce(key: string, value: Buffer): Buffer;
  /** Network interfaces in the inventory now (their MACs link laptops seen on each other's LAN). */
  networkInterfaces(): Iterable<{ deviceId: string; body: Uint8Array }>;
  setPublicIp(deviceId: string, ip: string): void;
  setRtt(deviceId: string, rttMs: number): void;
  /** The hours (since the epoch) from `sinceHour` on in which the device was on, ascending. */
  onlineHours(deviceId: string, sinceHour: number): number[];
  /** The same, of the hours with keyboard or mouse input. */
  activeHours(deviceId: string, sinceHour: number): number[];
  /** When the agent last said whether the laptop is in use; null when it never could. */
  inputReportedMs(deviceId: string): number | null;
}

/** Analysts' side: alert lifecycle, notes, suppressions, audit, API tokens. */
export interface AlertStore {
  detail(id: number): AlertDetailRow | undefined;
  /** The alert of (device, rule, key), the deduplication key. */
  find(deviceId: string, rule: string, key: string): AlertRow | undefined;
  setStatus(id: number, status: AlertStatus, nowMs: number): void;
  setAssignee(id: number, assignee: string, nowMs: number): void;
  addNote(alertId: number, author: string, text: string, nowMs: number): NoteRow;
  notes(alertId: number): NoteRow[];
  /** The alerts of `rule` that any of these devices is a member of, each once, with their members (not their details). */
  alertsOfMembers(deviceIds: readonly string[], rule: string): (AlertRow & { members: string[] })[];
  /** The stored details of an alert as written (JSON text): compared without parsing. */
  detailsText(id: number): string | undefined;
  suppressions(nowMs: number): SuppressionRow[];
  addSuppression(rule: string, deviceId: string, reason: string, actor: string, expiresMs: number, nowMs: number): SuppressionRow;
  removeSuppression(id: number): boolean;
  suppressionFor(rule: string, deviceIds: string[], nowMs: number): SuppressionRow | undefined;
  /** Records who did what to which thing; the target comes from `auditTarget` (audit-target.ts). */
  audit(actor: string, action: string, target: AuditTarget, detail: string, nowMs: number): void;
  auditLog(limit: number, offset: number): AuditRow[];
  createApiToken(name: string, role: Role, tokenHash: string, nowMs: number): ApiTokenRow;
  apiToken(tokenHash: string): ApiTokenRow | undefined;
  apiTokenById(id: number): ApiTokenRow | undefined;
  touchApiToken(id: number, nowMs: number): void;
  listApiTokens(): ApiTokenRow[];
  revokeApiToken(id: number, nowMs: number): boolean;
}

export interface AlertCount {
  severity: string;
  status: AlertStatus;
  scope: 'device' | 'cluster';
  n: number;
}

export interface TrendBucket {
  startMs: number;
  severity: string;
  n: number;
}

/** Read models for the web console. */
export interface ViewStore {
  /** Alerts (not suppressed) by severity, status and scope. */
  alertCounts(): AlertCount[];
  /** Alerts (not suppressed) first seen since `sinceMs`, by time bucket and severity. */
  alertTrend(sinceMs: number, bucketMs: number): TrendBucket[];
  /** A device's events that change something (findings, inventory, stops, drops), newest first, before a sequence. */
  changeEvents(deviceId: string, beforeSequence: number, limit: number): EventRecord[];
  /** How many laptops each (cluster) alert names. */
  memberCounts(alertIds: number[]): Map<number, number>;
  /** Which of these alerts name a demo laptop (`npm run demo`). */
  demoAlerts(alertIds: number[]): Set<number>;
  /** Audit records about any of these typed targets (`auditTarget.alert(1)`, `.device(id)`, ...), newest first. */
  auditFor(targets: AuditTarget[], limit: number): AuditRow[];
}

export interface Store {
  /** Refreshes the device row of an enrolled device with what its Hello says. */
  recordHello(deviceId: string, hello: HelloRecord, nowMs: number): DeviceRow;
  device(id: string): DeviceRow | undefined;
  hasInventory(deviceId: string): boolean;
  write<T>(fn: (w: StoreWriter) => T): T;
  listDevices(): DeviceRow[];
  listAlerts(q?: AlertQuery): AlertRow[];
  countAlerts(q?: AlertQuery): number;
  alert(id: number): AlertRow | undefined;
  findings(deviceId: string): FindingRow[];
  /** Inventory items present now (not removed). */
  inventory(deviceId: string): InventoryRow[];
  sensorStates(deviceId: string): SensorStateRow[];
  /** Deletes events, observations and edges older than `beforeMs`; returns rows deleted per table. */
  prune(beforeMs: number): Record<string, number>;
  /**
   * Deletes these devices and everything that hangs off them, in one transaction; cluster alerts
   * that also name other laptops stay without them, with `note`. Returns rows deleted per table.
   */
  purgeDevices(ids: readonly string[], note: string, nowMs: number): PurgeCounts;
  readonly registry: RegistryStore;
  readonly fleet: FleetStore;
  readonly alerts: AlertStore;
  /** People who log in to the web console, and their sessions. */
  readonly people: PeopleStore;
  readonly views: ViewStore;
  /** Company sites: egress ranges and the equipment learned there (src/sites). */
  readonly sites: SiteStore;
  /** Where laptops were hour by hour, and the shipped-to hashes of registrations. */
  readonly places: PlaceStore;
  /** A secret key of this collector kept in its state folder (made on first use), e.g. 'ship-to'. */
  stateKey(name: string): Buffer;
  close(): void;
}
