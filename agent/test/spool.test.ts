// The durable spool on a real file system: survives a killed process, skips damaged records and
// keeps the rest, drops the least important events first at its bound, and rides out a full disk.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DropReason, type Event } from '@farmwatch/proto';
import { Spool } from '../src/transport/spool/spool.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'farmwatch-spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const MB = 1024 * 1024;
const hb = (n: number) => ({ heartbeat: { uptimeMs: n } });
const finding = (key: string) => ({ finding: { detector: 'remote_access.process', key, title: `${key} is running` } });
const drain = (s: Spool): Event[] => {
  const all: Event[] = [];
  s.resume(s.lastAckedSequence);
  for (let b = s.nextBatch(64 * 1024, 500); b.length > 0; b = s.nextBatch(64 * 1024, 500)) all.push(...b);
  return all;
};
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

describe('spool', () => {
  it('keeps events across a reopen until they are acknowledged', () => {
    const dir = tempDir();
    const a = Spool.open(dir, { maxBytes: MB });
    for (let i = 1; i <= 5; i++) a.push(hb(i), 1000 + i);
    a.acknowledge(2);
    a.close();
    const b = Spool.open(dir, { maxBytes: MB });
    expect(drain(b).map((e) => [e.sequence, e.heartbeat?.uptimeMs, e.observedAtMs])).toEqual([[3, 3, 1003], [4, 4, 1004], [5, 5, 1005]]);
    b.push(hb(6));
    expect(drain(b).at(-1)?.sequence).toBe(6);
    b.close();
  });

  it('deletes segment files once everything in them is acknowledged', () => {
    const dir = tempDir();
    const s = Spool.open(dir, { maxBytes: 10 * MB, segmentBytes: 4096 });
    for (let i = 1; i <= 500; i++) s.push(hb(i));
    expect(segments(dir).length).toBeGreaterThan(3);
    s.acknowledge(500);
    expect(segments(dir)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toEqual({ ackedSequence: 500, nextSequence: 501 });
    s.push(hb(501));
    expect(drain(s).map((e) => e.sequence)).toEqual([501]);
    s.close();
  });

  it('drains a long offline backlog in order, each event once', () => {
    const dir = tempDir();
    const s = Spool.open(dir, { maxBytes: 50 * MB, segmentBytes: 64 * 1024 });
    for (let i = 1; i <= 20_000; i++) s.push(i % 50 === 0 ? finding(`k${i}`) : hb(i), i);
    const seen: number[] = [];
    s.resume(0);
    for (let batch = s.nextBatch(128 * 1024, 1000); batch.length > 0; batch = s.nextBatch(128 * 1024, 1000)) {
      seen.push(...batch.map((e) => e.sequence ?? 0));
      s.acknowledge(batch.at(-1)?.sequence ?? 0);
    }
    expect(seen).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect(s.depth).toBe(0);
    s.close();
  });

  it('survives kill -9 of the process that was writing', () => {
    const dir = tempDir();
    const spoolModule = fileURLToPath(new URL('../dist/transport/spool/spool.js', import.meta.url));
    // A child appends 300 events, prints how many it appended, then kills itself mid-stream.
    const script = `
      import { Spool } from ${JSON.stringify(spoolModule)};
      const s = Spool.open(${JSON.stringify(dir)}, { maxBytes: 8 * 1024 * 1024, segmentBytes: 8192 });
      for (let i = 1; i <= 300; i++) {
        s.push({ finding: { detector: 'd', key: 'k' + i } });
        if (i === 300) { process.stdout.write(String(i)); process.kill(process.pid, 'SIGKILL'); }
      }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('300');
    const s = Spool.open(dir, { maxBytes: 8 * MB });
    const keys = drain(s).map((e) => e.finding?.key);
    expect(keys).toEqual(Array.from({ length: 300 }, (_, i) => `k${i + 1}`));
    s.close();
  });

  it('skips a damaged record, keeps the ones after it, and reports the loss', () => {
    const dir = tempDir();
    const a = Spool.open(dir, { maxBytes: MB });
    for (let i = 1; i <= 10; i++) a.push(finding(`k${i}`));
    a.close();
    const [file] = segments(dir);
    const path = join(dir, file as string);
    const data = readFileSync(path);
    const middle = Math.floor(data.length / 2);
    data[middle] = (data[middle] ?? 0) ^ 0xff; // one flipped byte in the middle
    writeFileSync(path, data);
    const b = Spool.open(dir, { maxBytes: MB });
    const events = drain(b);
    const keys = events.filter((e) => e.finding).map((e) => e.finding?.key);
    expect(keys).toHaveLength(9);
    expect(keys).toContain('k1');
    expect(keys).toContain('k10');
    const report = events.find((e) => e.dropped);
    expect(report?.dropped).toMatchObject({ reason: DropReason.DROP_REASON_CORRUPT });
    expect(report?.dropped?.bytes).toBeGreaterThan(0);
    b.close();
    // The file was rewritten without the damage: a second open finds nothing wrong.
    const c = Spool.open(dir, { maxBytes: MB });
    expect(drain(c).filter((e) => e.dropped)).toHaveLength(1);
    c.close();
  });

  it('loses only the torn last record when a write was cut off', () => {
    const dir = tempDir();
    const a = Spool.open(dir, { maxBytes: MB });
    for (let i = 1; i <= 4; i++) a.push(finding(`k${i}`));
    a.close();
    const path = join(dir, segments(dir)[0] as string);
    writeFileSync(path, readFileSync(path).subarray(0, statSync(path).size - 3));
    const b = Spool.open(dir, { maxBytes: MB });
    b.push(finding('k5'));
    const events = drain(b);
    expect(events.filter((e) => e.finding).map((e) => e.finding?.key)).toEqual(['k1', 'k2', 'k3', 'k5']);
    expect(new Set(events.map((e) => e.sequence)).size).toBe(events.length);
    b.close();
  });

  it('at its bound drops the oldest heartbeats first and says how many', () => {
    const dir = tempDir();
    const s = Spool.open(dir, { maxBytes: 20_000, segmentBytes: 4096 });
    for (let i = 1; i <= 2000; i++) s.push(i % 100 === 0 ? finding(`k${i}`) : hb(i));
    expect(s.sizeBytes).toBeLessThanOrEqual(20_000);
    const events = drain(s);
    expect(events.filter((e) => e.finding).map((e) => e.finding?.key)).toEqual(Array.from({ length: 20 }, (_, i) => `k${(i + 1) * 100}`));
    const dropped = events.filter((e) => e.dropped).map((e) => e.dropped);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((d) => d?.reason === DropReason.DROP_REASON_SPOOL_FULL)).toBe(true);
    const kept = events.filter((e) => e.heartbeat).length;
    const droppedCount = dropped.reduce((n, d) => n + (d?.count ?? 0), 0);
    expect(kept + droppedCount).toBe(1980);
    // The newest heartbeats are the ones kept.
    expect(events.filter((e) => e.heartbeat).at(-1)?.heartbeat?.uptimeMs).toBe(1999);
    s.close();
    // The drops are on disk too: reopening does not bring them back.
    const again = Spool.open(dir, { maxBytes: 20_000 });
    expect(drain(again).length).toBe(events.length);
    again.close();
  });

  it('numbers after the collector when the collector has seen more than this spool', () => {
    const dir = tempDir();
    const s = Spool.open(dir, { maxBytes: MB });
    s.push(finding('a'));
    s.push(finding('b'));
    s.resume(41);
    expect(s.nextBatch(MB, 10).map((e) => [e.sequence, e.finding?.key])).toEqual([[42, 'a'], [43, 'b']]);
    s.close();
  });

  it('does not lose acknowledged state to a reopen', () => {
    const dir = tempDir();
    const s = Spool.open(dir, { maxBytes: MB });
    for (let i = 0; i < 3; i++) s.push(hb(i));
    s.acknowledge(3);
    s.close();
    const t = Spool.open(dir, { maxBytes: MB });
    t.push(hb(9));
    expect(drain(t).map((e) => e.sequence)).toEqual([4]);
    t.close();
  });
});

const canMount = process.platform === 'linux' && process.getuid?.() === 0 &&
  spawnSync('sh', ['-c', 'command -v mount'], { stdio: 'ignore' }).status === 0;

describe.runIf(canMount)('spool on a full disk', () => {
  it('keeps events in memory with a clear error, and writes them when space returns', () => {
    const dir = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'farmwatch-test', dir]);
    try {
      // Fill the disk with a file we can delete later.
      spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k', 'count=1000'], { stdio: 'ignore' });
      const s = Spool.open(join(dir, 'spool'), { maxBytes: MB });
      for (let i = 1; i <= 50; i++) s.push(finding(`k${i}`));
      expect(s.lastError).toMatch(/is full: events are kept in memory until space returns/);
      expect(s.depth).toBe(50);
      rmSync(join(dir, 'filler'));
      s.push(finding('k51'));
      expect(s.lastError).toBeUndefined();
      s.close();
      const t = Spool.open(join(dir, 'spool'), { maxBytes: MB });
      expect(drain(t).map((e) => e.finding?.key)).toEqual(Array.from({ length: 51 }, (_, i) => `k${i + 1}`));
      t.close();
    } finally {
      execFileSync('umount', [dir]);
    }
  });
});
