// The runtime's parts on their own: watchdog decisions, the scheduler's timing, hot-plug notice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../src/runtime/watchdog.js';
import { Scheduler } from '../src/runtime/scheduler.js';
import { HotplugWatcher, type HotplugKind } from '../src/runtime/hotplug.js';

const MB = 1048576;

describe('watchdog', () => {
  const limits = { memoryBytes: 200 * MB, cpuPermille: 100, windowMs: 60_000 };

  it('restarts at once above the memory limit, saying by how much', () => {
    const w = new Watchdog(limits);
    expect(w.observe({ atMs: 0, cpuPermille: 5, rssBytes: 120 * MB })).toEqual({ action: 'ok' });
    expect(w.observe({ atMs: 5000, cpuPermille: 5, rssBytes: 260 * MB }))
      .toEqual({ action: 'restart', reason: 'resident memory 260 MB is above the 200 MB limit' });
  });

  it('lets a short scan burst pass', () => {
    const w = new Watchdog(limits);
    const actions = [0, 5, 10, 15].map((s) => w.observe({ atMs: s * 1000, cpuPermille: s === 5 ? 900 : 10, rssBytes: 80 * MB }).action);
    expect(actions).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('slows sensors down under sustained CPU, then restarts when that does not help', () => {
    const w = new Watchdog(limits);
    const actions: string[] = [];
    for (let t = 0; t <= 600; t += 5) actions.push(w.observe({ atMs: t * 1000, cpuPermille: 250, rssBytes: 80 * MB }).action);
    expect(actions.filter((a) => a === 'throttle')).toHaveLength(3);
    expect(w.throttleFactor).toBe(8);
    expect(actions).toContain('restart');
    expect(actions.indexOf('restart')).toBeGreaterThan(actions.lastIndexOf('throttle'));
  });

  it('speeds back up when the load goes away', () => {
    const w = new Watchdog(limits);
    for (let t = 0; t <= 60; t += 5) w.observe({ atMs: t * 1000, cpuPermille: 250, rssBytes: 80 * MB });
    expect(w.throttleFactor).toBe(2);
    for (let t = 65; t <= 200; t += 5) w.observe({ atMs: t * 1000, cpuPermille: 10, rssBytes: 80 * MB });
    expect(w.throttleFactor).toBe(1);
  });
});

describe('scheduler', () => {
  afterEach(() => vi.useRealTimers());

  it('runs each task at its own interval, within its jitter', async () => {
    vi.useFakeTimers();
    const runs = { cheap: 0, costly: 0 };
    const s = new Scheduler({ jitter: 0.1, random: () => 0.5 });
    s.add({ name: 'cheap', intervalMs: 10_000, run: () => Promise.resolve(void runs.cheap++) });
    s.add({ name: 'costly', intervalMs: 60_000, run: () => Promise.resolve(void runs.costly++) });
    s.start(['cheap', 'costly']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(runs.cheap).toBe(13);
    expect(runs.costly).toBe(3);
    await s.stop();
  });

  it('never overlaps two runs of one task, and runs once more when asked during a run', async () => {
    vi.useFakeTimers();
    let active = 0;
    let most = 0;
    let count = 0;
    const s = new Scheduler({ random: () => 0.5 });
    s.add({
      name: 'slow', intervalMs: 60_000,
      run: async () => {
        active++;
        most = Math.max(most, active);
        count++;
        await new Promise((r) => setTimeout(r, 5000));
        active--;
      },
    });
    s.start(['slow']);
    void s.runNow('slow');
    void s.runNow('slow');
    await vi.advanceTimersByTimeAsync(11_000);
    expect(most).toBe(1);
    expect(count).toBe(2);
    await s.stop();
  });

  it('stretches intervals by the throttle factor', async () => {
    vi.useFakeTimers();
    let count = 0;
    const s = new Scheduler({ jitter: 0, random: () => 0 });
    s.add({ name: 't', intervalMs: 1000, run: () => Promise.resolve(void count++) });
    s.setThrottle(4);
    s.start(['t']);
    await vi.advanceTimersByTimeAsync(8_100);
    expect(count).toBe(3);
    await s.stop();
  });

  it('keeps going after a task fails, and reports the failure', async () => {
    vi.useFakeTimers();
    const errors: string[] = [];
    let count = 0;
    const s = new Scheduler({ jitter: 0, onError: (t, e) => errors.push(`${t}: ${(e as Error).message}`) });
    s.add({ name: 'flaky', intervalMs: 1000, run: () => { count++; return Promise.reject(new Error('boom')); } });
    s.start(['flaky']);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(count).toBe(3);
    expect(errors[0]).toBe('flaky: boom');
    await s.stop();
  });
});

describe('hot-plug watcher', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('says which kind changed when a USB device or a display appears', async () => {
    const root = mkdtempSync(join(tmpdir(), 'farmwatch-hotplug-'));
    roots.push(root);
    mkdirSync(join(root, 'sys/bus/usb/devices/usb1'), { recursive: true });
    mkdirSync(join(root, 'sys/class/drm/card0-HDMI-A-1'), { recursive: true });
    writeFileSync(join(root, 'sys/class/drm/card0-HDMI-A-1/status'), 'disconnected\n');
    mkdirSync(join(root, 'dev'), { recursive: true });
    const seen: HotplugKind[] = [];
    const w = new HotplugWatcher((k) => seen.push(k), { root, pollMs: 200, debounceMs: 20 });
    await w.start();
    // A KVM is plugged: its device directory appears in sysfs and udev makes a node in /dev.
    mkdirSync(join(root, 'sys/bus/usb/devices/1-2'));
    writeFileSync(join(root, 'dev/hidraw0'), '');
    await new Promise((r) => setTimeout(r, 600));
    expect(seen).toEqual(['usb']);
    writeFileSync(join(root, 'sys/class/drm/card0-HDMI-A-1/status'), 'connected\n');
    await new Promise((r) => setTimeout(r, 600));
    expect(seen).toEqual(['usb', 'display']);
    w.stop();
  });
});
