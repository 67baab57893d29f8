#!/usr/bin/env node
// `npm start`: the main job on this machine. Runs a collector on 127.0.0.1 with its embedded
// SQLite database and HTTP API, registers this machine as IT would (`devices add`), enrolls the
// local agent with the one-time token, runs it with the certificate it was issued, waits until the
// first report has arrived, shows it, and says where to look next. Ctrl-C stops both (the agent
// says it stopped).
//
// State lives in var/ (or $FARMWATCH_HOME): certs/, collector.db, agent/ (the agent's key,
// certificate and pinned CA), admin-api-token, admin-login (the web console's first admin), and
// npm-start.json while it runs (its process, ports and files: one npm start per state folder; a
// second one is refused with exit 2, and a file left by a run that was killed is taken over). The
// collector listens on port 7443 ($FARMWATCH_PORT) and its API on 7480 ($FARMWATCH_HTTP_PORT), or
// on free ports when taken.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const home = resolve(process.env.FARMWATCH_HOME ?? join(root, 'var'));
const certs = join(home, 'certs');
const db = join(home, 'collector.db');
const agentDir = join(home, 'agent');
const tokenFile = join(home, 'admin-api-token');
const loginFile = join(home, 'admin-login');
const runFile = join(home, 'npm-start.json');
const wantedPort = Number(process.env.FARMWATCH_PORT ?? 7443);
const wantedHttpPort = Number(process.env.FARMWATCH_HTTP_PORT ?? (wantedPort === 0 ? 0 : 7480));
const collectorCli = join(root, 'collector', 'dist', 'cli.js');
const agentCli = join(root, 'agent', 'dist', 'cli.js');
const show = (p) => relative(process.cwd(), p) || '.';
const quietEnv = { ...process.env, FARMWATCH_LOG_LEVEL: process.env.FARMWATCH_LOG_LEVEL ?? 'warn' };

const began = Date.now();
/** The step under way, for Ctrl-C; each is announced on stderr with the time since start. */
let step = 'starting';
function progress(what) {
  step = what;
  process.stderr.write(`npm start: ${what} (${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
}

/** True when PID is a live `npm start` (scripts/start.mjs), not just any process that got its number. */
function isStartProcess(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start.mjs');
  } catch {
    return false;
  }
}

/**
 * Takes this state folder for this process: npm-start.json, created exclusively. A live holder
 * means another npm start uses the same database, certificates and agent identity: refuse (exit 2)
 * and say which process it is. A file whose process is gone (a run killed with SIGKILL, a reboot)
 * is taken over.
 */
function takeStateFolder() {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(runFile, JSON.stringify({ pid: process.pid, startedAtMs: began }) + '\n', { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw new Error(`cannot write ${show(runFile)}: ${err.message}`);
    }
    let held;
    try {
      held = JSON.parse(readFileSync(runFile, 'utf8'));
    } catch {
      held = undefined; // half-written or unreadable: nobody can be using it
    }
    if (held && Number.isInteger(held.pid) && held.pid !== process.pid && isStartProcess(held.pid)) {
      process.stderr.write([
        `npm start: another npm start (pid ${held.pid}, since ${new Date(held.startedAtMs).toISOString()}) is running with the state folder ${show(home)}`,
        held.api ? `  (collector on ${held.grpc}, web console ${held.api}/).` : '',
        '  Use that one, or stop it first (Ctrl-C in its terminal, or `kill ' + held.pid + '`).',
        '  A second, separate farmwatch needs its own state folder: FARMWATCH_HOME=/tmp/farmwatch-2 npm start',
        '',
      ].filter((l) => l !== '').join('\n') + '\n');
      process.exit(2);
    }
    process.stderr.write(`npm start: taking over ${show(runFile)} from pid ${held?.pid ?? '?'}, which is not running any more\n`);
    stopLeftBehind(held);
    rmSync(runFile, { force: true });
  }
  throw new Error(`could not take ${show(runFile)}: another npm start keeps taking it`);
}

/**
 * A run killed with SIGKILL cannot stop its collector and agent (they have their own process
 * groups): stop the ones it recorded, when they still run this checkout's programs on this state
 * folder, before they are started again on the same database, identity and spool.
 */
function stopLeftBehind(held) {
  for (const [key, cli, name] of [['agentPid', agentCli, 'agent'], ['collectorPid', collectorCli, 'collector']]) {
    const pid = held?.[key];
    if (!Number.isInteger(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone (or not Linux: nothing we can check, so nothing we kill)
    }
    if (!cmdline.includes(cli) || !cmdline.includes(home)) continue;
    process.stderr.write(`npm start: stopping the ${name} (pid ${pid}) that the killed run left running\n`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && existsSync(`/proc/${pid}`)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  }
}

function releaseStateFolder() {
  try {
    if (JSON.parse(readFileSync(runFile, 'utf8')).pid === process.pid) rmSync(runFile, { force: true });
  } catch {
    // gone already
  }
}

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
    const onData = (chunk) => {
      buffer += chunk;
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        // From here on its output goes to the terminal as it comes, not into a buffer.
        child.stdout.removeListener('data', onData);
        child.stdout.pipe(process.stderr);
        resolve(m);
      }
    };
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (code ${code}) before it was ready`));
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
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

takeStateFolder();

let building;
let collector;
let agent;
let ready = false;
let stopping;

/** Stops a child with SIGTERM and waits for it; says what stopped. */
function stopChild(child, name, after) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', (code, signal) => {
      process.stderr.write(`  ${name} (pid ${child.pid}) stopped${signal ? ` by ${signal}` : code === 0 ? '' : ` with exit code ${code}`}${after}\n`);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function stopAll(why) {
  stopping ??= stopInOrder(why);
  return stopping;
}

async function stopInOrder(why) {
  process.stderr.write(`\nnpm start: ${why}${ready ? '' : ` while ${step}`}; stopping what it started:\n`);
  if (building) building.kill('SIGINT');
  await stopChild(agent, 'the agent', ', and told the collector it was stopped');
  await stopChild(collector, 'the collector', `; its database is kept in ${show(db)}`);
  releaseStateFolder();
  if (!ready) process.exitCode = process.exitCode || 130;
  process.stderr.write(`npm start: stopped. The state folder ${show(home)} keeps the database, certificates and the agent's identity: npm start again goes on from there.\n`);
}
for (const [signal, why] of [['SIGINT', 'Ctrl-C'], ['SIGTERM', 'SIGTERM'], ['SIGHUP', 'the terminal closed']]) {
  process.once(signal, () => void stopAll(why));
}

// Everything npm start needs (packages, the build, the console, the agent executable, certificates),
// made after the state folder is ours, so that a second npm start cannot rebuild what this one runs.
progress('checking the packages and the build (scripts/bootstrap.mjs)');
const built = await new Promise((resolve) => {
  building = spawn(process.execPath, [join(root, 'scripts', 'bootstrap.mjs')], { stdio: 'inherit' });
  building.once('exit', (code, signal) => resolve(signal ? 130 : code));
});
building = undefined;
if (stopping) {
  await stopping;
  process.exit();
}
if (built !== 0) {
  releaseStateFolder();
  process.exit(built ?? 1);
}

// Certificates for this state folder (kept when valid; bootstrap has made them already).
progress('checking the certificates');
spawnSync(process.execPath, [join(root, 'scripts', 'make-certs.mjs'), '--dir', certs, '--quiet'], { stdio: 'inherit' });

const port = (await portFree(wantedPort)) ? wantedPort : 0;
const httpPort = wantedHttpPort !== 0 && (await portFree(wantedHttpPort)) ? wantedHttpPort : 0;
progress('starting the collector');
// Both programs get their own process group (detached), so that Ctrl-C in this terminal reaches
// only this script, which stops them in order: the agent first, so that it can tell the collector
// it was stopped, then the collector.
// --trusted-proxy 127.0.0.1/32: the collector listens on loopback only, so whatever connects from
// 127.0.0.1 runs on this machine; `npm run demo`'s simulated laptops send their public address in
// X-Forwarded-For from there, as a load balancer would (this machine's own agent sends none), and
// connect directly, without a PROXY protocol header (--proxy-protocol optional).
collector = spawn(process.execPath, [collectorCli, 'serve', '--listen', `127.0.0.1:${port}`, '--http', `127.0.0.1:${httpPort}`, '--db', db, '--tls-dir', certs,
  '--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional'], {
  stdio: ['ignore', 'pipe', 'inherit'], env: quietEnv, detached: true,
});

try {
  const [, listenPort, apiPort] = await waitForLine(collector, /listening on 127\.0\.0\.1:(\d+) .*API on http:\/\/127\.0\.0\.1:(\d+)/, 20_000, 'the collector');
  const server = `127.0.0.1:${listenPort}`;
  const api = `http://127.0.0.1:${apiPort}`;
  // What this run holds, for a second npm start's refusal, `npm run demo`, and a later run that
  // takes over after this one was killed.
  const record = (extra = {}) => writeFileSync(runFile, JSON.stringify({ pid: process.pid, startedAtMs: began, grpc: server, api, db, certs, collectorPid: collector.pid, ...extra }) + '\n', { mode: 0o600 });
  record();
  progress('registering and enrolling this machine (devices add, a one-time token, farmwatch-agent enroll)');
  const deviceId = enrollThisMachine(server);
  const token = adminToken();
  const login = await adminLogin(api);
  progress('starting the agent and waiting for its first report');
  agent = spawn(process.execPath, [agentCli, 'run', '--dir', agentDir, '--server', server, '--interval', '60', '--heartbeat', '30'], {
    stdio: ['ignore', 'inherit', 'inherit'], env: quietEnv, detached: true,
  });
  record({ agentPid: agent.pid });
  agent.once('exit', (code) => {
    if (!stopping && code !== 0 && code !== null) process.stderr.write(`npm start: the agent exited with code ${code}\n`);
  });
  collector.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`npm start: the collector exited (${signal ?? `code ${code}`}); stopping\n`);
      process.exitCode = 1;
      void stopAll('the collector exited');
    }
  });
  const me = await waitForReport(deviceId, 30_000);
  const c = 'npx farmwatch-collector';
  // The CLI finds <root>/var/collector.db from any folder of the checkout; another database needs --db.
  const dbFlag = db === join(root, 'var', 'collector.db') ? '' : ` --db ${show(db)}`;
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
    `  ${c} alerts list${dbFlag}        cases (one per laptop, one per cluster), most severe first (--json for machines)`,
    `  ${c} alerts show ID${dbFlag}     one case, its score explained, its findings and evidence`,
    `  ${c} devices show ${me.hostname}${dbFlag}   this machine as the collector sees it`,
    `  ${c} devices add --serial S --assignee "Name <email>" --ship-to "City, Region, Country" --timezone Area/City${dbFlag}`,
    `  ${c} clusters list${dbFlag}      laptops that share a home, a KVM or a remote-access peer`,
    `  npx farmwatch-agent scan         this machine's findings, straight from the agent`,
    `  npm run demo                     a simulated fleet of 250 laptops for the console (devices purge-demo removes it)`,
    '',
    'The agent scans every 60 s and sends a heartbeat every 30 s. Ctrl-C stops both.',
    '',
  ].join('\n'));
  ready = true;
  // npm start -- --demo: a simulated fleet for the console to show (scripts/demo). A demo that
  // fails says so and leaves this machine's collector and agent running.
  if (process.argv.includes('--demo')) {
    try {
      await (await import('./demo/run.mjs')).demoForStart({ grpc: server, api, certs, token });
    } catch (err) {
      process.stderr.write(`npm start: the demo fleet could not be added: ${err.message}\n`);
    }
  }
} catch (err) {
  process.stderr.write(`npm start: ${err.message}\n`);
  process.exitCode = 1;
  await stopAll('failed');
}
