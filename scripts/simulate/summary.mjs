// The simulation's figures as tables: printed, and recorded for the report (bench-results/
// simulate.json for the run with history, simulate-day-one.json for the day-one run).
import { Table, record } from '../../bench/results.mjs';
import { SEVERITIES } from './score.mjs';

const pct = (x) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)}`);

export function summarize(fleet, result, run, { record: write = true } = {}) {
  const tables = [];
  const w = [30, 12, 12, 12, 12, 12, 12, 12];
  console.log('');
  tables.push(new Table('Run', ['laptops', 'workers', 'seed', 'history', 'now (UTC)', 'replayed heartbeats', 'company site', 'enroll s', 'phase 0 s', 'phase 1 s', 'total s', 'collector RSS MB', 'alert changes'],
    [8, 8, 6, 22, 17, 20, 13, 9, 10, 10, 8, 17, 14]).header()
    .add([run.agents, run.workers, run.seed, run.historyDays > 0 ? `${run.historyDays} days` : 'none (day one)', new Date(run.nowMs).toISOString().slice(0, 16).replace('T', ' ') + ` ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(run.nowMs).getUTCDay()]}`,
      run.replayedHeartbeats, run.site, run.enrollS.toFixed(1), run.phaseS[0].toFixed(1), run.phaseS[1].toFixed(1), run.totalS.toFixed(1), run.collectorRssMb.toFixed(0), run.alertChanges]));
  console.log('');
  tables.push(classTable(fleet, result));
  console.log('');
  const scenarios = new Table('Laptops flagged per scenario (device risk or farm cluster at or above the severity)', ['scenario', 'truth', 'laptops', '>= low', '>= medium', '>= high', '>= critical'], w).header();
  const names = [...new Set(fleet.map((l) => l.scenario))];
  for (const s of names) {
    const truth = fleet.find((l) => l.scenario === s).positive ? 'farm' : 'innocent';
    const row = ['low', 'medium', 'high', 'critical'].map((t) => result.thresholds[t].scenarios[s]?.flagged ?? 0);
    scenarios.add([s, truth, fleet.filter((l) => l.scenario === s).length, ...row]);
  }
  tables.push(scenarios);
  console.log('');
  const devices = new Table('Per laptop', ['threshold', 'TP', 'FP', 'FN', 'TN', 'precision', 'recall'], w).header();
  const clusters = new Table('Per cluster (farm cases of 2+ laptops: a house, or houses whose operators share an address; an alert matches a case when they share at least half their laptops)',
    ['threshold', 'farm cases', 'alerted', 'right', 'cases found', 'exact', 'precision', 'recall'], w);
  for (const t of ['low', 'medium', 'high', 'critical']) {
    const d = result.thresholds[t].devices;
    devices.add([`>= ${t}`, d.tp, d.fp, d.fn, d.tn, pct(d.precision), pct(d.recall)]);
  }
  tables.push(devices);
  console.log('');
  clusters.header();
  for (const t of ['low', 'medium', 'high', 'critical']) {
    const c = result.thresholds[t].clusters;
    clusters.add([`>= ${t}`, c.truth, c.predicted, c.matchedPredicted, c.matchedTruth, c.exact, pct(c.precision), pct(c.recall)]);
  }
  tables.push(clusters);
  for (const t of ['medium', 'high']) {
    console.log('');
    const lat = new Table(`Time from evidence to the first alert at >= ${t} (ms; from when the evidence reached the collector: the history's flush, the first report on day one, the phase-1 change)`,
      ['scenario', 'laptops', 'p50', 'p90', 'p99', 'max', 'never alerted'], w).header();
    for (const [s, x] of Object.entries(result.thresholds[t].timeToAlertMs)) lat.add([s, x.n + x.missed, ms(x.p50), ms(x.p90), ms(x.p99), ms(x.max), x.missed]);
    const all = result.thresholds[t].timeToAlertAllMs;
    lat.add(['all', all.n + all.missed, ms(all.p50), ms(all.p90), ms(all.p99), ms(all.max), all.missed]);
    tables.push(lat);
  }
  console.log('');
  const causes = new Table('What flagged innocent laptops at >= medium', ['scenario: what', 'laptops'], [100, 8]).header();
  for (const [why, n] of Object.entries(result.thresholds.medium.falsePositiveCauses)) causes.add([why, n]);
  if (causes.rows.length === 0) causes.add(['(none)', 0]);
  tables.push(causes);
  const dayOne = run.historyDays === 0;
  if (write) {
    record(dayOne ? 'simulate-day-one' : 'simulate', dayOne ? `Fleet simulator, day one: ${run.agents} laptops, no history` : `Fleet simulator: ${run.agents} laptops, ${run.historyDays} days of history`, tables, [
      'Virtual agents (the agent\'s detectors, evaluator, outbox and gRPC stream client over mutual TLS, fed scenario facts) against a real collector process; ground truth per laptop and per farm case.',
      dayOne ? 'Day one: no history; every farm\'s evidence is there at its first report (re-shipped laptops are still at their ship-to address on day one: they count as farms with nothing to find yet).'
        : `Steady state: each laptop first replays ${run.historyDays} days of its routine (history.mjs), then reports live (phase 0) and later (phase 1). The run's hour and weekday decide where office laptops are "now".`,
      'Flagged = a device.risk alert or membership of a fleet.colocation (farm candidate) alert at or above the threshold, after both phases.',
    ]);
  }
  return tables;
}

const rankName = (x) => `${x.toFixed(2)} (${SEVERITIES[Math.min(4, Math.round(x))]})`;

/**
 * Per scenario class at >= medium and >= high: laptops flagged (a farm class's recall; an innocent
 * class's false positives), its farm cases and those found, alerted clusters that match no case,
 * the class's mean score and severity, and the median time from evidence to alert.
 */
function classTable(fleet, result) {
  const t = new Table('Per scenario class (recall for farm classes; false positives for innocent ones). Laptop: flagged / laptops; cases: farm cases of 2+ laptops found / cases; wrong: alerted clusters matching no case, by the class most of their laptops belong to; mean score / severity: the highest alert each laptop is in (none: 0, info = 0 .. critical = 4)',
    ['class', 'truth', 'laptops', 'laptop >= med', 'laptop >= high', 'cases >= med', 'cases >= high', 'wrong >= med', 'wrong >= high', 'mean score', 'mean severity', 'p50 to high ms'],
    [18, 9, 8, 14, 15, 13, 14, 13, 14, 11, 14, 14]).header();
  const names = [...new Set(fleet.map((l) => l.scenario))];
  const { medium, high } = result.thresholds;
  const pct = (a, b) => (b === 0 ? '-' : `${a}/${b} (${Math.round((a / b) * 100)}%)`);
  for (const s of names) {
    const c = result.classes[s];
    const m = medium.scenarios[s] ?? { laptops: 0, flagged: 0 };
    const h = high.scenarios[s] ?? { laptops: 0, flagged: 0 };
    const cm = medium.classClusters[s] ?? { cases: 0, found: 0, wrong: 0 };
    const ch = high.classClusters[s] ?? { cases: 0, found: 0, wrong: 0 };
    const lat = high.timeToAlertMs[s];
    t.add([s, c.positive ? 'farm' : 'innocent', c.laptops, pct(m.flagged, m.laptops), pct(h.flagged, h.laptops), cm.cases ? `${cm.found}/${cm.cases}` : '-', ch.cases ? `${ch.found}/${ch.cases}` : '-',
      cm.wrong, ch.wrong, c.meanScore.toFixed(1), rankName(c.meanRank), lat ? ms(lat.p50) : '-']);
  }
  const d = (x) => `P ${pct(x.tp, x.tp + x.fp)} R ${pct(x.tp, x.tp + x.fn)}`;
  t.add(['all', '', fleet.length, d(medium.devices), d(high.devices), `P ${pctOf(medium.clusters.precision)} R ${pctOf(medium.clusters.recall)}`, `P ${pctOf(high.clusters.precision)} R ${pctOf(high.clusters.recall)}`,
    Object.values(medium.classClusters).reduce((n, x) => n + x.wrong, 0), Object.values(high.classClusters).reduce((n, x) => n + x.wrong, 0), '', '', ms(high.timeToAlertAllMs.p50)]);
  return t;
}

const pctOf = (x) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
