// The same agent events as protobuf (what farmwatch sends) and as JSON (the baseline): bytes on
// the wire, and encode + decode speed, measured in the same run.
import { decodeAgentMessage, encodeAgentMessage, Category, Severity, InventoryOp } from '../proto/dist/index.js';
import { fmt, measure } from './harness.mjs';
import { Table, record } from './results.mjs';

const now = Date.now();
const heartbeat = (seq) => ({ sequence: seq, observedAtMs: now + seq * 60_000, heartbeat: { uptimeMs: seq * 60_000, spoolDepth: 0 } });
const finding = (seq) => ({
  sequence: seq, observedAtMs: now,
  finding: {
    detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM,
    confidence: 80, title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs: now,
    evidence: [
      { field: 'process.name', value: 'anydesk', catalogEntry: 'anydesk', matched: 'anydesk' },
      { field: 'process.path', value: '/usr/bin/anydesk' }, { field: 'process.user', value: 'alice' },
    ],
  },
});
const usb = (seq) => ({
  sequence: seq, observedAtMs: now,
  inventoryChange: {
    op: InventoryOp.INVENTORY_OP_ADDED,
    item: { usbDevice: { vendorId: 0x1d6b, productId: 0x0104, manufacturer: 'PiKVM', product: 'PiKVM Composite Device', serial: 'CAFEBABE', portPath: '1-2', bcdUsb: 0x200,
      interfaces: [0, 1, 2].map((n) => ({ number: n, interfaceClass: 3, interfaceSubclass: n === 0 ? 1 : 0, interfaceProtocol: n === 0 ? 1 : 0, driver: 'usbhid' })) } },
  },
});

const cases = [
  ['heartbeat batch (1 event)', { batch: { events: [heartbeat(1)] } }],
  ['an hour of heartbeats (60 events)', { batch: { events: Array.from({ length: 60 }, (_, i) => heartbeat(i + 1)) } }],
  ['finding with evidence', { batch: { events: [finding(1)] } }],
  ['KVM USB device', { batch: { events: [usb(1)] } }],
  ['mixed batch (200 events)', { batch: { events: Array.from({ length: 200 }, (_, i) => [heartbeat, finding, usb][i % 3](i + 1)) } }],
];

const table = new Table('The same events as protobuf (what farmwatch sends) and as JSON', ['message', 'protobuf B', 'JSON B', 'size', 'pb enc+dec/s', 'JSON enc+dec/s', 'speed'], [36, 12, 12, 10, 16, 16, 8]).header();
for (const [name, msg] of cases) {
  const pb = encodeAgentMessage(msg);
  const json = Buffer.from(JSON.stringify(msg));
  const pbSpeed = measure(() => decodeAgentMessage(encodeAgentMessage(msg)));
  const jsonSpeed = measure(() => JSON.parse(Buffer.from(JSON.stringify(msg)).toString()));
  table.add([name, pb.length, json.length, `${(pb.length / json.length).toFixed(2)}x`, fmt(pbSpeed.opsPerSec), fmt(jsonSpeed.opsPerSec),
    `${(pbSpeed.opsPerSec / jsonSpeed.opsPerSec).toFixed(2)}x`]);
}
table.note('size = protobuf bytes / JSON bytes (lower is better); speed = protobuf ops/s / JSON ops/s (higher is better)');
record('wire-format', 'Protobuf against JSON, same events', [table]);
