// The network between agents and the collector breaks while they stream: connections reset at
// random moments (some after the collector stored a batch but before its ack came back), stalled,
// swallowed by a black hole, refused. Agents keep events in their spool and resend what the
// collector does not have (HelloAck says what it has); the collector stores each (device,
// sequence) once. Afterwards nothing is lost or stored twice, and some cuts did fall between a
// commit and its ack.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from '../helpers/processes.js';
import { AgentsProcess, audit, importFleet, integrity } from './helpers/fleet.js';
import { ChaosProxy } from './helpers/chaos-proxy.js';

const AGENTS = 8;
const EVENTS = 1500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let pki: Pki | undefined;
let work: string | undefined;
let agents: AgentsProcess | undefined;
let collector: RunningCollector | undefined;
let proxy: ChaosProxy | undefined;

afterAll(async () => {
  await agents?.stop();
  await proxy?.close();
  await collector?.stop('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

async function metric(c: RunningCollector, token: string, name: string): Promise<number> {
  const text = await (await fetch(`${c.api}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
}

describe('connections cut, stalled, swallowed and refused between agents and the collector', () => {
  it('loses and repeats nothing, also when a cut falls between a commit and its ack', async () => {
    pki = makePki();
    work = mkdtempSync(join(tmpdir(), 'farmwatch-cuts-'));
    const db = join(work, 'collector.db');
    collector = await startCollector(db, pki.dir);
    const token = (JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'faults', '--role', 'admin', '--json', '--db', db])).stdout) as { token: string }).token;
    proxy = new ChaosProxy({ host: '127.0.0.1', port: collector.port });
    const proxyPort = await proxy.listen();
    const fleet = await importFleet(db, work, AGENTS, 'CUT');
    agents = new AgentsProcess();
    await agents.start({
      server: `127.0.0.1:${proxyPort}`, enrollServer: collector.address, caPem: pki.ca.toString(), agents: fleet,
      workDir: join(work, 'agents'), events: EVENTS, ratePerS: EVENTS / 8,
    });

    // Resets at random moments while events flow.
    for (let i = 0; i < 12; i++) {
      await sleep(150 + Math.random() * 500);
      proxy.cutAll();
    }
    // A stall: nothing moves for three seconds, the connections stay up.
    await proxy.stall(3000);
    // A black hole: new connections are accepted and never answered.
    proxy.mode = 'blackhole';
    proxy.cutAll();
    await sleep(3000);
    // Refused: reset on accept.
    proxy.mode = 'refuse';
    proxy.cutAll();
    await sleep(2000);
    proxy.mode = 'pass';
    proxy.cutAll();

    const final = await agents.drained(EVENTS, 120_000);
    expect(agents.error).toBeUndefined();
    expect(final.map((a) => [a.pushed, a.pending]), `agents not drained: ${JSON.stringify(final.filter((a) => a.pending > 0))}`).toEqual(final.map(() => [EVENTS, 0]));
    const result = audit(db, final, EVENTS);
    const lost = result.reduce((n, d) => n + d.missing.length + d.heartbeatsMissing.length, 0);
    const duplicated = result.reduce((n, d) => n + (d.stored - d.distinct) + d.heartbeatDuplicates, 0);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    for (const [i, d] of result.entries()) expect(d.stored).toBe(final[i]?.lastAcked);
    expect(proxy.cuts).toBeGreaterThan(12);
    // Some batches reached the collector and were stored but their ack was cut: at the next Hello the
    // collector said it had them, and the agent did not send them again.
    expect(final.reduce((n, a) => n + a.resumedPastAck, 0)).toBeGreaterThan(0);
    expect(await metric(collector, token, 'farmwatch_events_stored_total')).toBe(result.reduce((n, d) => n + d.stored, 0));
    expect(integrity(db)).toBe('ok');
  }, 240_000);
});
