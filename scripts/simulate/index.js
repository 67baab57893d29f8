#!/usr/bin/env node
// The fleet simulator (`node scripts/simulate`, `npm run simulate`): N virtual agents in a few
// worker processes against a real collector process, each enrolled with its one-time token and
// streaming over mutual TLS, through the scenario classes of fleet.mjs. Each laptop first replays
// days of its routine (history.mjs), or none on day one (--day-one). Prints precision and recall
// per laptop and per cluster at each severity threshold, per scenario class, and the time from
// evidence to alert (read from the alert stream), and records every figure for the report
// (bench-results/simulate.json or simulate-day-one.json, then reports/latest.md).
//   node scripts/simulate [--agents N] [--workers N] [--seed N] [--history-days D] [--history-step M] [--day-one]
//                         [--heartbeat S] [--json FILE] [--no-report] [--keep]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Enricher } from '../../collector/dist/enrich/enricher.js';
import { planFleet, checkAddresses, POLICY, HISTORY_DAYS } from './fleet.mjs';
import { registerSite } from './sites.mjs';
import { alertStream, startCollector } from './collector.mjs';
import { FleetWorkers, registerFleet } from './run-fleet.mjs';
import { score } from './score.mjs';
import { summarize } from './summary.mjs';
import { writeReport } from '../report.mjs';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '300' }, workers: { type: 'string' }, seed: { type: 'string', default: '1' },
    'history-days': { type: 'string', default: String(HISTORY_DAYS) }, 'history-step': { type: 'string', default: '15' }, 'day-one': { type: 'boolean', default: false },
    heartbeat: { type: 'string', default: '30' }, json: { type: 'string' }, 'no-report': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false }, quiet: { type: 'string', default: '3' }, help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`Usage: node scripts/simulate [--agents N] [--workers N] [--seed N] [--history-days D] [--history-step M] [--day-one]
                        [--heartbeat S] [--json FILE] [--no-report] [--keep]
  --agents N          virtual laptops (default 300)
  --workers N         worker processes (default: one per 250 laptops, 1 to 4)
  --seed N            the fleet's random seed (default 1): the same seed (and hour of the week) makes the same fleet
  --history-days D    days of each laptop's routine replayed before its first live report (default ${HISTORY_DAYS}; 0: none)
  --history-step M    minutes between the replayed heartbeats (default 15; the agent's own is 1)
  --day-one           day one: no history, every farm's evidence at its first report (recorded apart from the run with history)
  --heartbeat S       seconds between heartbeats of each laptop (default 30)
  --quiet S           an alert-free pause this long ends a phase (default 3)
  --json FILE         also write the results here
  --no-report         do not rewrite bench-results/simulate*.json and reports/latest.md
  --keep              keep the collector's folder (database, certificates) and print where
`);
  process.exit(0);
}
const count = (v, flag) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    process.stderr.write(`simulate: ${flag} must be a whole number above 0, not "${v}"\n`);
    process.exit(2);
  }
  return Number(v);
};
const agents = count(values.agents, '--agents');
const workers = values.workers ? count(values.workers, '--workers') : Math.min(4, Math.max(1, Math.ceil(agents / 250)));
const seed = count(values.seed, '--seed');
const heartbeatMs = count(values.heartbeat, '--heartbeat') * 1000;
const historyDays = values['day-one'] ? 0 : Number(values['history-days']);
if (!Number.isFinite(historyDays) || historyDays < 0 || historyDays > 14) {
  process.stderr.write(`simulate: --history-days must be a number of days from 0 to 14 (the collector's correlation window), not "${values['history-days']}"\n`);
  process.exit(2);
}
const historyStepMs = count(values['history-step'], '--history-step') * 60_000;
if (historyStepMs > 60 * 60_000) {
  process.stderr.write(`simulate: --history-step must be at most 60 minutes (the activity rules count hours), not ${values['history-step']}\n`);
  process.exit(2);
}
const quietMs = count(values.quiet, '--quiet') * 1000;
const say = (text) => process.stdout.write(`${text}\n`);

const problems = checkAddresses(new Enricher());
if (problems.length > 0) {
  process.stderr.write(`simulate: the address book no longer matches the GeoIP / ASN databases:\n  ${problems.slice(0, 10).join('\n  ')}\n` +
    'run `node scripts/simulate/make-addresses.mjs`, review the diff and commit it\n');
  process.exit(2);
}

const t0 = Date.now();
// "Now": where the history ends and the live phases begin (the replayed events are all older than the moment they are sent).
const nowMs = t0;
const fleet = planFleet({ agents, seed, nowMs, historyDays, dayOne: values['day-one'] });
// The agent writes a heartbeat a minute and puts up to 1,000 events in a batch; the replay writes one per step: batches cut in proportion.
const history = historyDays > 0 ? { startMs: nowMs - historyDays * 86_400_000, endMs: nowMs, stepMs: historyStepMs, batchEvents: Math.max(20, Math.round(1000 * 60_000 / historyStepMs)) } : undefined;
const collector = await startCollector({ args: ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional', '--sanctioned', POLICY.sanctioned.join(',')] });
let runners;
process.on('exit', () => runners?.kill());
let failed;
try {
  say(`collector ${collector.address} (API ${collector.api}); ${agents} laptops in ${workers} worker(s), seed ${seed}`);
  const site = await registerSite(collector, POLICY.site);
  if (site === 'exclusion') say(`this collector has no sites API (POST /v1/sites answered 404): the head office's egress ${POLICY.site.egress.join(', ')} is excluded as a network instead`);
  await registerFleet(collector, fleet);
  const stream = await alertStream(collector);

  const bySerial = new Map(fleet.map((l) => [l.serial, l]));
  const work = join(collector.work, 'agents');
  mkdirSync(work, { recursive: true });
  runners = new FleetWorkers({
    fleet, workers, collector, workDir: work, heartbeatMs, history,
    onLaptop: (m) => {
      if (m.signalAt !== undefined) bySerial.get(m.serial).signalAt = m.signalAt;
    },
  });
  const quiet = async (since) => {
    const deadline = Date.now() + 60_000;
    while (Date.now() - stream.lastAt(since) < quietMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  };
  const phaseTimes = [];
  const p0 = Date.now();
  await runners.start();
  await quiet(p0);
  phaseTimes.push(Date.now() - p0);
  say(`phase 0: ${agents} laptops enrolled${history ? `, replayed ${historyDays} days of history (${runners.heartbeats} heartbeats)` : ''} (${(runners.enrollMs / 1000).toFixed(1)} s) and reported their first live scan (${((Date.now() - p0) / 1000).toFixed(1)} s)`);
  const p1 = Date.now();
  await runners.phase(1);
  await quiet(p1);
  phaseTimes.push(Date.now() - p1);
  say(`phase 1: remote access, KVMs, moves and VPNs reported (${((Date.now() - p1) / 1000).toFixed(1)} s)`);
  const collectorRssMb = collector.rssMb();
  const alerts = await readAlerts(collector);
  await stream.close();
  const result = score(fleet, alerts, stream.events);
  const run = {
    agents, workers, seed, nowMs, historyDays, historyStepMin: historyStepMs / 60_000, replayedHeartbeats: runners.heartbeats, site,
    phaseStartMs: [p0, p1], heartbeatS: heartbeatMs / 1000, enrollS: runners.enrollMs / 1000, phaseS: phaseTimes.map((t) => t / 1000),
    totalS: (Date.now() - t0) / 1000, collectorRssMb, alertChanges: stream.events.length,
  };
  summarize(fleet, result, run, { record: !values['no-report'] });
  if (values.json) {
    const laptops = fleet.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => k !== 'phases')));
    const changes = stream.events.map((e) => [e.atMs, e.doc.rule, e.doc.severity, e.doc.devices.length, e.doc.change]);
    writeFileSync(values.json, `${JSON.stringify({ run, ...result, fleet: laptops, alerts, stream: changes }, null, 1)}\n`);
  }
  if (!values['no-report']) for (const f of writeReport()) say(`wrote ${f}`);
  if (values.keep) say(`kept ${collector.work}`);
} catch (err) {
  failed = err;
} finally {
  await runners?.stop();
  await collector.stop({ keep: values.keep });
}
if (failed) {
  process.stderr.write(`simulate: ${failed.message}\n${collector.stderr().split('\n').filter((l) => /"level":"(error|warn)"/.test(l)).slice(-10).join('\n')}\n`);
  process.exit(1);
}

/** Every alert, with the members and explanation of each cluster and risk alert. */
async function readAlerts(c) {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const page = await c.call('GET', `/v1/alerts?suppressed=true&limit=500&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) break;
  }
  const out = [];
  for (const a of items) {
    if (a.rule === 'device.risk' || a.rule === 'fleet.colocation') {
      const d = await c.call('GET', `/v1/alerts/${a.id}`);
      out.push({ ...a, members: d.members, explanation: d.details.explanation ?? [], findings: d.details.findings?.length ?? 0 });
    } else out.push(a);
  }
  return out;
}
