// The agent's CPU figure: measured over a stated window from one sampler, on a fake clock and a
// fake process CPU counter, so a start-up burst can be placed exactly and seen to leave the window.
import { describe, expect, it } from 'vitest';
import { CpuSampler, describeCpu } from '../src/runtime/cpu-sampler.js';
import { Watchdog } from '../src/runtime/watchdog.js';

/** A process whose CPU counter advances by `busy` (share of one core) while the clock moves. */
function fakeProcess() {
  let nowMs = 1_000_000;
  let cpuUs = 0;
  return {
    now: () => nowMs,
    cpuUsage: () => ({ user: Math.round(cpuUs * 0.75), system: cpuUs - Math.round(cpuUs * 0.75) }),
    run(ms: number, busy: number) {
      nowMs += ms;
      cpuUs += ms * 1000 * busy;
    },
  };
}

describe('CPU over a window', () => {
  it('says nothing was measured before any time has passed', () => {
    const p = fakeProcess();
    const s = new CpuSampler({ now: p.now, cpuUsage: p.cpuUsage });
    expect(s.read()).toEqual({ permille: 0, windowS: 0, fromStart: true });
    expect(describeCpu(0, 0)).toBe('CPU not measured yet');
  });

  it('covers the time since the start, and says so, until a full window has passed', () => {
    const p = fakeProcess();
    const s = new CpuSampler({ now: p.now, cpuUsage: p.cpuUsage });
    p.run(10_000, 0.9); // the first round of every sensor
    s.sample();
    p.run(10_000, 0.01);
    s.sample();
    const r = s.read();
    expect(r).toEqual({ permille: 455, windowS: 20, fromStart: true });
    expect(describeCpu(r.permille, r.windowS, r.fromStart)).toBe('45.5% of a core over the 20 s since the agent started');
  });

  it('leaves the start-up burst behind once the window has slid past it', () => {
    const p = fakeProcess();
    const s = new CpuSampler({ now: p.now, cpuUsage: p.cpuUsage });
    p.run(5000, 0.936); // start-up: 93.6% of a core, as `status` used to report for good
    s.sample();
    for (let t = 5; t < 120; t += 5) {
      p.run(5000, 0.007);
      s.sample();
    }
    p.run(2000, 0.007); // read between two samples: the span still starts at a sample
    const r = s.read();
    expect(r.fromStart).toBe(false);
    expect(r.windowS).toBeGreaterThanOrEqual(60);
    expect(r.windowS).toBeLessThanOrEqual(62);
    expect(r.permille).toBe(7);
    expect(describeCpu(r.permille, r.windowS, r.fromStart)).toBe(`0.7% of a core over the last ${r.windowS} s`);
  });

  it('follows a change of load within one window', () => {
    const p = fakeProcess();
    const s = new CpuSampler({ now: p.now, cpuUsage: p.cpuUsage });
    for (let t = 0; t < 120; t += 5) {
      p.run(5000, 0.02);
      s.sample();
    }
    expect(s.read().permille).toBe(20);
    for (let t = 0; t < 30; t += 5) {
      p.run(5000, 0.5);
      s.sample();
    }
    expect(s.read().permille).toBe(260); // half the window at 2%, half at 50%
    for (let t = 0; t < 60; t += 5) {
      p.run(5000, 0.5);
      s.sample();
    }
    expect(s.read()).toEqual({ permille: 500, windowS: 60, fromStart: false });
  });

  it('feeds the watchdog the same counter: each sample is the use since the previous one', () => {
    const p = fakeProcess();
    const s = new CpuSampler({ now: p.now, cpuUsage: p.cpuUsage });
    const w = new Watchdog({ memoryBytes: 200 * 1048576, cpuPermille: 100, windowMs: 60_000 });
    const rates: number[] = [];
    const actions: string[] = [];
    for (let t = 0; t < 70; t += 5) {
      p.run(5000, t < 10 ? 0.9 : 0.25);
      const x = s.sample();
      rates.push(x.permille);
      actions.push(w.observe({ atMs: x.atMs, cpuPermille: x.permille, rssBytes: 80 * 1048576 }).action);
    }
    expect(rates.slice(0, 3)).toEqual([900, 900, 250]);
    expect(actions).toContain('throttle');
    // The status figure over the same minute agrees with the watchdog's average of those samples.
    expect(s.read().permille).toBe(250);
  });
});
