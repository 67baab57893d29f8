// The wire protocol: messages survive encode/decode, unknown fields from a newer peer are
// tolerated (and kept), and broken frames give a FrameError that says what is wrong.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs/minimal.js';
import {
  Category, InventoryOp, ObservationKind, Platform, SensorStatus, Severity, StopReason,
  decodeAgentMessage, decodeCollectorMessage, encodeAgentMessage, encodeCollectorMessage, enumName, enumValue, pb,
  type AgentMessage, type CollectorMessage,
} from '../src/index.js';

const now = 1_795_800_000_000;

const agentMessages: AgentMessage[] = [
  {
    hello: {
      machineId: 'a'.repeat(64), hostname: 'laptop-0042', hardwareSerial: 'PF3XK2LM', agentVersion: '0.1.0',
      catalogVersion: 'e3e0d051417f9135', os: { platform: Platform.PLATFORM_LINUX, name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0', arch: 'x64' },
      bootId: '073024dd-f4fb-4e86-978f-60eab3bdf1e1', bootTimeMs: now - 3_600_000, clockMs: now, timeZone: 'America/Chicago',
    },
  },
  {
    batch: {
      events: [
        { sequence: 1, observedAtMs: now, heartbeat: { uptimeMs: 61_000, spoolDepth: 3 } },
        {
          sequence: 2, observedAtMs: now,
          finding: {
            detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS,
            severity: Severity.SEVERITY_MEDIUM, confidence: 80, title: 'AnyDesk is running', catalogEntry: 'anydesk',
            firstSeenMs: now - 1000,
            evidence: [{ field: 'process.name', value: 'anydesk', catalogEntry: 'anydesk', matched: 'anydesk' }],
          },
        },
        { sequence: 3, observedAtMs: now, findingCleared: { detector: 'remote_access.process', key: 'teamviewer' } },
        {
          sequence: 4, observedAtMs: now,
          inventoryChange: {
            op: InventoryOp.INVENTORY_OP_ADDED,
            item: {
              usbDevice: {
                vendorId: 0x1d6b, productId: 0x0104, manufacturer: 'PiKVM', product: 'PiKVM Composite Device', serial: 'CAFEBABE',
                portPath: '1-2', interfaces: [{ number: 0, interfaceClass: 3, interfaceSubclass: 1, interfaceProtocol: 1, hid: { keyboard: true } }],
              },
            },
          },
        },
        { sequence: 5, observedAtMs: now, observation: { kind: ObservationKind.OBSERVATION_KIND_WIFI_BSSID, valueHash: new Uint8Array(16).fill(7) } },
        {
          sequence: 6, observedAtMs: now,
          health: { cpuPermille: 12, rssBytes: 52_000_000, sensors: [{ sensor: 'usb_devices', status: SensorStatus.SENSOR_STATUS_UNAVAILABLE, reason: 'no USB bus' }] },
        },
        { sequence: 7, observedAtMs: now, stopped: { reason: StopReason.STOP_REASON_SERVICE_STOP, detail: 'systemctl stop' } },
        { sequence: 9, observedAtMs: now, dropped: { count: 12, firstSequence: 100, lastSequence: 111 } },
      ],
    },
  },
  { pong: { nonce: 99 } },
];

const collectorMessages: CollectorMessage[] = [
  { helloAck: { deviceId: 'dev_1', lastSequence: 41, serverTimeMs: now, maxBatchBytes: 1 << 20, inventoryWanted: true } },
  { ack: { sequence: 2 ** 40 } },
  { config: { version: 'c1', settings: { heartbeatIntervalS: 60, sanctionedTools: ['teamviewer'], observationKey: new Uint8Array([1, 2, 3]) } } },
  {
    catalog: {
      version: 'abc', catalog: {
        version: 'abc',
        remoteAccess: [{ id: 'anydesk', name: 'AnyDesk', processes: [{ pattern: 'anydesk', platform: Platform.PLATFORM_LINUX }], ports: [443] }],
      },
    },
  },
  { inventoryRequest: { reason: 'asked by analyst' } },
  { ping: { nonce: 5 } },
];

describe('wire protocol round trip', () => {
  it.each(agentMessages.map((m) => [m.body ?? Object.keys(m)[0], m] as const))('AgentMessage %s', (_name, message) => {
    const decoded = decodeAgentMessage(encodeAgentMessage(message));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(pb.AgentMessage.toObject(decoded.message as never, { longs: Number, bytes: Array }))
      .toEqual(pb.AgentMessage.toObject(pb.AgentMessage.fromObject(message) as never, { longs: Number, bytes: Array }));
  });

  it.each(collectorMessages.map((m) => [Object.keys(m)[0], m] as const))('CollectorMessage %s', (_name, message) => {
    const decoded = decodeCollectorMessage(encodeCollectorMessage(message));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(pb.CollectorMessage.toObject(decoded.message as never, { longs: Number, bytes: Array }))
      .toEqual(pb.CollectorMessage.toObject(pb.CollectorMessage.fromObject(message) as never, { longs: Number, bytes: Array }));
  });

  it('decodes 64-bit fields as plain numbers', () => {
    const decoded = decodeAgentMessage(encodeAgentMessage(agentMessages[0] as AgentMessage));
    expect(decoded.ok && typeof decoded.message.hello?.clockMs).toBe('number');
    expect(decoded.ok && decoded.message.hello?.clockMs).toBe(now);
  });

  it('tells which body an event carries', () => {
    const decoded = decodeAgentMessage(encodeAgentMessage(agentMessages[1] as AgentMessage));
    if (!decoded.ok) throw decoded.error;
    expect(decoded.message.batch?.events?.map((e) => e.body)).toEqual([
      'heartbeat', 'finding', 'findingCleared', 'inventoryChange', 'observation', 'health', 'stopped', 'dropped',
    ]);
  });

  it('keeps a heartbeat batch small', () => {
    const bytes = encodeAgentMessage({ batch: { events: [{ sequence: 123_456, observedAtMs: now, heartbeat: { uptimeMs: 3_600_000 } }] } });
    expect(bytes.length).toBeLessThan(24);
  });
});

describe('unknown fields from a newer peer', () => {
  // A Hello as a future agent might send it: every field of today, plus field 50 (a string) and
  // field 51 (a varint) that this schema does not know.
  function helloFromTheFuture(): Uint8Array {
    const known = pb.Hello.encode({ machineId: 'm-1', hostname: 'h-1', clockMs: now }).finish();
    const w = protobuf.Writer.create();
    w.uint32((50 << 3) | 2).string('a field from version 2');
    w.uint32((51 << 3) | 0).uint64(7);
    const extra = w.finish();
    const hello = new Uint8Array(known.length + extra.length);
    hello.set(known);
    hello.set(extra, known.length);
    const outer = protobuf.Writer.create();
    outer.uint32((1 << 3) | 2).bytes(hello);
    outer.uint32((77 << 3) | 0).uint32(1); // and an unknown field on AgentMessage itself
    return outer.finish();
  }

  it('decodes the fields it knows and skips the rest', () => {
    const decoded = decodeAgentMessage(helloFromTheFuture());
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message.body).toBe('hello');
    expect(decoded.message.hello?.machineId).toBe('m-1');
    expect(decoded.message.hello?.hostname).toBe('h-1');
    expect(decoded.message.hello?.clockMs).toBe(now);
  });

  it('passes unknown fields on when re-encoding', () => {
    const decoded = decodeAgentMessage(helloFromTheFuture());
    if (!decoded.ok) throw decoded.error;
    const again = pb.AgentMessage.encode(decoded.message).finish();
    expect(Buffer.from(again).includes(Buffer.from('a field from version 2'))).toBe(true);
  });

  it('reads an enum value it does not know as a number, without failing', () => {
    const w = protobuf.Writer.create();
    w.uint32((4 << 3) | 0).uint32(42); // Finding.severity = 42
    const decoded = pb.Finding.decode(w.finish());
    expect(decoded.severity).toBe(42);
    expect(enumName(Severity, decoded.severity)).toBe('unknown(42)');
  });
});

describe('malformed frames', () => {
  const good = encodeAgentMessage(agentMessages[1] as AgentMessage);

  it('names a truncated frame as truncated', () => {
    const decoded = decodeAgentMessage(good.subarray(0, good.length - 7));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.message).toMatch(/^malformed farmwatch\.v1\.AgentMessage \(\d+ bytes\): truncated/);
    expect(decoded.error.frameBytes).toBe(good.length - 7);
  });

  it('rejects bytes that are not protobuf', () => {
    const decoded = decodeAgentMessage(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.name).toBe('FrameError');
    expect(decoded.error.message).toContain('malformed farmwatch.v1.AgentMessage');
  });

  it('rejects a length that runs past the end', () => {
    const decoded = decodeAgentMessage(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(decoded.ok).toBe(false);
  });

  it('rejects a string that is not UTF-8', () => {
    const w = protobuf.Writer.create();
    w.uint32((2 << 3) | 2).bytes(Buffer.from([0xc3, 0x28])); // Hello.hostname = invalid UTF-8
    const inner = w.finish();
    const outer = protobuf.Writer.create();
    outer.uint32((1 << 3) | 2).bytes(inner);
    const decoded = decodeAgentMessage(outer.finish());
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.reason).toMatch(/UTF-8/i);
  });

  it('stops at deeply nested groups instead of overflowing the stack', () => {
    // 100,000 nested start-group tags of an unknown field 99: the skip of unknown data recurses.
    const tag = (99 << 3) | 3;
    const frame = Buffer.alloc(200_000);
    for (let i = 0; i < frame.length; i += 2) {
      frame[i] = (tag & 0x7f) | 0x80;
      frame[i + 1] = tag >> 7;
    }
    const decoded = decodeAgentMessage(frame);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.reason).toMatch(/nested too deeply/);
  });
});

describe('enum names', () => {
  it('strips the enum prefix', () => {
    expect(enumName(Severity, Severity.SEVERITY_HIGH)).toBe('high');
    expect(enumName(SensorStatus, SensorStatus.SENSOR_STATUS_UNAVAILABLE)).toBe('unavailable');
    expect(enumName(StopReason, StopReason.STOP_REASON_SERVICE_STOP)).toBe('service_stop');
    expect(enumName(Platform, undefined)).toBe('unspecified');
  });

  it('maps names back', () => {
    expect(enumValue(Category, 'remote_access')).toBe(Category.CATEGORY_REMOTE_ACCESS);
    expect(enumValue(Category, 'nonsense')).toBeUndefined();
  });
});
