// Checks on everything an agent sends, before anything is stored. A violation is a ProtocolViolation
// whose message says what was wrong and where; the stream ends with INVALID_ARGUMENT and nothing
// of the offending batch is stored.
import { MAX_EVENTS_PER_BATCH, ObservationKind, Severity, Category, type Event, type Hello } from '@farmwatch/proto';

export class ProtocolViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolViolation';
  }
}

export const LIMITS = {
  idChars: 128,
  textChars: 1024,
  evidencePerFinding: 64,
  sensorsPerHealth: 64,
  addressesPerInterface: 64,
  interfacesPerUsbDevice: 32,
  edidBytes: 32 * 128,
  observationHashBytes: 16,
} as const;

function text(value: string | null | undefined, field: string, max: number = LIMITS.textChars): string {
  const v = value ?? '';
  if (v.length > max) throw new ProtocolViolation(`${field} is ${v.length} characters long; at most ${max} are accepted`);
  return v;
}

function required(value: string | null | undefined, field: string, max: number = LIMITS.idChars): string {
  const v = text(value, field, max);
  if (v.length === 0) throw new ProtocolViolation(`${field} is empty`);
  return v;
}

/** The largest time a Date holds (year 275760): a timestamp beyond it, or not a whole number, is no time at all. */
const MAX_TIME_MS = 8.64e15;

function time(value: number | null | undefined, field: string, required: boolean): void {
  const v = value ?? 0;
  if (v === 0) {
    if (required) throw new ProtocolViolation(`${field} is missing`);
    return;
  }
  if (!Number.isSafeInteger(v) || v < 0 || v > MAX_TIME_MS) {
    throw new ProtocolViolation(`${field} is ${v}, which is no time: milliseconds since 1970 are expected (at most ${MAX_TIME_MS})`);
  }
}

function enumValue(value: number | null | undefined, values: object, field: string): void {
  if (value != null && !Object.values(values).includes(value)) {
    throw new ProtocolViolation(`${field} has the unknown value ${value}`);
  }
}

export function validateHello(h: Hello): void {
  required(h.machineId, 'hello.machine_id');
  text(h.hostname, 'hello.hostname', 255);
  text(h.hardwareSerial, 'hello.hardware_serial', LIMITS.idChars);
  text(h.agentVersion, 'hello.agent_version', 64);
  text(h.catalogVersion, 'hello.catalog_version', 64);
  text(h.bootId, 'hello.boot_id', LIMITS.idChars);
  text(h.timeZone, 'hello.time_zone', 64);
  text(h.os?.name, 'hello.os.name', 255);
  text(h.os?.version, 'hello.os.version', 64);
  time(h.clockMs, 'hello.clock_ms', false);
  time(h.bootTimeMs, 'hello.boot_time_ms', false);
}

function validateEventBody(e: Event, where: string): void {
  switch (e.body) {
    case 'finding': {
      const f = e.finding;
      required(f.detector, `${where}.finding.detector`);
      required(f.key, `${where}.finding.key`, 512);
      text(f.title, `${where}.finding.title`);
      text(f.catalogEntry, `${where}.finding.catalog_entry`, LIMITS.idChars);
      enumValue(f.severity, Severity, `${where}.finding.severity`);
      enumValue(f.category, Category, `${where}.finding.category`);
      if ((f.confidence ?? 0) > 100) throw new ProtocolViolation(`${where}.finding.confidence is ${f.confidence}; it is a percentage (0..100)`);
      time(f.firstSeenMs, `${where}.finding.first_seen_ms`, false);
      const evidence = f.evidence ?? [];
      if (evidence.length > LIMITS.evidencePerFinding) {
        throw new ProtocolViolation(`${where}.finding has ${evidence.length} evidence items; at most ${LIMITS.evidencePerFinding}`);
      }
      evidence.forEach((ev, i) => {
        required(ev.field, `${where}.finding.evidence[${i}].field`);
        text(ev.value, `${where}.finding.evidence[${i}].value`);
        text(ev.catalogEntry, `${where}.finding.evidence[${i}].catalog_entry`, LIMITS.idChars);
        text(ev.matched, `${where}.finding.evidence[${i}].matched`);
      });
      break;
    }
    case 'findingCleared':
      required(e.findingCleared.detector, `${where}.finding_cleared.detector`);
      required(e.findingCleared.key, `${where}.finding_cleared.key`, 512);
      break;
    case 'inventoryChange': {
      const item = e.inventoryChange.item;
      if (!item?.item) throw new ProtocolViolation(`${where}.inventory_change has no item`);
      if (item.display?.edid && item.display.edid.length > LIMITS.edidBytes) {
        throw new ProtocolViolation(`${where}.inventory_change.display.edid is ${item.display.edid.length} bytes; at most ${LIMITS.edidBytes}`);
      }
      if ((item.usbDevice?.interfaces?.length ?? 0) > LIMITS.interfacesPerUsbDevice) {
        throw new ProtocolViolation(`${where}.inventory_change.usb_device has too many interfaces`);
      }
      if ((item.networkInterface?.addresses?.length ?? 0) > LIMITS.addressesPerInterface) {
        throw new ProtocolViolation(`${where}.inventory_change.network_interface has too many addresses`);
      }
      break;
    }
    case 'health':
      if ((e.health.sensors?.length ?? 0) > LIMITS.sensorsPerHealth) throw new ProtocolViolation(`${where}.health lists too many sensors`);
      for (const s of e.health.sensors ?? []) {
        required(s.sensor, `${where}.health.sensors.sensor`);
        text(s.reason, `${where}.health.sensors.reason`);
        time(s.lastRunMs, `${where}.health.sensors.last_run_ms`, false);
      }
      break;
    case 'stopped':
      text(e.stopped.detail, `${where}.stopped.detail`);
      break;
    case 'observation': {
      const o = e.observation;
      enumValue(o.kind, ObservationKind, `${where}.observation.kind`);
      if (!o.kind) throw new ProtocolViolation(`${where}.observation.kind is missing`);
      const hashBytes = o.valueHash?.length ?? 0;
      if (hashBytes !== 0 && hashBytes !== LIMITS.observationHashBytes) {
        throw new ProtocolViolation(`${where}.observation.value_hash is ${hashBytes} bytes; keyed hashes are the first ${LIMITS.observationHashBytes} bytes of HMAC-SHA-256`);
      }
      text(o.value, `${where}.observation.value`, 256);
      text(o.via, `${where}.observation.via`, 64);
      if (hashBytes === 0 && !(o.value ?? '').trim()) throw new ProtocolViolation(`${where}.observation has neither value_hash nor value`);
      break;
    }
    default:
      break;
  }
}

/**
 * Checks a batch: size, strictly increasing sequences, times that are times, bounded fields.
 * Returns the events that are new (sequence above what is stored); older ones are replays, stored
 * already. A time far from the collector's clock is not refused: a laptop's clock may be off by
 * hours or days (apply-batch puts its times on the collector's clock), and refusing its batches
 * would stall that agent for good.
 */
export function validateBatch(events: readonly Event[], lastStored: number, _nowMs?: number): { fresh: Event[]; replayed: number } {
  if (events.length === 0) throw new ProtocolViolation('the batch has no events');
  if (events.length > MAX_EVENTS_PER_BATCH) {
    throw new ProtocolViolation(`the batch has ${events.length} events; at most ${MAX_EVENTS_PER_BATCH} are accepted per batch`);
  }
  let previous = 0;
  const fresh: Event[] = [];
  events.forEach((e, i) => {
    const where = `events[${i}]`;
    const seq = e.sequence ?? 0;
    if (!Number.isSafeInteger(seq) || seq <= 0) throw new ProtocolViolation(`${where}.sequence is ${seq}; sequences start at 1`);
    if (seq <= previous) {
      throw new ProtocolViolation(`${where}.sequence ${seq} does not follow ${previous}: sequences must increase within a batch`);
    }
    previous = seq;
    const at = e.observedAtMs ?? 0;
    time(at, `${where}.observed_at_ms`, true);
    validateEventBody(e, where);
    if (seq > lastStored) fresh.push(e);
  });
  return { fresh, replayed: events.length - fresh.length };
}
