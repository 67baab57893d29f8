// Ingest into SQLite: the collector's batch path (frame decoding, validation, one transaction per group of
// batches, events stored once by (device, sequence), findings / inventory / observations applied,
// co-location index updated) against the raw better-sqlite3 insert rate of the same event rows,
// measured in the same run on the same kind of database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Category, InventoryOp, ObservationKind, Severity, decodeAgentMessage, encodeAgentMessage } from '../proto/dist/index.js';
import { createLogger } from '../shared/dist/index.js';
import { SqliteStore, FleetEngine, openDatabase, validateBatch } from '../collector/dist/index.js';
import { GroupCommit } from '../collector/dist/ingest/group-commit.js';
import { collectorIngestService, eventSlices } from '../collector/dist/ingest/raw-events.js';
import { fmt } from './harness.mjs';
import { Table, record } from './results.mjs';

const DEVICES = 200;
const BATCHES_PER_DEVICE = 10;
const EVENTS_PER_BATCH = 100;
const now = Date.now();

// What a laptop sends at first contact and after changes: findings, inventory, observations, health.
function firstContact(i, device) {
  switch (i % 10) {
    case 0: return { finding: { detector: 'remote_access.process', key: `tool${i % 7}`, category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_INFO,
      confidence: 80, title: 'AnyDesk is running', catalogEntry: 'anydesk', sanctioned: true, evidence: [{ field: 'process.name', value: 'AnyDesk.exe', catalogEntry: 'anydesk', matched: 'anydesk.exe' }] } };
    case 1: return { inventoryChange: { op: InventoryOp.INVENTORY_OP_PRESENT, item: { usbDevice: { vendorId: 0x046d, productId: 0xc52b + (i % 5), manufacturer: 'Logitech', product: 'USB Receiver', portPath: `1-${i % 5}` } } } };
    case 2: return { observation: { kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: Buffer.from(`bssid-${device}-${i % 3}`.padEnd(16, '.')).subarray(0, 16), via: 'wlan0' } };
    case 3: return { observation: { kind: ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, valueHash: Buffer.from(`gw-${device % 100}`.padEnd(16, '.')).subarray(0, 16), via: 'eth0' } };
    case 4: return { health: { cpuPermille: 3, rssBytes: 60_000_000, sensors: [{ sensor: 'processes', status: 1, items: 240, durationMs: 40, lastRunMs: now }] } };
    default: return { heartbeat: { uptimeMs: i * 60_000, spoolDepth: 0 } };
  }
}
// A quiet fleet: heartbeats, health, and the same gateway / BSSID observations scan after scan.
function steady(i, device) {
  if (i % 10 === 2 || i % 10 === 3) return firstContact(i, device);
  if (i % 10 === 4) return firstContact(4, device);
  return { heartbeat: { uptimeMs: i * 60_000, spoolDepth: 0 } };
}

async function measure(body) {
const dir = mkdtempSync(join(tmpdir(), 'farmwatch-bench-ingest-'));
const batches = [];
for (let b = 0; b < BATCHES_PER_DEVICE; b++) {
  for (let d = 0; d < DEVICES; d++) {
    const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => {
      const seq = b * EVENTS_PER_BATCH + i + 1;
      return { sequence: seq, observedAtMs: now, ...body(seq, d) };
    });
    // What arrives: the encoded AgentMessage frame.
    batches.push({ device: d, frame: encodeAgentMessage({ batch: { events } }) });
  }
}
const total = batches.length * EVENTS_PER_BATCH;

// --- the collector's path
const store = new SqliteStore(join(dir, 'collector.db'));
const ids = [];
for (let d = 0; d < DEVICES; d++) {
  const reg = store.registry.register({ serial: `BENCH-${d}`, assigneeName: `P ${d}`, assigneeEmail: `p${d}@example.com`, shipTo: 'Austin, Texas, US', shipCountry: 'US', shipLat: null, shipLon: null, timeZone: 'UTC' }, 'bench', now);
  store.db.prepare('INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)').run(reg.deviceId, `m${d}`, now, now);
  ids.push(reg.deviceId);
}
const fleet = new FleetEngine({ store, log: createLogger('bench', 'silent') });
const commit = new GroupCommit(store, { onObservation: (w, id, o, at) => fleet.onObservation(w, id, o, at), onInventory: (id, item) => fleet.onInventory(id, item) });
const accepted = new Array(DEVICES).fill(0);
let t = performance.now();
// Agents' batches arrive together: each turn of the event loop commits what arrived (DEVICES batches).
for (let i = 0; i < batches.length; i += DEVICES) {
  const group = batches.slice(i, i + DEVICES).map(({ device, frame }) => {
    const decoded = collectorIngestService.stream.requestDeserialize(frame);
    const events = decoded.message.batch.events;
    const { fresh, replayed } = validateBatch(events, accepted[device], now + 1000);
    const before = accepted[device];
    accepted[device] = events[events.length - 1].sequence;
    return commit.submit(ids[device], before, fresh, replayed, now);
  });
  await Promise.all(group);
}
const collectorMs = performance.now() - t;
const stored = store.db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
if (stored !== total) throw new Error(`stored ${stored} events, expected ${total}`);
store.close();

// --- baseline: raw better-sqlite3 inserts of the same event rows into the same table (same schema,
// indexes, foreign keys and pragmas: the collector's own migrations), same batching
const raw = openDatabase(join(dir, 'raw.db'));
const addDevice = raw.prepare('INSERT INTO devices (id, machine_id, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)');
ids.forEach((id, d) => addDevice.run(id, `m${d}`, now, now));
const insert = raw.prepare('INSERT INTO events (device_id, sequence, kind, observed_at_ms, received_at_ms, body) VALUES (?, ?, ?, ?, ?, ?)');
const rows = batches.map(({ device, frame }) => {
  const events = decodeAgentMessage(frame).message.batch.events;
  const slices = eventSlices(frame);
  return events.map((e, i) => [ids[device], e.sequence, e.body, e.observedAtMs, now, slices[i]]);
});
const insertGroup = raw.transaction((group) => { for (const b of group) for (const r of b) insert.run(...r); });
t = performance.now();
for (let i = 0; i < rows.length; i += DEVICES) insertGroup(rows.slice(i, i + DEVICES));
const rawMs = performance.now() - t;
raw.close();
rmSync(dir, { recursive: true, force: true });
return { total, rawMs, collectorMs };
}


const table = new Table(`${DEVICES} devices x ${BATCHES_PER_DEVICE} batches x ${EVENTS_PER_BATCH} events per mix; each turn commits one batch from every device; median of 5 rounds`,
  ['mix / path', 'events/s', 'ratio'], [66, 14, 10]).header();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, fn] of [['first contact (findings, USB inventory, observations, health)', firstContact], ['steady (heartbeats, health, repeated observations)', steady]]) {
  // Five rounds, each on fresh database files, the two paths in turn; the median of each.
  const runs = [];
  for (let r = 0; r < 5; r++) runs.push(await measure(fn));
  const total = runs[0].total;
  const rawMs = median(runs.map((x) => x.rawMs));
  const collectorMs = median(runs.map((x) => x.collectorMs));
  table.add([`${name}: raw better-sqlite3 INSERT, same rows, same table (baseline)`, fmt(total / (rawMs / 1000)), '1.00x']);
  table.add([`${name}: collector ingest (decode, validate, group commit, apply, correlate)`, fmt(total / (collectorMs / 1000)), `${(rawMs / collectorMs).toFixed(2)}x`]);
}
table.note('ratio = collector events/s / raw insert events/s (aim: at least 0.5)');
record('ingest', 'Ingest into SQLite against raw inserts', [table]);
