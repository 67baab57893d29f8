#!/usr/bin/env node
// `npm start`: the main job on this machine. Runs a collector on 127.0.0.1 with its embedded
// SQLite database and HTTP API, registers this machine as IT would (`devices add`), enrolls the
// local agent with the one-time token, runs it with the certificate it was issued, waits until the
// first report has arrived, shows it, and says where to look next. Ctrl-C stops both (the agent
// says it stopped).
//
// State lives in var/ (or $FARMWATCH_HOME): certs/, collector.db, agent/ (the agent's key,
// certificate and pinned CA), admin-api-token, admin-login (the web console's first admin). The collector listens on port 7443
// ($FARMWATCH_PORT) and its API on 7480 ($FARMWATCH_HTTP_PORT), or on free ports when taken.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const home = process.env.FARMWATCH_HOME ?? join(root, 'var');
const certs = join(home, 'certs');
const db = join(home, 'collector.db');
const agentDir = join(home, 'agent');
const tokenFile = join(home, 'admin-api-token');
const loginFile = join(home, 'admin-login');
const wantedPort = Number(process.env.FARMWATCH_PORT ?? 7443);
const wantedHttpPort = Number(process.env.FARMWATCH_HTTP_PORT ?? (wantedPort === 0 ? 0 : 7480));
const collectorCli = join(root, 'collector', 'dist', 'cli.js');
const agentCli = join(root, 'agent', 'dist', 'cli.js');
const show = (p) => relative(process.cwd(), p) || '.';
const quietEnv = { ...process.env, FARMWATCH_LOG_LEVEL: process.env.FARMWATCH_LOG_LEVEL ?? 'warn' };

function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function waitForLine(child, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (code ${code}) before it was ready`));
    });
  });
}

/** Runs a collector CLI command against this state folder; throws with its words when it fails. */
function cli(args, { json = false } = {}) {
  const r = spawnSync(process.execPath, [collectorCli, ...args, '--db', db], { encoding: 'utf8', env: quietEnv });
  if (r.status !== 0) throw new Error(`farmwatch-collector ${args[0]} ${args[1] ?? ''} failed: ${(r.stderr || r.stdout).trim()}`);
  return json ? JSON.parse(r.stdout) : r.stdout;
}

/** This machine as IT would register it: its serial (or machine id when firmware has none), its user, its time zone. */
function thisMachine() {
  const r = spawnSync(process.execPath, [agentCli, 'scan', '--json'], { encoding: 'utf8', env: quietEnv });
  const host = JSON.parse(r.stdout || '{}').host ?? {};
  const serial = host.hardwareSerial || `machine-${String(host.machineIdHash ?? hostname()).slice(0, 16)}`;
  const user = (() => { try { return userInfo().username; } catch { return 'it'; } })();
  const zone = host.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  // Ship-to: $FARMWATCH_SHIP_TO, else the largest city of this machine's time zone (London for UTC).
  let shipTo = process.env.FARMWATCH_SHIP_TO;
  if (!shipTo) {
    const city = createRequire(import.meta.url)('city-timezones').cityMapping
      .filter((c) => c.timezone === zone).sort((a, b) => b.pop - a.pop)[0];
    shipTo = city ? [city.city, city.province, city.iso2].join(', ') : 'London, England, GB';
  }
  return { serial, assignee: `${user} <${user}@${hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost'}.local>`, shipTo, zone };
}

/** Registers this machine once, and enrolls the agent whenever it has no identity this collector trusts. */
function enrollThisMachine(server) {
  const me = thisMachine();
  const devices = cli(['devices', 'list', '--json'], { json: true });
  let mine = devices.find((d) => d.registration?.serial === me.serial);
  let token;
  if (!mine) {
    const r = cli(['devices', 'add', '--serial', me.serial, '--assignee', me.assignee, '--ship-to', me.shipTo, '--timezone', me.zone, '--json'], { json: true });
    mine = { id: r.registration.deviceId, state: 'registered' };
    token = r.token;
  }
  const recordFile = join(agentDir, 'enrollment.json');
  const record = existsSync(recordFile) ? JSON.parse(readFileSync(recordFile, 'utf8')) : undefined;
  const trusted = record && record.deviceId === mine.id && mine.state !== 'revoked' && mine.state !== 'registered' && record.notAfterMs > Date.now() + 86_400_000;
  if (trusted) return mine.id;
  token ??= cli(['tokens', 'create', mine.id, '--json'], { json: true }).token;
  const enroll = (t) => spawnSync(process.execPath, [agentCli, 'enroll', '--server', server, '--ca', join(certs, 'ca.pem'), '--token', t, '--dir', agentDir], { encoding: 'utf8', env: quietEnv });
  let e = enroll(token);
  // The collector knows this machine under another device (registered earlier under another
  // serial): enroll as that device.
  const known = /enroll with a token for (dev_[A-Za-z0-9]+)/.exec(e.stderr ?? '');
  if (e.status !== 0 && known) {
    mine = { id: known[1] };
    e = enroll(cli(['tokens', 'create', mine.id, '--json'], { json: true }).token);
  }
  if (e.status !== 0) throw new Error(`the agent could not enroll: ${(e.stderr || e.stdout).trim()}`);
  return mine.id;
}

/** The admin's API token, made once and kept (mode 0600) in the state folder. */
function adminToken() {
  if (existsSync(tokenFile)) {
    const id = Number(readFileSync(tokenFile, 'utf8').split('\n')[1]);
    const live = cli(['api-tokens', 'list', '--json'], { json: true }).some((t) => t.id === id && t.revokedMs === null);
    if (live) return readFileSync(tokenFile, 'utf8').split('\n')[0];
  }
  const t = cli(['api-tokens', 'create', '--name', 'npm-start admin', '--role', 'admin', '--json'], { json: true });
  writeFileSync(tokenFile, `${t.token}\n${t.id}\n`, { mode: 0o600 });
  return t.token;
}

/** Logs in to the console with a name and password (and out again): true when they work. */
async function loginWorks(api, name, password) {
  const res = await fetch(`${api}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  if (!res.ok) return false;
  const { csrfToken } = await res.json();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  await fetch(`${api}/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
  return true;
}

/** The console's first admin ("admin", a generated password), kept (mode 0600) in the state folder. */
async function adminLogin(api) {
  let note = '';
  if (existsSync(loginFile)) {
    const [name, password] = readFileSync(loginFile, 'utf8').split('\n');
    if (name && password && (await loginWorks(api, name, password))) return { name, password, note };
    note = ` (the password kept there did not log in any more, so it was reset)`;
  }
  const admin = cli(['users', 'list', '--json'], { json: true }).find((u) => u.name === 'admin');
  if (admin?.disabledMs) cli(['users', 'enable', 'admin']);
  const made = admin ? cli(['users', 'password', 'admin', '--json'], { json: true }) : cli(['users', 'create', '--name', 'admin', '--role', 'admin', '--json'], { json: true });
  writeFileSync(loginFile, `admin\n${made.password}\n`, { mode: 0o600 });
  if (!(await loginWorks(api, 'admin', made.password))) throw new Error('the console login just made does not work');
  return { name: 'admin', password: made.password, note };
}

async function waitForReport(deviceId, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const me = cli(['devices', 'list', '--json'], { json: true }).find((d) => d.id === deviceId && d.lastSequence > 0 && Date.now() - d.lastSeenMs < 60_000);
    if (me) return me;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no report from the agent within ${timeoutMs / 1000} s`);
}

// Certificates for this state folder (kept when valid; bootstrap has made var/certs already).
spawnSync(process.execPath, [join(root, 'scripts', 'make-certs.mjs'), '--dir', certs, '--quiet'], { stdio: 'inherit' });

const port = (await portFree(wantedPort)) ? wantedPort : 0;
const httpPort = wantedHttpPort !== 0 && (await portFree(wantedHttpPort)) ? wantedHttpPort : 0;
// --trusted-proxy 127.0.0.1/32: the collector listens on loopback only, so whatever connects from
// 127.0.0.1 runs on this machine; `npm run demo`'s simulated laptops send their public address in
// X-Forwarded-For from there, as a load balancer would (this machine's own agent sends none).
const collector = spawn(process.execPath, [collectorCli, 'serve', '--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${httpPort}`, '--db', db, '--tls-dir', certs, '--trusted-proxy', '127.0.0.1/32'], {
  stdio: ['ignore', 'pipe', 'inherit'], env: quietEnv,
});
let agent;
const stopAll = () => {
  if (agent && agent.exitCode === null) agent.kill('SIGTERM');
  const stopCollector = () => { if (collector.exitCode === null) collector.kill('SIGTERM'); };
  if (agent && agent.exitCode === null) agent.once('exit', stopCollector);
  else stopCollector();
};
process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);

try {
  const [, listenPort, apiPort] = await waitForLine(collector, /listening on 127\.0\.0\.1:(\d+) .*API on http:\/\/127\.0\.0\.1:(\d+)/, 20_000, 'the collector');
  const server = `127.0.0.1:${listenPort}`;
  const api = `http://127.0.0.1:${apiPort}`;
  // Where `npm run demo` finds this collector (scripts/demo); removed on exit.
  const startFile = join(home, 'npm-start.json');
  writeFileSync(startFile, `${JSON.stringify({ pid: process.pid, startedAtMs: Date.now(), grpc: server, api, db: resolve(db), certs: resolve(certs) })}\n`);
  process.once('exit', () => { try { if (JSON.parse(readFileSync(startFile, 'utf8')).pid === process.pid) rmSync(startFile); } catch { /* gone already */ } });
  const deviceId = enrollThisMachine(server);
  const token = adminToken();
  const login = await adminLogin(api);
  agent = spawn(process.execPath, [agentCli, 'run', '--dir', agentDir, '--server', server, '--interval', '60', '--heartbeat', '30'], {
    stdio: ['ignore', 'inherit', 'inherit'], env: quietEnv,
  });
  agent.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`the agent exited with code ${code}\n`);
  });
  const me = await waitForReport(deviceId, 30_000);
  const c = 'npx farmwatch-collector';
  const dbFlag = db === join(root, 'var', 'collector.db') && process.cwd() === root.replace(/\/$/, '') ? '' : ` --db ${show(db)}`;
  process.stdout.write([
    '',
    `farmwatch is running: collector on ${server} (database ${show(db)}), agent reporting this machine as ${me.hostname} (${me.id}),`,
    `enrolled with its own certificate (${show(agentDir)}).`,
    '',
    `Web console: ${api}/`,
    `  log in as "${login.name}" with the password ${login.password}`,
    `  (kept in ${show(loginFile)}, mode 0600${login.note}; more people: ${c} users create --name NAME --role analyst${dbFlag})`,
    '',
    `HTTP API: ${api} (OpenAPI document at ${api}/v1/openapi.json, Prometheus metrics at ${api}/metrics)`,
    `Admin API token (kept in ${show(tokenFile)}, mode 0600):`,
    `  curl -H "Authorization: Bearer ${token}" ${api}/v1/alerts`,
    '',
    'What the collector has from this machine:',
    '',
    cli(['devices', 'show', me.id]),
    cli(['alerts', 'list']),
    'Where to look next (in another terminal, from this folder):',
    `  ${c} alerts list${dbFlag}        alerts, most severe first (--json for machines)`,
    `  ${c} alerts show ID${dbFlag}     one alert, its score explained, its evidence`,
    `  ${c} devices show ${me.hostname}${dbFlag}   this machine as the collector sees it`,
    `  ${c} devices add --serial S --assignee "Name <email>" --ship-to "City, Region, Country" --timezone Area/City${dbFlag}`,
    `  ${c} clusters list${dbFlag}      laptops that share a home, a KVM or a remote-access peer`,
    `  npx farmwatch-agent scan         this machine's findings, straight from the agent`,
    '',
    'The agent scans every 60 s and sends a heartbeat every 30 s. Ctrl-C stops both.',
    '',
  ].join('\n'));
  // npm start -- --demo: a simulated fleet for the console to show (scripts/demo).
  if (process.argv.includes('--demo')) await (await import('./demo/run.mjs')).demoForStart({ grpc: server, api, certs, token });
} catch (err) {
  process.stderr.write(`npm start: ${err.message}\n`);
  stopAll();
  process.exitCode = 1;
}
