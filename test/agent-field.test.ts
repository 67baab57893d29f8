// The agent in the field, run as the single executable it ships as: it keeps running through
// collector crashes, never loses or repeats an event, drains a long offline backlog in order,
// recovers a damaged spool, reports its own crash, and refuses a bad configuration clearly.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readStatus as readStatusFile } from '../agent/src/runtime/status-file.js';
import { Spool } from '../agent/src/transport/spool/spool.js';
import { makePki, type Pki } from './helpers/pki.js';
import {
  AGENT_BIN, collectorOn, enrollAgent, freePort, query, spawnProc, storedSequences, waitFor, type Proc,
} from './helpers/field.js';
import { COLLECTOR_CLI, run } from './helpers/processes.js';

let pki: Pki;
const running: Proc[] = [];
const dirs: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'farmwatch-field-'));
  dirs.push(d);
  return d;
};

beforeAll(() => {
  pki = makePki();
});
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
});
afterAll(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  rmSync(pki.dir, { recursive: true, force: true });
});

function agent(port: number, stateDir: string, extra: string[] = []): Proc {
  const p = spawnProc(AGENT_BIN, [
    'run', '--server', `127.0.0.1:${port}`, '--state-dir', stateDir, '--config', join(stateDir, 'agent.json'),
    '--heartbeat', '1', '--interval', '30', ...extra,
  ]);
  running.push(p);
  return p;
}

async function collector(port: number, db: string): Promise<Proc> {
  const p = await collectorOn(port, db, pki.dir);
  running.push(p);
  return p;
}

/** A collector with this laptop registered and the agent enrolled in `work`. */
async function enrolled(work: string): Promise<{ port: number; db: string; c: Proc }> {
  const db = join(work, 'collector.db');
  const port = await freePort();
  const c = await collector(port, db);
  await enrollAgent(db, port, join(pki.dir, 'ca.pem'), work);
  return { port, db, c };
}


const contiguous = (seqs: number[]): boolean => seqs.every((s, i) => s === i + 1);

describe.runIf(process.platform === 'linux' && existsSync(AGENT_BIN))('the agent executable in the field', () => {
  it('rides through kill -9 of the collector: every event arrives exactly once', async () => {
    const work = temp();
    writeFileSync(join(work, 'agent.json'), '{}');
    const e = await enrolled(work);
    const { port, db } = e;
    let c = e.c;
    const a = agent(port, work);
    await waitFor(() => storedSequences(db).length > 20, 30_000, () => a.output());
    for (let round = 0; round < 3; round++) {
      c.child.kill('SIGKILL');
      await c.exited;
      const before = storedSequences(db).length;
      await new Promise((r) => setTimeout(r, 2500)); // heartbeats pile up in the spool meanwhile
      c = await collector(port, db);
      await waitFor(() => storedSequences(db).length >= before + 4, 30_000, () => a.output());
    }
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const seqs = storedSequences(db);
    expect(contiguous(seqs)).toBe(true);
    const kinds = query<{ kind: string }>(db, 'SELECT kind FROM events ORDER BY sequence').map((r) => r.kind);
    expect(kinds.at(-1)).toBe('stopped');
    expect(query<{ stop_reason: string }>(db, 'SELECT stop_reason FROM devices')).toEqual([{ stop_reason: 'service_stop' }]);
    // Nothing is left waiting: the spool holds no segment.
    expect(readdirSync(join(work, 'spool')).filter((f) => f.endsWith('.seg'))).toEqual([]);
  }, 120_000);

  it('drains a long offline backlog in order once the collector is back', async () => {
    const work = temp();
    const db = join(work, 'collector.db');
    writeFileSync(join(work, 'agent.json'), '{}');
    // Two days offline at one heartbeat a minute, and findings now and then: written into the
    // agent's own spool as it would have written them.
    const { port } = await enrolled(work);
    const spool = Spool.open(join(work, 'spool'), { maxBytes: 50 * 1048576 });
    const start = Date.now() - 2 * 86_400_000;
    for (let i = 0; i < 2880; i++) {
      const at = start + i * 60_000;
      spool.push(i % 500 === 0 ? { finding: { detector: 'remote_access.process', key: `offline-${i}`, title: 'seen offline', severity: 3, category: 1 } } : { heartbeat: { uptimeMs: i * 60_000 } }, at);
    }
    spool.close();
    const a = agent(port, work);
    await waitFor(() => storedSequences(db).length > 2900, 60_000, () => a.output());
    const rows = query<{ sequence: number; observed_at_ms: number }>(db, 'SELECT sequence, observed_at_ms FROM events ORDER BY sequence');
    expect(contiguous(rows.map((r) => r.sequence))).toBe(true);
    const backlog = rows.slice(0, 2880).map((r) => r.observed_at_ms);
    expect(backlog).toEqual([...backlog].sort((x, y) => x - y));
    expect(backlog[0]).toBe(start);
    expect(query(db, "SELECT key FROM findings WHERE key LIKE 'offline-%'")).toHaveLength(6);
  }, 120_000);

  it('reports its own crash at the next start, and loses nothing of its spool', async () => {
    const work = temp();
    writeFileSync(join(work, 'agent.json'), '{}');
    const { port, db, c } = await enrolled(work);
    const first = agent(port, work);
    await waitFor(() => storedSequences(db).length > 5, 30_000, () => first.output());
    c.child.kill('SIGKILL'); // no collector: the next events stay in the spool
    await c.exited;
    await new Promise((r) => setTimeout(r, 2000));
    first.child.kill('SIGKILL');
    await first.exited;
    await collector(port, db);
    const second = agent(port, work);
    await waitFor(() => query(db, "SELECT 1 FROM events WHERE kind = 'stopped'").length > 0, 30_000, () => second.output());
    await waitFor(() => query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM events WHERE kind = 'heartbeat'")[0]!.n > 8, 30_000, () => second.output());
    expect(contiguous(storedSequences(db))).toBe(true);
    expect(query<{ stop_reason: string }>(db, 'SELECT stop_reason FROM devices')).toEqual([{ stop_reason: 'crash' }]);
  }, 120_000);

  it('recovers the rest of a damaged spool and tells the collector what was lost', async () => {
    const work = temp();
    const db = join(work, 'collector.db');
    writeFileSync(join(work, 'agent.json'), '{}');
    const { port } = await enrolled(work);
    const spool = Spool.open(join(work, 'spool'), { maxBytes: 1048576 });
    for (let i = 1; i <= 20; i++) spool.push({ finding: { detector: 'd', key: `k${i}`, title: 't', severity: 3, category: 1 } }, Date.now());
    spool.close();
    const seg = join(work, 'spool', readdirSync(join(work, 'spool')).find((f) => f.endsWith('.seg')) as string);
    const bytes = readFileSync(seg);
    bytes[Math.floor(bytes.length / 3)] = (bytes[Math.floor(bytes.length / 3)] ?? 0) ^ 0x5a;
    writeFileSync(seg, bytes);
    const a = agent(port, work);
    await waitFor(() => query(db, "SELECT 1 FROM events WHERE kind = 'dropped'").length > 0, 30_000, () => a.output());
    await waitFor(() => query(db, "SELECT key FROM findings WHERE detector = 'd'").length >= 19, 30_000, () => a.output());
    expect(query(db, "SELECT key FROM findings WHERE detector = 'd'")).toHaveLength(19);
    expect(a.output()).toMatch(/damaged records; they were skipped/);
  }, 60_000);

  it('reports its state with `status`, and reloads its configuration on SIGHUP, keeping it when the new one is wrong', async () => {
    const work = temp();
    writeFileSync(join(work, 'agent.json'), '{}');
    const { port, db } = await enrolled(work);
    const a = agent(port, work);
    await waitFor(() => storedSequences(db).length > 5, 30_000, () => a.output());
    // status.json is rewritten every few seconds: wait for one written after the first acknowledgement
    await waitFor(() => ((readStatusFile(work)?.lastAckedSequence ?? 0) > 0), 30_000, () => a.output());
    const status = spawnProc(AGENT_BIN, ['status', '--state-dir', work, '--config', join(work, 'agent.json'), '--json']);
    expect(await status.exited).toBe(0);
    const report = JSON.parse(status.output()) as { enrolled: boolean; running: boolean; status: { connection: string; lastAckedSequence: number; sensors: unknown[] } };
    expect(report).toMatchObject({ enrolled: true, running: true, status: { connection: 'streaming' } });
    expect(report.status.lastAckedSequence).toBeGreaterThan(0);
    expect(report.status.sensors.length).toBeGreaterThan(5);

    writeFileSync(join(work, 'agent.json'), '{"heartbeat_interval_s": "often"}');
    a.child.kill('SIGHUP');
    await waitFor(() => /the reloaded configuration is not valid; keeping the current one/.test(a.output()), 10_000, () => a.output());
    const before = storedSequences(db).length;
    await waitFor(() => storedSequences(db).length > before + 2, 15_000, () => a.output()); // still reporting
    writeFileSync(join(work, 'agent.json'), '{"heartbeat_interval_s": 2, "spool_max_mb": 20}');
    a.child.kill('SIGHUP');
    await waitFor(() => /configuration reloaded/.test(a.output()), 10_000, () => a.output());
    expect(a.output()).toMatch(/"needsRestart":\["spool_max_mb"\]/);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 90_000);

  it('measures its CPU over the last minute, so the start-up burst leaves the figure, and says so in `status` and to the collector', async () => {
    const work = temp();
    writeFileSync(join(work, 'agent.json'), '{}');
    const { port, db } = await enrolled(work);
    const a = agent(port, work);
    // Before a minute has passed the figure covers the time since the start, and says so.
    await waitFor(() => (readStatusFile(work)?.cpuWindowS ?? 0) > 0, 30_000, () => a.output());
    const early = readStatusFile(work);
    expect(early).toMatchObject({ cpuFromStart: true });
    expect(early?.cpuWindowS).toBeLessThan(60);
    // The start-up burst: every sensor's first run, over by the first health report.
    await waitFor(() => query(db, "SELECT 1 FROM events WHERE kind = 'health'").length > 0, 30_000, () => a.output());
    const startupOverMs = query<{ at: number }>(db, "SELECT MIN(observed_at_ms) AS at FROM events WHERE kind = 'health'")[0]?.at ?? 0;
    // Then the window slides past it, and stays a minute wide.
    const windowStart = (): number => {
      const s = readStatusFile(work);
      return s && !s.cpuFromStart ? s.writtenAtMs - s.cpuWindowS * 1000 : 0;
    };
    await waitFor(() => windowStart() > startupOverMs, 120_000, () => `${JSON.stringify(readStatusFile(work))}\n${a.output()}`);
    const later = readStatusFile(work);
    expect(later?.cpuWindowS).toBeGreaterThanOrEqual(59);
    expect(later?.cpuWindowS).toBeLessThanOrEqual(66);
    // An agent heartbeating every second and running its sensors every 30 s is far from a core.
    expect(later?.cpuPermille).toBeLessThan(500);

    const status = spawnProc(AGENT_BIN, ['status', '--state-dir', work, '--config', join(work, 'agent.json')]);
    expect(await status.exited).toBe(0);
    expect(status.output()).toMatch(/resources +\d+ MB resident, \d+\.\d% of a core over the last (59|6\d) s/);
    // The collector has the figure with its span from the heartbeats, and shows both.
    const [device] = query<{ id: string; cpu_window_s: number; cpu_at_ms: number }>(db, 'SELECT id, cpu_window_s, cpu_at_ms FROM devices');
    expect(device?.cpu_window_s).toBeGreaterThanOrEqual(59);
    expect(device?.cpu_at_ms).toBeGreaterThan(startupOverMs);
    const show = await run(COLLECTOR_CLI, ['devices', 'show', device?.id ?? '', '--db', db]);
    expect(show.stdout).toMatch(/agent CPU \d+\.\d% of a core over (59|6\d) s, measured \d+s ago/);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 180_000);

  it('refuses a bad configuration, naming the key and the fix', async () => {
    const work = temp();
    writeFileSync(join(work, 'agent.json'), JSON.stringify({ spool_max_mb: 'lots', heartbeat_intervall_s: 5 }));
    const a = agent(await freePort(), work);
    expect(await a.exited).toBe(2);
    expect(a.output()).toContain(`${join(work, 'agent.json')}: "heartbeat_intervall_s" is not a setting. Did you mean "heartbeat_interval_s"?`);
    expect(a.output()).toContain(`${join(work, 'agent.json')}: spool_max_mb must be a whole number of MB from 1 to 4096, not "lots"`);
  });
});
