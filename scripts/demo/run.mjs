// The demo fleet against the collector `npm start` runs: found through <home>/npm-start.json
// (written by scripts/start.mjs, home = $FARMWATCH_HOME or <repo>/var) and the admin API token
// start.mjs keeps in <home>/admin-api-token. The laptops go through the real path: IT's CSV import
// (marked demo), each laptop's own enrollment (key, CSR, certificate) and its own mutual-TLS
// stream, with the simulator's machinery (scripts/simulate/run-fleet.mjs). When they have
// reported, they shut down (the collector records them stopped, not silent), and what there is to
// explore is printed with the console's addresses.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertStream, connectCollector } from '../simulate/collector.mjs';
import { FleetWorkers, registerFleet } from '../simulate/run-fleet.mjs';
import { planDemoFleet } from './plan.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The state folder `npm start` uses. */
export const defaultHome = () => process.env.FARMWATCH_HOME ?? join(ROOT, 'var');

/** No collector of `npm start` to run the demo against: the message says how to start one. */
export class NoCollectorError extends Error {}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/** The running `npm start` of `home`: its addresses (npm-start.json) and the admin API token. */
export async function findStart(home = defaultHome()) {
  const file = join(home, 'npm-start.json');
  const how = 'start it in another terminal with `npm start` (and run `npm run demo` again), or run `npm start -- --demo` to start it with the demo fleet';
  if (!existsSync(file)) throw new NoCollectorError(`no collector from \`npm start\` is running (there is no ${file}): ${how}`);
  let info;
  try {
    info = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new NoCollectorError(`${file} is not what npm start writes (${err.message}): ${how}`);
  }
  if (typeof info.pid !== 'number' || !alive(info.pid)) throw new NoCollectorError(`the npm start that wrote ${file} (process ${info.pid}) is not running any more: ${how}`);
  try {
    const res = await fetch(`${info.api}/v1/health`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    throw new NoCollectorError(`the collector of npm start (process ${info.pid}) does not answer at ${info.api} (${err.message}): ${how}`);
  }
  const tokenFile = join(home, 'admin-api-token');
  if (!existsSync(tokenFile)) throw new NoCollectorError(`npm start has not made its admin API token yet (${tokenFile}): wait until it prints its summary, then run the demo again`);
  const token = readFileSync(tokenFile, 'utf8').split('\n')[0].trim();
  return { ...info, home, token };
}

/** Every item of a paged list endpoint. */
async function all(call, path) {
  const items = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1000&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

/**
 * Adds the demo fleet to the running collector `start` ({ grpc, api, certs, token }, from
 * findStart or from start.mjs itself) and returns what there is to explore. Prints progress with
 * `say`. When the collector has demo laptops already, adds none and shows those.
 */
export async function runDemo({ start, laptops = 250, seed = 7, workers, say = () => {} }) {
  const collector = connectCollector({ grpc: start.grpc, api: start.api, token: start.token, certs: start.certs });
  const t0 = Date.now();
  const already = (await all(collector.call, '/v1/devices')).filter((d) => d.demo).length;
  if (already > 0) {
    say(`the collector has ${already} demo laptops already: none added (remove them with \`npm run demo -- --purge\` to start again)`);
    return { added: 0, ...(await explore(collector)) };
  }
  const fleet = planDemoFleet({ laptops, seed });
  const n = workers ?? Math.min(4, Math.max(1, Math.ceil(laptops / 250)));
  say(`registering ${laptops} demo laptops as IT would (one CSV, a one-time token each)…`);
  await registerFleet(collector, fleet, { demo: true });
  const stream = await alertStream(collector);
  const work = mkdtempSync(join(tmpdir(), 'farmwatch-demo-'));
  const runners = new FleetWorkers({ fleet, workers: n, collector, workDir: work, heartbeatMs: 30_000 });
  const quiet = async (since, ms = 2000) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() - stream.lastAt(since) < ms && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  };
  try {
    say(`enrolling them (each its own key and certificate) and streaming their first reports over mutual TLS (${n} worker process${n > 1 ? 'es' : ''})…`);
    const p0 = Date.now();
    await runners.start();
    await quiet(p0);
    say(`  ${laptops} laptops enrolled and reported in ${((Date.now() - p0) / 1000).toFixed(1)} s; ${stream.events.length} alert changes so far`);
    say('then what happens later: operators connect over AnyDesk, IP-KVMs are plugged in, laptops move abroad, travellers switch on VPNs…');
    const p1 = Date.now();
    await runners.phase(1);
    await quiet(p1);
    say(`  reported in ${((Date.now() - p1) / 1000).toFixed(1)} s; ${stream.events.length} alert changes in all`);
    say('the demo laptops shut down (their agents say so: the collector shows them stopped, not silent)');
    await runners.stop({ announce: 'shutdown' });
  } finally {
    runners.kill();
    await stream.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { added: laptops, seconds: (Date.now() - t0) / 1000, ...(await explore(collector)) };
}

/** What an analyst can look at now: open alerts by severity, the farm clusters, laptops worth opening. */
async function explore(collector) {
  const alerts = await all(collector.call, '/v1/alerts?status=active');
  const clusters = alerts.filter((a) => a.scope === 'cluster').sort((a, b) => b.score - a.score || b.memberCount - a.memberCount);
  const risky = alerts.filter((a) => a.rule === 'device.risk' && a.demo).sort((a, b) => b.score - a.score);
  return { alerts, clusters, risky };
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const bySeverity = (alerts) => SEVERITIES.map((s) => [s, alerts.filter((a) => a.severity === s).length]).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ') || 'none';

/** The lines that say where to look, for a result of runDemo. */
export function whereToLook(api, r) {
  const lines = [`Open cases: ${r.alerts.length} (${bySeverity(r.alerts)}); ${r.clusters.length} of them about clusters (${bySeverity(r.clusters)}).`];
  const farms = r.clusters.filter((a) => a.severity === 'critical' || a.severity === 'high').slice(0, 3);
  if (farms.length > 0) lines.push('Farm clusters (their graph and map):', ...farms.map((a) => `  ${api}/clusters/${encodeURIComponent(a.deviceId)}  ${a.severity}: ${a.title}`));
  // The riskiest laptop, and the first driven through an IP-KVM and the first online abroad, when others.
  const picks = [];
  for (const want of [() => true, (a) => /KVM/.test(a.title), (a) => /Online from [A-Z]{2}/.test(a.title)]) {
    const a = r.risky.find((x) => want(x) && !picks.includes(x));
    if (a) picks.push(a);
  }
  if (picks.length > 0) lines.push('Laptops with findings:', ...picks.map((a) => `  ${api}/devices/${encodeURIComponent(a.deviceId)}  ${a.hostname}: ${a.title}`));
  lines.push(`The case queue (one row per laptop, one per cluster): ${api}/alerts (clusters only: ${api}/alerts?scope=cluster); demo laptops and their cases are tagged "demo".`);
  lines.push('Remove the demo laptops and all they left: npm run demo -- --purge (or npx farmwatch-collector devices purge-demo).');
  return lines;
}

/** Removes every demo laptop from the running collector (POST /v1/devices/purge-demo). */
export async function purgeDemo({ start }) {
  const call = connectCollector({ grpc: start.grpc, api: start.api, token: start.token, certs: start.certs }).call;
  return call('POST', '/v1/devices/purge-demo');
}

/**
 * For `npm start -- --demo`: the demo against the collector start.mjs has just started, with its
 * progress and where to look printed; a failure is printed and npm start goes on.
 */
export async function demoForStart(start, { out = process.stdout } = {}) {
  const say = (line) => out.write(`demo: ${line}\n`);
  try {
    const r = await runDemo({ start, say });
    out.write(['', ...whereToLook(start.api, r), ''].join('\n'));
    return r;
  } catch (err) {
    say(`the demo fleet could not be added: ${err.message}`);
    return undefined;
  }
}
