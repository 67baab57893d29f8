// The simulation's figures as tables: printed, and recorded for the report.
import { Table, record } from '../../bench/results.mjs';

const pct = (x) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)}`);

export function summarize(fleet, result, run, { record: write = true } = {}) {
  const tables = [];
  const w = [30, 12, 12, 12, 12, 12, 12, 12];
  console.log('');
  tables.push(new Table('Run', ['laptops', 'workers', 'seed', 'enroll s', 'phase 0 s', 'phase 1 s', 'total s', 'collector RSS MB', 'alert changes'], [8, 8, 6, 9, 10, 10, 8, 17, 14]).header()
    .add([run.agents, run.workers, run.seed, run.enrollS.toFixed(1), run.phaseS[0].toFixed(1), run.phaseS[1].toFixed(1), run.totalS.toFixed(1), run.collectorRssMb.toFixed(0), run.alertChanges]));
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
    const lat = new Table(`Time from evidence to the first alert at >= ${t} (ms; evidence = the laptop's first report for farm houses of 2+, the phase-1 change otherwise)`,
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
  if (write) record('simulate', `Fleet simulator: ${run.agents} laptops`, tables, [
    'Virtual agents (the agent\'s detectors, evaluator, outbox and gRPC stream client over mutual TLS, fed scenario facts) against a real collector process; ground truth per laptop and per farm house.',
    'Flagged = a device.risk alert or membership of a fleet.colocation (farm candidate) alert at or above the threshold, after both phases.',
  ]);
  return tables;
}
