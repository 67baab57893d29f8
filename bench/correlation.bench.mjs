// Correlation cost per new observation, at 10k and 100k devices: the incremental index (look
// only at the devices sharing the value, join components) against recomputing the fleet's
// components from every stored observation (what an incremental design avoids), measured in the
// same run on the same fleet.
import { CorrelationIndex, UnionFind } from '../collector/dist/index.js';
import { fmt, measure } from './harness.mjs';
import { Table, record } from './results.mjs';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 5, 1);

/**
 * A fleet as the collector sees it: every laptop has a home IP (one in 20 homes has two employees),
 * a gateway MAC and Wi-Fi BSSID of that home, a few neighbours' BSSIDs; one laptop in 200 sits
 * in a farm of 8 sharing an AnyDesk peer IP.
 */
function fleet(n) {
  const obs = [];
  for (let d = 0; d < n; d++) {
    const home = d % 20 === 1 ? d - 1 : d;
    const dev = `dev${d}`;
    obs.push([dev, 'public_ip', `ip${home}`], [dev, 'gateway_mac', `gw${home}`], [dev, 'wifi_bssid', `ap${home}`]);
    if (d % 200 < 8) obs.push([dev, 'remote_peer_ip', `peer${Math.floor(d / 200)}`]);
  }
  return obs;
}

function build(obs) {
  const ix = new CorrelationIndex({ windowMs: 14 * DAY });
  obs.forEach(([d, k, v], i) => ix.observe(d, k, v, v, t0 + (i % 1000)));
  return ix;
}

/** The alternative: every new observation recomputes components from all observations. */
function recompute(obs) {
  const byValue = new Map();
  for (const [d, k, v] of obs) {
    const key = `${k}|${v}`;
    const first = byValue.get(key);
    if (first === undefined) byValue.set(key, d);
  }
  const uf = new UnionFind();
  for (const [d, k, v] of obs) uf.union(byValue.get(`${k}|${v}`), d);
  return uf;
}

const table = new Table('One new observation: the incremental index against recomputing the components of every stored observation',
  ['devices', 'observations stored', 'incremental µs/obs', 'recompute ms/obs', 'speed-up'], [14, 22, 22, 22, 12]).header();
const results = [];
for (const n of [10_000, 100_000]) {
  const obs = fleet(n);
  const ix = build(obs);
  let i = 0;
  // New observations: half a value some laptop already has (a new laptop in an existing home), half new values.
  const inc = measure(() => {
    const d = i++;
    if (d % 2 === 0) ix.observe(`new${d}`, 'public_ip', `ip${(d * 7919) % n}`, 'x', t0 + 2000 + d);
    else ix.observe(`new${d}`, 'wifi_bssid', `fresh${d}`, 'x', t0 + 2000 + d);
  }, { rounds: 7, minMs: 300 });
  const full = measure(() => recompute(obs), { rounds: 3, minMs: 200 });
  results.push(inc.msPerOp);
  table.add([fmt(n, 0), fmt(obs.length, 0), (inc.msPerOp * 1000).toFixed(2), full.msPerOp.toFixed(1), `${fmt(full.msPerOp / inc.msPerOp, 0)}x`]);
}
table.note(`incremental cost at 100k / at 10k devices: ${(results[1] / results[0]).toFixed(2)}x (flat = independent of fleet size)`);
table.note('speed-up = recompute time / incremental time for one new observation');
record('correlation', 'Correlation at 10k and 100k devices', [table]);
