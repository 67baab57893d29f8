// The fleet simulator as a test: a smaller run of every scenario class of scripts/simulate (farm
// houses, farms driven by other tools straight or through relays, a farm behind a router VPN,
// day-one farms, KVM-driven and re-shipped laptops; the head office as a registered site and its
// helpdesk, a branch office nobody registered, coworking spaces, households, couples, developers,
// travellers, helpdesk sessions at home, ordinary homes) enrolled with a real collector process
// and streaming over mutual TLS: once with days of replayed history, once on day one. The figures
// the rules must reach are in test/simulate-thresholds.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { THRESHOLDS, type RunThresholds } from './simulate-thresholds.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'farmwatch-simulate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Threshold {
  devices: { precision: number | null; recall: number | null; fp: number };
  clusters: { precision: number | null; recall: number | null; truth: number };
  scenarios: Record<string, { laptops: number; flagged: number }>;
  timeToAlertAllMs: { n: number; missed: number };
}
interface Result {
  run: { historyDays: number; replayedHeartbeats: number };
  thresholds: Record<string, Threshold>;
  classes: Record<string, { laptops: number; positive: boolean; meanScore: number; meanRank: number }>;
  fleet: { scenario: string; positive: boolean; shipStreet: string }[];
}

/** Every class of the simulator's fleet: the smaller run must hold them all. */
const CLASSES = ['farm', 'tool farm', 'router vpn farm', 'day-one farm', 'kvm', 'reshipped', 'head office', 'helpdesk staff', 'branch office', 'coworking',
  'household', 'couple', 'developer', 'traveller', 'helpdesk', 'ordinary'];

function simulate(name: string, t: RunThresholds, extra: string[]): Result {
  const out = join(work, `${name}.json`);
  const args = ['--agents', String(t.run.agents), '--seed', String(t.run.seed), '--no-report', '--json', out,
    ...(t.run.historyStepMin ? ['--history-step', String(t.run.historyStepMin)] : []), ...extra];
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/simulate'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as Result;
}

/** What the rules must give on the run: overall figures at >= high and >= medium, and each innocent class's level. */
function holds(result: Result, t: RunThresholds): void {
  const { medium, high } = result.thresholds as { medium: Threshold; high: Threshold };
  expect(new Set(result.fleet.map((l) => l.scenario))).toEqual(new Set(CLASSES));
  const figures: Record<string, number | null> = {
    'high.laptopPrecision': high.devices.precision, 'high.laptopRecall': high.devices.recall,
    'high.clusterPrecision': high.clusters.precision, 'high.clusterRecall': high.clusters.recall,
    'medium.laptopRecall': medium.devices.recall, 'medium.clusterRecall': medium.clusters.recall,
  };
  const wanted = [...Object.entries(t.high).map(([k, v]) => [`high.${k}`, v] as const), ...Object.entries(t.medium).map(([k, v]) => [`medium.${k}`, v] as const)];
  for (const [what, min] of wanted) {
    const got = figures[what] ?? 0;
    expect({ what, got: got >= min ? `at least ${min}` : got }).toEqual({ what, got: `at least ${min}` });
  }
  for (const [s, c] of Object.entries(result.classes)) {
    if (c.positive) continue;
    const max = t.innocentMeanSeverity[s] ?? t.otherInnocent;
    expect({ s, meanSeverity: c.meanRank <= max ? `at most ${max}` : c.meanRank }).toEqual({ s, meanSeverity: `at most ${max}` });
  }
  for (const s of t.quiet) expect({ s, flagged: medium.scenarios[s]?.flagged }).toEqual({ s, flagged: 0 });
}

describe('fleet simulator', () => {
  it('every scenario class with 4.5 days of replayed history: the rules hold to test/simulate-thresholds.ts', () => {
    const result = simulate('steady', THRESHOLDS.steady, []);
    expect(result.run.historyDays).toBe(4.5);
    // The history was replayed: laptops on for days sent heartbeats hour after hour.
    expect(result.run.replayedHeartbeats).toBeGreaterThan(THRESHOLDS.steady.run.agents * 24);
    // Every laptop shipped to a street line; people who live together share one, the rest (but a facilitator's new hires) have their own.
    expect(result.fleet.every((l) => l.shipStreet.length > 5)).toBe(true);
    holds(result, THRESHOLDS.steady);
  }, 300_000);

  it('day one: no history, every farm\'s evidence at its first report', () => {
    const result = simulate('day-one', THRESHOLDS.dayOne, ['--day-one']);
    expect(result.run).toMatchObject({ historyDays: 0, replayedHeartbeats: 0 });
    holds(result, THRESHOLDS.dayOne);
  }, 300_000);
});
