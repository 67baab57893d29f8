// The collector's disk fills up while agents stream into it: its database lives on a small tmpfs
// that the test fills to the last byte. The collector must stay up, answer its health check,
// acknowledge nothing it could not store and say why in its log; agents keep their events; once
// space returns, everything arrives once. Needs root (mount); skipped otherwise.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../helpers/pki.js';
import { startCollector, type RunningCollector } from '../helpers/processes.js';
import { query } from '../helpers/field.js';
import { AgentsProcess, audit, importFleet, integrity } from './helpers/fleet.js';

const AGENTS = 4;
const EVENTS = 2500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRoot = process.platform === 'linux' && process.getuid?.() === 0;

let pki: Pki | undefined;
let work: string | undefined;
let mount: string | undefined;
let agents: AgentsProcess | undefined;
let collector: RunningCollector | undefined;

afterAll(async () => {
  await agents?.stop();
  await collector?.stop('SIGKILL');
  if (mount) execFileSync('umount', [mount]);
  if (work) rmSync(work, { recursive: true, force: true });
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

/** Writes zeros until the file system is full; returns the file written. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  try {
    for (;;) writeSync(fd, chunk.subarray(0, 512));
  } catch {
    // the last bytes are gone too
  } finally {
    closeSync(fd);
  }
  return file;
}

describe.runIf(isRoot)('the collector disk full', () => {
  it('keeps serving, acknowledges nothing it could not store, and takes everything once space returns', async () => {
    pki = makePki();
    work = mkdtempSync(join(tmpdir(), 'farmwatch-diskfull-'));
    mount = join(work, 'small-disk');
    execFileSync('mkdir', ['-p', mount]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', `farmwatch-diskfull-${process.pid}`, mount]);
    const db = join(mount, 'collector.db');
    collector = await startCollector(db, pki.dir);
    const fleet = await importFleet(db, work, AGENTS, 'FULL');
    agents = new AgentsProcess();
    await agents.start({
      server: collector.address, enrollServer: collector.address, caPem: pki.ca.toString(), agents: fleet,
      workDir: join(work, 'agents'), events: EVENTS, ratePerS: EVENTS / 10,
    });
    while ((query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM events')[0]?.n ?? 0) < 500) await sleep(100);

    const filler = fill(mount);
    expect(statfsSync(mount).bavail).toBe(0);
    const storedWhenFull = query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM events')[0]?.n ?? 0;
    await sleep(4000);
    // Still up and answering; agents hold what it could not store.
    expect(collector.child.exitCode).toBeNull();
    expect((await fetch(`${collector.api}/v1/health`)).status).toBe(200);
    const during = await agents.status();
    expect(during.reduce((n, a) => n + a.pending, 0)).toBeGreaterThan(0);
    const log = collector.stderr();
    expect(log).toMatch(/database or disk is full/);
    expect(log).toMatch(/could not store what an agent sent/);

    rmSync(filler);
    const final = await agents.drained(EVENTS, 120_000);
    expect(agents.error).toBeUndefined();
    expect(final.map((a) => [a.pushed, a.pending]), `agents not drained: ${JSON.stringify(final.filter((a) => a.pending > 0))}`).toEqual(final.map(() => [EVENTS, 0]));
    const result = audit(db, final, EVENTS);
    const lost = result.reduce((n, d) => n + d.missing.length + d.heartbeatsMissing.length, 0);
    const duplicated = result.reduce((n, d) => n + (d.stored - d.distinct) + d.heartbeatDuplicates, 0);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(result.reduce((n, d) => n + d.stored, 0)).toBeGreaterThan(storedWhenFull);
    expect(integrity(db)).toBe('ok');
  }, 240_000);
});
