// Found while testing: a second `farmwatch-agent run` started by hand beside the running service,
// on the same state folder, appended to and trimmed the same spool, and one of the two crashed on a
// record the other had half written. Now `run` holds <state>/agent.lock: the second agent exits (2) at
// once, naming the first and what to do, and the first keeps running and delivering.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCollector } from './helpers/probe-collector.js';
import { enrollInto, killAgents, startAgent } from './helpers/agent-run.js';

const p = probeCollector('state-lock');
let dir: string;
beforeAll(async () => {
  dir = join(p.dir, 'agent');
  await enrollInto(p.db, p.collector.address, join(p.pki.dir, 'ca.pem'), dir, 'lt-lock');
});
afterAll(() => killAgents());

describe('one agent per state folder', () => {
  it('refuses a second agent on the folder while the first runs, and lets one start once the first has stopped', async () => {
    const first = startAgent(dir, p.collector.address);
    await first.waitForLog((l) => l.message === 'connected to collector');
    const second = startAgent(dir, p.collector.address);
    const code = await Promise.race([second.proc.exited, new Promise((r) => setTimeout(() => r('still running after 20 s'), 20_000))]);
    expect(code).toBe(2);
    expect(second.proc.output()).toMatch(new RegExp(`another farmwatch agent \\(pid ${first.proc.child.pid}, running since [^)]+\\) uses the state folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // The first one is untouched.
    expect(first.proc.child.exitCode).toBeNull();
    expect((await first.stop('SIGTERM')).code).toBe(0);
    // A clean stop releases the folder: the next agent starts.
    const third = startAgent(dir, p.collector.address);
    await third.waitForLog((l) => l.message === 'connected to collector');
    expect((await third.stop('SIGTERM')).code).toBe(0);
  });
});
