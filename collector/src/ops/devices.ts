// What IT does, for the CLI and the API alike: register laptops (one, or a CSV export), issue
// one-time enrollment tokens, and list devices with their registration.
import type { Store } from '../store/store.js';
import type { DeviceRow } from '../store/records.js';
import type { RegistrationRow, TokenRow } from '../store/fleet-records.js';
import { auditTarget } from '../store/audit-target.js';
import { checkRegistration, type RawRegistration } from '../enroll/registration.js';
import { readRegistrationsCsv } from '../enroll/csv-import.js';
import { DEFAULT_TOKEN_TTL_MS, Enrollment } from '../enroll/enrollment.js';
import { streetHasher } from '../enroll/street-address.js';

/** The key street lines are hashed with (enroll/street-address.ts), kept in the collector's state folder. */
export const SHIP_TO_KEY = 'ship-to';

export interface Registered {
  registration: RegistrationRow;
  token: string;
  tokenExpiresMs: number;
}

export function registerDevice(store: Store, raw: RawRegistration, actor: string, ttlMs = DEFAULT_TOKEN_TTL_MS, nowMs = Date.now()): Registered {
  const input = checkRegistration(raw, raw.street ? streetHasher(store.stateKey(SHIP_TO_KEY)) : undefined);
  const registration = store.registry.register(input, actor, nowMs);
  store.alerts.audit(actor, 'device.register', auditTarget.device(registration.deviceId), `serial ${input.serial}, ${input.assigneeName} <${input.assigneeEmail}>, ${input.shipTo}${input.demo ? ', demo' : ''}`, nowMs);
  const { token, expiresMs } = Enrollment.issueToken(store, registration.deviceId, ttlMs, actor, nowMs);
  return { registration, token, tokenExpiresMs: expiresMs };
}

export interface ImportOutcome {
  registered: Registered[];
  /** The first problems, by line (at most MAX_LISTED_PROBLEMS, then "... and N more"). */
  errors: string[];
  /** How many problems there are in all. */
  problemCount: number;
}

/** The problems an import lists; the others are counted, so a file of bad rows gets a short answer. */
export const MAX_LISTED_PROBLEMS = 20;

function listed(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_LISTED_PROBLEMS), `... and ${problems.length - MAX_LISTED_PROBLEMS} more problem(s)`];
}

/** All rows or none: when any row is wrong (or its serial is taken), nothing is stored. */
export function importDevices(store: Store, csv: string, actor: string, ttlMs = DEFAULT_TOKEN_TTL_MS, nowMs = Date.now()): ImportOutcome {
  let key: Buffer | undefined;
  const parsed = readRegistrationsCsv(csv, (serial) => store.registry.registrationBySerial(serial)?.deviceId,
    (city, address) => streetHasher((key ??= store.stateKey(SHIP_TO_KEY)))(city, address));
  const errors = parsed.errors;
  if (errors.length > 0) return { registered: [], errors: listed(errors), problemCount: errors.length };
  if (parsed.rows.length === 0) return { registered: [], errors: ['the file has a header but no laptops'], problemCount: 1 };
  const registered = store.write(() => parsed.rows.map((row) => {
    const registration = store.registry.register(row.registration, actor, nowMs);
    const { token, expiresMs } = Enrollment.issueToken(store, registration.deviceId, ttlMs, actor, nowMs);
    return { registration, token, tokenExpiresMs: expiresMs };
  }));
  const serials = registered.map((r) => r.registration.serial);
  const more = serials.length > 50 ? `, ... and ${serials.length - 50} more` : '';
  const demo = registered.filter((r) => r.registration.demo).length;
  store.alerts.audit(actor, 'device.import', auditTarget.import(registered.length), (demo > 0 ? `${demo} demo: ` : '') + serials.slice(0, 50).join(', ') + more, nowMs);
  return { registered, errors: [], problemCount: 0 };
}

/** Enrollment tokens (never the secrets), newest first, with their state: valid, used, revoked (a newer one replaced it) or expired. */
export function enrollmentTokens(store: Store, nowMs = Date.now()): (TokenRow & { state: 'valid' | 'used' | 'revoked' | 'expired' })[] {
  return store.registry.listTokens().map((t) => ({
    ...t, state: t.usedMs !== null ? 'used' : t.revokedMs !== null ? 'revoked' : t.expiresMs <= nowMs ? 'expired' : 'valid',
  }));
}

export interface DeviceView {
  id: string;
  registration: RegistrationRow | null;
  device: DeviceRow | null;
  state: 'registered' | 'enrolled' | 'reporting' | 'stopped' | 'revoked' | 'unregistered';
  /** A simulated laptop of the demo fleet (`npm run demo`), removed by `devices purge-demo`. */
  demo: boolean;
}

function stateOf(r: RegistrationRow | undefined, d: DeviceRow | undefined, nowMs: number): DeviceView['state'] {
  if (r?.revokedMs) return 'revoked';
  if (!d) return r ? 'registered' : 'unregistered';
  if (d.stoppedAtMs !== null) return 'stopped';
  if (d.lastSequence === 0) return 'enrolled';
  return nowMs - d.lastSeenMs < 86_400_000 ? 'reporting' : 'enrolled';
}

export function deviceViews(store: Store, nowMs = Date.now()): DeviceView[] {
  const devices = new Map(store.listDevices().map((d) => [d.id, d]));
  const out: DeviceView[] = [];
  for (const r of store.registry.listRegistrations()) {
    const d = devices.get(r.deviceId);
    devices.delete(r.deviceId);
    out.push({ id: r.deviceId, registration: r, device: d ?? null, state: stateOf(r, d, nowMs), demo: r.demo ?? false });
  }
  for (const d of devices.values()) out.push({ id: d.id, registration: null, device: d, state: stateOf(undefined, d, nowMs), demo: false });
  return out;
}

/** A device by id, serial or hostname; throws with the candidates when the name is ambiguous. */
export function findDevice(store: Store, wanted: string, nowMs = Date.now()): DeviceView {
  // By id first: one lookup, not a scan of the fleet.
  const reg = store.registry.registration(wanted);
  const dev = store.device(wanted);
  if (reg || dev) return { id: wanted, registration: reg ?? null, device: dev ?? null, state: stateOf(reg, dev, nowMs), demo: reg?.demo ?? false };
  const all = deviceViews(store, nowMs);
  const w = wanted.toLowerCase();
  const matches = all.filter((v) => v.id === wanted || v.registration?.serial.toLowerCase() === w || v.device?.hostname.toLowerCase() === w);
  if (matches.length === 0) throw new Error(`no device has the id, serial or hostname "${wanted}"`);
  if (matches.length > 1) throw new Error(`${matches.length} devices match "${wanted}": use the id (${matches.map((m) => m.id).join(', ')})`);
  return matches[0] as DeviceView;
}
