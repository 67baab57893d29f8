// Probe: catalog globs became backtracking regular expressions. A collector pushed a catalog with
// the pattern `*a*a*…*b`, a process with a long name of a's was running, and the agent sat at 100%
// CPU for over a minute, deaf to SIGTERM, while its watchdog, a task on the same event loop, could
// not act. Now patterns match in steps linear in the name (shared/src/catalog/linear-match.ts), a
// pattern past the bounds (256 characters, 16 '*', 256 patterns an entry) is refused naming the
// entry, and a watchdog in a worker thread ends a process whose event loop stops running, or whose
// stop does not finish.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { probeCollector } from '../helpers/probe-collector.js';
import { PushCollector, catalogWith } from '../helpers/push-collector.js';
import { enrollInto, killAgents, startAgent } from '../helpers/agent-run.js';
import { spawnProc, waitFor } from '../helpers/field.js';
import { ROOT } from '../helpers/processes.js';

const p = probeCollector('sec-hang');
let push: PushCollector;
let dir: string;
beforeAll(async () => {
  push = await PushCollector.start(p.pki.dir);
  dir = join(p.dir, 'agent');
  await enrollInto(p.db, p.collector.address, join(p.pki.dir, 'ca.pem'), dir, 'lt-hang');
});
afterAll(async () => {
  killAgents();
  await push?.stop();
});

describe.runIf(process.platform === 'linux')('a crafted catalog', () => {
  it('is refused past the bounds, naming the entry; within them it matches a long process name at once, and the agent stops promptly', async () => {
    // A process named with 3,000 q's (its argv[0], which the agent matches as a process name).
    const name = `fwprobe${'q'.repeat(3000)}`;
    const long = spawn('bash', ['-c', 'exec -a "$0" sleep 120', name], { stdio: 'ignore' });
    try {
      const builtin = builtinCatalog();
      const overlong = catalogWith(builtin, 'probe-overlong', [`${'*a'.repeat(200)}*b`]);
      // 16 stars, the most a pattern may hold: one that cannot match (a backtracking regex tries
      // every split of the name; it passes the quick checks on the first, last and longest literal
      // text, so the matcher itself runs) and one that does.
      const matching = `fwprobe${'*q'.repeat(15)}*`;
      const crafted = catalogWith(builtin, 'probe-crafted', [`fwprobe${'*q'.repeat(14)}*qz*`, matching]);
      push.pushes = [push.signedCatalog(overlong), push.signedCatalog(crafted)];
      const agent = startAgent(dir, push.address, ['--interval', '5']);
      const refused = await agent.waitForLog((l) => l.message === 'refused a catalog update; keeping the current catalog');
      expect(refused.version).toBe(overlong.version);
      const entry = `catalog.remoteAccess[${(overlong.remoteAccess?.length ?? 0) - 1}] (probe-overlong).processes[0].pattern`;
      expect(refused.error).toContain(`${entry} is 402 characters long; at most 256`);
      expect(refused.error).toContain(`${entry} has 201 '*'; at most 16`);
      await agent.waitForLog((l) => l.message === 'switched to the catalog the collector pushed' && l.version === crafted.version);
      // The next process scan matches the crafted patterns against the long name: the finding comes.
      await waitFor(() => push.events.some((e) => e.finding?.catalogEntry === 'probe-crafted'), 30_000, () => agent.proc.output());
      const finding = push.events.find((e) => e.finding?.catalogEntry === 'probe-crafted')?.finding;
      expect(finding?.evidence?.filter((e) => e.field === 'process.name')).toEqual([expect.objectContaining({ value: name, matched: matching })]);
      const stopped = await agent.stop('SIGTERM');
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(8000);
    } finally {
      long.kill();
    }
  });
});

const children: ReturnType<typeof spawnProc>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});
const track = (c: ReturnType<typeof spawnProc>): ReturnType<typeof spawnProc> => {
  children.push(c);
  return c;
};
// A child process with the liveness watchdog of the built agent, doing what the test asks.
const child = (mode: 'block' | 'hang-stop' | 'healthy'): ReturnType<typeof spawnProc> => track(spawnProc(process.execPath, ['--input-type=module', '-e', `
  import { Liveness } from ${JSON.stringify(join(ROOT, 'agent', 'dist', 'runtime', 'liveness.js'))};
  const l = new Liveness({ stallMs: 2000, stopGraceMs: 2000, tickMs: 200 });
  l.start();
  const mode = ${JSON.stringify(mode)};
  // Something to do, as the agent always has (the watchdog's own timer keeps nothing alive).
  const work = setInterval(() => {}, 1000);
  process.on('SIGTERM', () => {
    console.log('stopping');
    l.stopping();
    if (mode === 'healthy') {
      clearInterval(work);
      void l.stop().then(() => console.log('stopped'));
    }
  });
  setTimeout(() => {
    console.log('ready');
    if (mode === 'block') for (;;) {}
  }, 300);
`]));
const ended = (c: ReturnType<typeof spawnProc>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => {
    if (c.child.exitCode !== null || c.child.signalCode !== null) resolve({ code: c.child.exitCode, signal: c.child.signalCode });
    else c.child.once('exit', (code, signal) => resolve({ code, signal }));
  });

describe('the liveness watchdog (a worker thread)', () => {
  it('ends a process whose event loop is blocked and deaf to SIGTERM, saying why', async () => {
    const c = child('block');
    await waitFor(() => c.output().includes('ready'), 10_000, c.output);
    const at = Date.now();
    c.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 700));
    // The loop is blocked: the SIGTERM handler cannot run, the process is still there.
    expect(c.child.exitCode).toBeNull();
    expect(c.output()).not.toContain('stopping');
    expect(await ended(c)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - at).toBeLessThan(6000);
    const line = JSON.parse(c.output().split('\n').find((l) => l.includes('"agent.liveness"')) ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', component: 'agent.liveness', limitMs: 2000 });
    expect(line.message).toMatch(/^watchdog: the event loop has not run for 2\.\d s; ending the agent \(SIGKILL\) so that it starts again$/);
  });

  it('ends a process whose stop does not finish within the grace period', async () => {
    const c = child('hang-stop');
    await waitFor(() => c.output().includes('ready'), 10_000, c.output);
    c.child.kill('SIGTERM');
    await waitFor(() => c.output().includes('stopping'), 5000, c.output);
    expect(await ended(c)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(c.output()).toContain('watchdog: the agent did not finish stopping within 2 s; ending it (SIGKILL)');
  });

  it('leaves a live process alone, and lets it exit on its own once stopped', async () => {
    const c = child('healthy');
    await waitFor(() => c.output().includes('ready'), 10_000, c.output);
    await new Promise((r) => setTimeout(r, 3000));
    expect(c.child.exitCode).toBeNull();
    c.child.kill('SIGTERM');
    expect(await ended(c)).toEqual({ code: 0, signal: null });
    expect(c.output()).toContain('stopped');
    expect(c.output()).not.toContain('agent.liveness');
  });
});
