// A throwaway HAProxy in TCP mode for tests: a generated configuration in a temporary folder, one
// frontend on 127.0.0.1 on a free port, the backends given (host:port), each health-checked by a
// TCP connect, and an admin socket in the folder to read which backends are up. On request it
// sends each backend a PROXY protocol v2 header naming the client (send-proxy-v2), connects to the
// backends from a given source address, or also listens on [::1]. Debian's haproxy
// is installed first when missing (as root). It is started to die with the process that started
// it; stop() (or the process exiting) removes everything.
import { execFile, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { canInstall, findProgram, installPackage } from './debian.mjs';
import { freePort, onExit, sleep, tail, throwawayFolder } from './throwaway.mjs';

const execFileP = promisify(execFile);

/** Why tests that need HAProxy cannot run here, or undefined when they can. */
export function haproxyUnavailable() {
  if (findProgram('haproxy') || canInstall()) return undefined;
  return 'HAProxy is not installed and this is not root to install it: sudo apt-get install -y haproxy';
}

async function haproxyProgram() {
  const found = findProgram('haproxy');
  if (found) return found;
  await installPackage('haproxy', 'a throwaway HAProxy for the tests');
  const installed = findProgram('haproxy');
  if (!installed) throw new Error('apt-get installed haproxy, but there is no haproxy program in $PATH, /usr/sbin or /sbin');
  return installed;
}

const BACKEND = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/;

const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]+)$/;

/** The configuration: TCP mode, health checks, a failed connection retried on another backend. */
export function haproxyConfig(o) {
  if (o.backends.length === 0) throw new Error('HAProxy needs at least one backend (HOST:PORT)');
  if (o.source !== undefined && !ADDRESS.test(o.source)) throw new Error(`source ${JSON.stringify(o.source)}: give an IP address, e.g. 127.0.0.5`);
  for (const b of o.backends) {
    const m = BACKEND.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error(`backend ${JSON.stringify(b)}: give HOST:PORT, e.g. 127.0.0.1:7443`);
  }
  return [
    'global',
    `  stats socket ${o.socket} mode 600 level admin`,
    '  maxconn 4096',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 1h',
    '  timeout server 1h',
    '  retries 2',
    '  option redispatch',
    '',
    'frontend agents',
    `  bind 127.0.0.1:${o.port}`,
    ...(o.ipv6 ? [`  bind [::1]:${o.port}`] : []),
    '  default_backend collectors',
    '',
    'backend collectors',
    `  balance ${o.balance}`,
    ...(o.source ? [`  source ${o.source}`] : []),
    `  default-server check inter ${o.interval}ms fall ${o.fall} rise ${o.rise} on-marked-down shutdown-sessions${o.sendProxy ? ' send-proxy-v2' : ''}`,
    ...o.backends.map((b, i) => `  server b${i + 1} ${b}`),
    '',
  ].join('\n');
}

export async function startHaproxy(opts) {
  const program = await haproxyProgram();
  const dir = throwawayFolder('farmwatch-haproxy');
  const removeFolder = () => rmSync(dir, { recursive: true, force: true });
  const exitHook = onExit(removeFolder);
  try {
    const socket = join(dir, 'admin.sock');
    const file = join(dir, 'haproxy.cfg');
    const setpriv = findProgram('setpriv');
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const config = opts.config?.({ port, socket }) ?? haproxyConfig({
        port, socket, backends: opts.backends ?? [], interval: opts.checkIntervalMs ?? 200, fall: opts.fall ?? 2, rise: opts.rise ?? 1, balance: opts.balance ?? 'roundrobin',
        sendProxy: opts.sendProxy ?? false, source: opts.source, ipv6: opts.ipv6 ?? false,
      });
      writeFileSync(file, config);
      try {
        await execFileP(program, ['-c', '-q', '-f', file], { timeout: 30_000 });
      } catch (err) {
        throw new Error(`haproxy refused the configuration ${file}: ${tail(`${err.stdout ?? ''}${err.stderr ?? err.message}`)}`);
      }
      const args = ['-db', '-f', file];
      const child = setpriv
        ? spawn(setpriv, ['--pdeathsig', 'TERM', '--', program, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(program, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout.on('data', (d) => (log += d.toString()));
      child.stderr.on('data', (d) => (log += d.toString()));
      const killHook = onExit(() => child.kill('SIGKILL'));
      const ready = await waitListening(child, port, () => log);
      if (ready === 'port taken') {
        killHook.cancel();
        lastError = tail(log);
        continue;
      }
      return haproxy(child, { port, config, socket, dir, log: () => log, done: () => { killHook.cancel(); exitHook.cancel(); } });
    }
    throw new Error(`HAProxy could not listen on a free port in 3 tries: ${lastError}`);
  } catch (err) {
    removeFolder();
    exitHook.cancel();
    throw err;
  }
}

function tryConnect(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitListening(child, port, log) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/cannot bind|Address already in use/i.test(log())) return 'port taken';
      throw new Error(`HAProxy exited before listening (exit ${child.exitCode ?? child.signalCode}):\n${tail(log())}`);
    }
    if (await tryConnect(port)) return 'ready';
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`HAProxy did not listen on 127.0.0.1:${port} within 15 s:\n${tail(log())}`);
    }
    await sleep(50);
  }
}

/** One command on HAProxy's admin socket; its whole answer. */
function adminCommand(socket, command) {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.once('error', reject);
    s.once('end', () => resolve(out));
    s.once('connect', () => s.end(`${command}\n`));
  });
}

function haproxy(child, s) {
  let stopping;
  const backendStatus = async () => {
    // `show stat` is CSV with a "# pxname,svname,...,status,..." header line.
    const csv = await adminCommand(s.socket, 'show stat');
    const [header, ...rows] = csv.trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const px = columns.indexOf('pxname');
    const sv = columns.indexOf('svname');
    const st = columns.indexOf('status');
    if (px < 0 || sv < 0 || st < 0) throw new Error(`HAProxy's "show stat" answered without pxname, svname and status columns: ${csv.slice(0, 200)}`);
    const statuses = new Map();
    for (const row of rows) {
      const cells = row.split(',');
      if (cells[px] && cells[sv] && cells[sv] !== 'BACKEND' && cells[sv] !== 'FRONTEND') statuses.set(cells[sv], cells[st] ?? '');
    }
    return statuses;
  };
  return {
    port: s.port,
    address: `127.0.0.1:${s.port}`,
    config: s.config,
    backendStatus,
    async waitFor(name, status, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let seen;
      while (Date.now() < deadline) {
        seen = (await backendStatus()).get(name);
        if (seen === undefined) throw new Error(`HAProxy has no server ${name}`);
        if (seen === status) return;
        await sleep(50);
      }
      throw new Error(`HAProxy's server ${name} was still ${seen ?? 'unknown'}, not ${status}, after ${timeoutMs} ms`);
    },
    log: s.log,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(s.dir, { recursive: true, force: true });
        s.done();
      })();
      return stopping;
    },
  };
}
