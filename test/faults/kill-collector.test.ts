// kill -9 of the collector while agents stream into it, again and again: agents keep every event in
// their durable spool until the collector acknowledges it after commit, the collector stores each
// (device, sequence) once, so after the last restart every event is in the database exactly once.
// Counted per device: every sequence the agent had acknowledged, and every numbered heartbeat.
//   FARMWATCH_FAULT_KILLS (default 5), FARMWATCH_FAULT_AGENTS (12), FARMWATCH_FAULT_EVENTS (1500 per agent)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { collectorOn, freePort, query, type Proc } from '../helpers/field.js';
import { AgentsProcess, audit, importFleet, integrity } from './helpers/fleet.js';

const KILLS = Number(process.env.FARMWATCH_FAULT_KILLS ?? 5);
const AGENTS = Number(process.env.FARMWATCH_FAULT_AGENTS ?? 12);
const EVENTS = Number(process.env.FARMWATCH_FAULT_EVENTS ?? 1500);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const stored = (db: string): number => query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM events')[0]?.n ?? 0;

let pki: Pki | undefined;
let work: string | undefined;
let agents: AgentsProcess | undefined;
let collector: Proc | undefined;

afterAll(async () => {
  await agents?.stop();
  if (collector && collector.child.exitCode === null) collector.child.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

describe('kill -9 of the collector during ingest', () => {
  it(`loses and repeats no event over ${KILLS} kills`, async () => {
    pki = makePki();
    work = mkdtempSync(join(tmpdir(), 'farmwatch-kill-'));
    const db = join(work, 'collector.db');
    const port = await freePort();
    collector = await collectorOn(port, db, pki.dir);
    const fleet = await importFleet(db, work, AGENTS, 'KILL');
    agents = new AgentsProcess();
    const server = `127.0.0.1:${port}`;
    const started = agents.start({ server, enrollServer: server, caPem: pki.ca.toString(), agents: fleet, workDir: join(work, 'agents'), events: EVENTS, ratePerS: EVENTS / 6 });
    await started;
    const inFlight: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // Ingest is under way: the collector stores, and agents hold events it has not acknowledged.
      const before = stored(db);
      const deadline = Date.now() + 20_000;
      while (stored(db) < before + 200 && Date.now() < deadline) await sleep(50);
      await sleep(50 + Math.random() * 400);
      // Kill while agents hold events not yet acknowledged (on a loaded machine they may be caught
      // up for a moment: wait for the next unacknowledged batch).
      let pending = 0;
      const due = Date.now() + 10_000;
      do {
        pending = (await agents.status()).reduce((n, a) => n + a.pending, 0);
        if (pending === 0) await sleep(10);
      } while (pending === 0 && Date.now() < due);
      collector.child.kill('SIGKILL');
      await collector.exited;
      inFlight.push(pending);
      // Agents keep spooling while the collector is down.
      await sleep(300 + Math.random() * 1200);
      collector = await collectorOn(port, db, pki.dir);
    }
    const final = await agents.drained(EVENTS, 120_000);
    expect(agents.error).toBeUndefined();
    expect(final.map((a) => [a.pushed, a.pending]), `agents not drained: ${JSON.stringify(final.filter((a) => a.pending > 0))}`).toEqual(final.map(() => [EVENTS, 0]));
    // Every kill came while agents had events the collector had not acknowledged.
    expect(inFlight.every((n) => n > 0)).toBe(true);
    const result = audit(db, final, EVENTS);
    const lost = result.reduce((n, d) => n + d.missing.length + d.heartbeatsMissing.length, 0);
    const duplicated = result.reduce((n, d) => n + (d.stored - d.distinct) + d.heartbeatDuplicates, 0);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    for (const [i, d] of result.entries()) {
      expect(d.stored).toBe(final[i]?.lastAcked);
      expect(d.lastSequence).toBe(final[i]?.lastAcked);
    }
    expect(integrity(db)).toBe('ok');
  }, 300_000);
});
