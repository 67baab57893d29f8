import { userInfo } from 'node:os';
import { describe, expect, it, afterAll } from 'vitest';
import { collectLinuxProcesses, parseStat } from '../src/sensors/processes/linux.js';
import { runSensor, processesSensor } from '../src/sensors/index.js';
import { startNamedProcess, type NamedProcess } from './helpers.js';

describe('/proc/<pid>/stat', () => {
  it('reads a comm that holds spaces and parentheses', () => {
    // A real line from /proc/<pid>/stat of a process renamed "a) (b", fields as the kernel prints them.
    const line = '4242 (a) (b) S 1 4242 4242 0 -1 4194560 117 0 0 0 0 0 0 0 20 0 1 0 987654 2220032 134 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0';
    expect(parseStat(line)).toEqual({ comm: 'a) (b', ppid: 1, startTicks: 987654 });
  });

  it('refuses a line it cannot read', () => {
    expect(parseStat('garbage')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('processes sensor on this machine', () => {
  let proc: NamedProcess;
  afterAll(() => proc?.stop());

  it('sees a process by name, path, parent, user and start time', async () => {
    const before = Date.now();
    proc = await startNamedProcess('fw-test-proc');
    const facts = await collectLinuxProcesses({ platform: 'linux', root: '' });
    const p = facts.find((f) => f.pid === proc.pid);
    expect(p).toBeDefined();
    expect(p?.name).toBe('fw-test-proc');
    expect(p?.path).toBe(proc.path);
    expect(p?.ppid).toBe(process.pid);
    expect(p?.user).toBe(userInfo().username);
    expect(p?.startedAtMs).toBeGreaterThan(before - 2000);
    expect(p?.startedAtMs).toBeLessThan(Date.now() + 2000);
  });

  it('leaves kernel threads out', async () => {
    const facts = await collectLinuxProcesses({ platform: 'linux', root: '' });
    expect(facts.some((f) => f.ppid === 2 && f.name.startsWith('kworker'))).toBe(false);
  });

  it('reports itself unavailable when /proc is not there', async () => {
    const outcome = await runSensor(processesSensor, { platform: 'linux', root: '/nonexistent' });
    expect(outcome.status).toBe('unavailable');
    expect(outcome.status !== 'ok' && outcome.reason).toMatch(/\/nonexistent\/proc is not readable/);
  });
});
