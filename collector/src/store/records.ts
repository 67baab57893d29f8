// Rows as the domain code sees them: plain objects, times in epoch milliseconds.

export interface DeviceRow {
  id: string;
  machineId: string;
  hostname: string;
  hardwareSerial: string;
  osPlatform: string;
  osName: string;
  osVersion: string;
  agentVersion: string;
  catalogVersion: string;
  timeZone: string;
  clockSkewMs: number;
  lastPeer: string;
  firstSeenMs: number;
  lastSeenMs: number;
  lastSequence: number;
  publicIp: string;
  rttMs: number | null;
  /** The agent's CPU, per mille of one core, over cpuWindowS seconds (0: since its previous report) up to cpuAtMs. */
  cpuPermille: number | null;
  cpuWindowS: number | null;
  cpuAtMs: number | null;
  rssBytes: number | null;
  spoolDepth: number | null;
  stoppedAtMs: number | null;
  stopReason: string | null;
}

export interface HelloRecord {
  machineId: string;
  hostname: string;
  hardwareSerial: string;
  osPlatform: string;
  osName: string;
  osVersion: string;
  agentVersion: string;
  catalogVersion: string;
  bootId: string;
  timeZone: string;
  clockSkewMs: number;
  peer: string;
}

export interface EventRecord {
  deviceId: string;
  sequence: number;
  kind: string;
  observedAtMs: number;
  receivedAtMs: number;
  body: Uint8Array;
}

export interface EvidenceRecord {
  field: string;
  value: string;
  catalogEntry?: string;
  matched?: string;
}

export interface FindingRecord {
  deviceId: string;
  detector: string;
  key: string;
  category: string;
  severity: string;
  confidence: number;
  title: string;
  catalogEntry: string;
  sanctioned: boolean;
  evidence: EvidenceRecord[];
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface InventoryRecord {
  deviceId: string;
  kind: string;
  itemKey: string;
  summary: string;
  body: Uint8Array;
  seenAtMs: number;
}

export interface SensorStateRecord {
  deviceId: string;
  sensor: string;
  status: string;
  reason: string;
  lastRunMs: number;
  durationMs: number;
  items: number;
}

export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'false_positive';

export interface AlertRecord {
  deviceId: string;
  rule: string;
  key: string;
  severity: string;
  title: string;
  atMs: number;
  /** The thing alerted on appeared (again), rather than an update of what is already known. */
  newOccurrence: boolean;
  /**
   * Evidence the alert never carried (a laptop's case got a finding it never had): it also reopens
   * an alert closed as a false positive, and counts as 'grew'.
   */
  newEvidence?: boolean;
  /** 'device' (default) or 'cluster' (a fleet alert whose members are in `members`). */
  scope?: 'device' | 'cluster';
  score?: number;
  /** Explanation and evidence, stored as JSON. */
  details?: unknown;
  members?: string[];
  /** A live suppression covers it: stored, but not shown by default nor exported. */
  suppressedBy?: number | null;
}

export interface AlertRow {
  id: number;
  deviceId: string;
  hostname: string;
  rule: string;
  key: string;
  severity: string;
  title: string;
  status: AlertStatus;
  firstSeenMs: number;
  lastSeenMs: number;
  occurrences: number;
  scope: 'device' | 'cluster';
  score: number;
  assignee: string;
  updatedMs: number;
  suppressedBy: number | null;
}

export interface AlertDetailRow extends AlertRow {
  details: unknown;
  members: string[];
}

export interface FindingRow extends FindingRecord {
  clearedAtMs: number | null;
}

export interface InventoryRow {
  kind: string;
  itemKey: string;
  summary: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface SensorStateRow {
  sensor: string;
  status: string;
  reason: string;
  lastRunMs: number;
  durationMs: number;
  items: number;
}
