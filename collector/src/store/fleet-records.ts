// Rows of the enrollment, fleet and alert-lifecycle tables: plain objects, times in epoch ms.

export interface RegistrationInput {
  serial: string;
  assigneeName: string;
  assigneeEmail: string;
  shipTo: string;
  shipCountry: string;
  shipLat: number | null;
  shipLon: number | null;
  timeZone: string;
  /** A simulated laptop of the demo fleet (`npm run demo`), removed by `devices purge-demo`. */
  demo?: boolean;
  /** Keyed hashes of the normalized street line shipped to, with its unit and of the building ('' or absent: none given; enroll/street-address.ts). */
  shipStreetHash?: string;
  shipBuildingHash?: string;
}

export interface RegistrationRow extends RegistrationInput {
  deviceId: string;
  registeredMs: number;
  registeredBy: string;
  enrolledMs: number | null;
  revokedMs: number | null;
}

export interface TokenRow {
  deviceId: string;
  serial: string;
  createdMs: number;
  expiresMs: number;
  createdBy: string;
  usedMs: number | null;
  /** When a newer token for the laptop revoked this one (unused). */
  revokedMs: number | null;
}

export interface CertificateRow {
  serial: string;
  deviceId: string;
  fingerprint: string;
  issuedMs: number;
  notAfterMs: number;
  revokedMs: number | null;
  revokeReason: string | null;
  issuedBy: 'enrollment' | 'renewal';
  /** When it stops (or stopped) being accepted because a newer certificate replaced it, and that one's serial. */
  retiredMs: number | null;
  retiredBy: string | null;
}

export interface ObservationRecord {
  deviceId: string;
  kind: string;
  valueKey: string;
  value: string;
  via: string;
  atMs: number;
}

export interface ObservationRow {
  deviceId: string;
  kind: string;
  valueKey: string;
  value: string;
  via: string;
  firstSeenMs: number;
  lastSeenMs: number;
  count: number;
}

export interface EdgeRecord {
  deviceA: string;
  deviceB: string;
  kind: string;
  valueKey: string;
  value: string;
  firstMs: number;
  lastMs: number;
}

export interface ExclusionRow {
  id: number;
  kind: string;
  value: string;
  reason: string;
  createdMs: number;
  createdBy: string;
}

export interface SuppressionRow {
  id: number;
  rule: string;
  deviceId: string;
  reason: string;
  createdBy: string;
  createdMs: number;
  expiresMs: number;
}

export interface NoteRow {
  id: number;
  alertId: number;
  author: string;
  text: string;
  atMs: number;
}

export interface AuditRow {
  id: number;
  atMs: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

export type Role = 'admin' | 'analyst' | 'it';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'it'];

export interface ApiTokenRow {
  id: number;
  name: string;
  role: Role;
  createdMs: number;
  lastUsedMs: number | null;
  revokedMs: number | null;
}
