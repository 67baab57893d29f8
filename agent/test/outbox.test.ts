import { describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../src/transport/outbox.js';

const hb = { heartbeat: { uptimeMs: 1 } };

describe('outbox', () => {
  it('numbers events when they are first sent, continuing after what the collector has', () => {
    const o = new MemoryOutbox();
    o.push(hb, 1);
    o.push(hb, 2);
    o.resume(41); // the collector already stores 1..41 from an earlier life of this agent
    expect(o.nextBatch(1 << 20, 100).map((e) => e.sequence)).toEqual([42, 43]);
  });

  it('resends unacknowledged events with the same numbers after a reconnect', () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 5; i++) o.push(hb, i + 1);
    o.resume(0);
    expect(o.nextBatch(1 << 20, 3).map((e) => e.sequence)).toEqual([1, 2, 3]);
    o.acknowledge(2);
    o.resume(2); // reconnect: the collector has 1..2
    expect(o.nextBatch(1 << 20, 100).map((e) => e.sequence)).toEqual([3, 4, 5]);
    expect(o.depth).toBe(3);
  });

  it('drops what a reconnect shows was stored though the ack was lost', () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 4; i++) o.push(hb, i + 1);
    o.resume(0);
    o.nextBatch(1 << 20, 100);
    o.resume(3); // acks for 1..3 never arrived, but the rows were committed
    expect(o.depth).toBe(1);
    expect(o.nextBatch(1 << 20, 100).map((e) => e.sequence)).toEqual([4]);
  });

  it('keeps batches under the byte limit, but always sends at least one event', () => {
    const o = new MemoryOutbox();
    for (let i = 0; i < 10; i++) o.push({ stopped: { detail: 'x'.repeat(100) } }, i + 1);
    o.resume(0);
    const first = o.nextBatch(250, 100);
    expect(first.length).toBe(2);
    const big = new MemoryOutbox();
    big.push({ stopped: { detail: 'y'.repeat(10_000) } });
    big.resume(0);
    expect(big.nextBatch(100, 100)).toHaveLength(1);
  });
});
