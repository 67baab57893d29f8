#!/usr/bin/env node
// `npm start`: the main job on this machine. Runs a collector on 127.0.0.1 with its embedded
// SQLite database and an agent that reports this machine to it, waits until the first report has
// arrived, shows it, and says where to look next. Ctrl-C stops both (the agent says it stopped).
//
// State lives in var/ (or $FARMWATCH_HOME): certs/, collector.db. The collector listens on port
// 7443 ($FARMWATCH_PORT), or on a free port when that one is taken.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const home = process.env.FARMWATCH_HOME ?? join(root, 'var');
const certs = join(home, 'certs');
const db = join(home, 'collector.db');
const wantedPort = Number(process.env.FARMWATCH_PORT ?? 7443);
const collectorCli = join(root, 'collector', 'dist', 'cli.js');
const agentCli = join(root, 'agent', 'dist', 'cli.js');
const show = (p) => relative(process.cwd(), p) || '.';


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

function cli(args) {
  const r = spawnSync(process.execPath, [collectorCli, ...args, '--db', db], { encoding: 'utf8' });
  return r.stdout;
}

async function waitForReport(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const devices = JSON.parse(cli(['devices', 'list', '--json']) || '[]');
    const me = devices.find((d) => d.lastSequence > 0 && Date.now() - d.lastSeenMs < 60_000);
    if (me) return me;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no report from the agent within ${timeoutMs / 1000} s`);
}

// Certificates for this state folder (kept when valid; bootstrap has made var/certs already).
spawnSync(process.execPath, [join(root, 'scripts', 'make-certs.mjs'), '--dir', certs, '--quiet'], { stdio: 'inherit' });

const port = (await portFree(wantedPort)) ? wantedPort : 0;
const collector = spawn(process.execPath, [collectorCli, 'serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--tls-dir', certs], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FARMWATCH_LOG_LEVEL: process.env.FARMWATCH_LOG_LEVEL ?? 'warn' },
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
  const [, listenPort] = await waitForLine(collector, /listening on 127\.0\.0\.1:(\d+)/, 20_000, 'the collector');
  const server = `127.0.0.1:${listenPort}`;
  agent = spawn(process.execPath, [
    agentCli, 'run', '--server', server, '--ca', join(certs, 'ca.pem'),
    '--cert', join(certs, 'client.pem'), '--key', join(certs, 'client-key.pem'), '--interval', '60', '--heartbeat', '30',
    '--state-dir', join(home, 'agent'),
  ], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FARMWATCH_LOG_LEVEL: process.env.FARMWATCH_LOG_LEVEL ?? 'warn' } });
  agent.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`the agent exited with code ${code}\n`);
  });
  const me = await waitForReport(30_000);
  const c = 'npx farmwatch-collector';
  const dbFlag = db === join(root, 'var', 'collector.db') && process.cwd() === root.replace(/\/$/, '') ? '' : ` --db ${show(db)}`;
  process.stdout.write([
    '',
    `farmwatch is running: collector on ${server} (database ${show(db)}), agent reporting this machine as ${me.hostname} (${me.id}).`,
    '',
    'What the collector has from this machine:',
    '',
    cli(['devices', 'show', me.id]),
    cli(['alerts', 'list']),
    'Where to look next (in another terminal, from this folder):',
    `  ${c} alerts list${dbFlag}        alerts, most severe first (--json for machines)`,
    `  ${c} alerts show ID${dbFlag}     one alert with its evidence`,
    `  ${c} devices show ${me.hostname}${dbFlag}   this machine as the collector sees it`,
    `  npx farmwatch-agent scan         this machine's findings, straight from the agent`,
    '',
    'The agent scans every 60 s and sends a heartbeat every 30 s. Ctrl-C stops both.',
    '',
  ].join('\n'));
} catch (err) {
  process.stderr.write(`npm start: ${err.message}\n`);
  stopAll();
  process.exitCode = 1;
}
