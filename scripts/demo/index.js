#!/usr/bin/env node
// `npm run demo`: a simulated fleet of a few hundred laptops (farm houses, a KVM-driven laptop,
// travellers, the helpdesk, couples, ordinary homes) added to the collector `npm start` runs,
// through the real enrollment and gRPC path, so the console has alerts, farm clusters and laptops
// with findings to explore. `--purge` removes them again.
//   node scripts/demo [--laptops N] [--seed N] [--workers N] [--purge]
import { parseArgs } from 'node:util';
import { findStart, NoCollectorError, purgeDemo, runDemo, whereToLook } from './run.mjs';
import { MAX_LAPTOPS, MIN_LAPTOPS } from './plan.mjs';

const HELP = `Usage: npm run demo [-- --laptops N] [--seed N] [--workers N] [--purge]
  Adds a simulated fleet to the collector \`npm start\` runs (start it first, in another terminal):
  every laptop registered (marked demo), enrolled with its own certificate and streaming over mutual
  TLS, like real agents. 250 laptops take about half a minute (longer on a busy machine).
  --laptops N   how many laptops (default 250, ${MIN_LAPTOPS} to ${MAX_LAPTOPS})
  --seed N      the fleet's random seed (default 7): the same seed makes the same fleet
  --workers N   worker processes (default: one per 250 laptops)
  --purge       remove every demo laptop and everything it left (alerts, clusters, events) instead
  The collector is found through $FARMWATCH_HOME/npm-start.json (default var/npm-start.json).
`;

const fail = (message, code) => {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(code);
};

let values;
try {
  ({ values } = parseArgs({
    options: {
      laptops: { type: 'string', default: '250' }, seed: { type: 'string', default: '7' }, workers: { type: 'string' },
      purge: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  fail(`${err.message}\n\n${HELP}`, 2);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const whole = (v, flag, min, max) => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) fail(`${flag} must be a whole number from ${min} to ${max}, not "${v}"`, 2);
  return Number(v);
};
const laptops = whole(values.laptops, '--laptops', MIN_LAPTOPS, MAX_LAPTOPS);
const seed = whole(values.seed, '--seed', 1, 2 ** 31);
const workers = values.workers === undefined ? undefined : whole(values.workers, '--workers', 1, 8);
const say = (line) => process.stdout.write(`${line}\n`);

let start;
try {
  start = await findStart();
} catch (err) {
  if (err instanceof NoCollectorError) fail(err.message, 2);
  throw err;
}
try {
  if (values.purge) {
    const r = await purgeDemo({ start });
    say(r.devices.length === 0 ? 'No demo laptop in the collector: nothing removed.'
      : `Removed ${r.devices.length} demo laptops and what they left (${Object.entries(r.deleted).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')}); other laptops were not touched.`);
  } else {
    say(`demo: collector ${start.grpc} (API ${start.api}, started by npm start, process ${start.pid})`);
    const r = await runDemo({ start, laptops, seed, workers, say: (line) => say(`demo: ${line}`) });
    if (r.added > 0) say(`demo: ${r.added} demo laptops added in ${r.seconds.toFixed(0)} s.`);
    say(['', ...whereToLook(start.api, r), ''].join('\n'));
  }
} catch (err) {
  fail(err.message, 1);
}
