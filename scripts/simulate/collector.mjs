// The real collector for a simulation or a benchmark: its own process (`farmwatch-collector serve`)
// on free ports with a fresh database and PKI in a temporary folder, an admin API token, the HTTP
// API, and the server-sent alert stream. Or one that runs already (`npm start`, for the demo):
// its addresses, its CA and an admin token.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COLLECTOR_CLI = join(ROOT, 'collector', 'dist', 'cli.js');

/** Resident memory of a process in MB (Linux /proc). */
export function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export async function startCollector({ work = mkdtempSync(join(tmpdir(), 'farmwatch-sim-')), args = [], env = {} } = {}) {
  const certs = join(work, 'certs');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'make-certs.mjs'), '--dir', certs, '--quiet']);
  const db = join(work, 'collector.db');
  // FARMWATCH_COLLECTOR_NODE_ARGS: Node.js flags for the collector, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p" to profile it under load.
  const nodeArgs = (process.env.FARMWATCH_COLLECTOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, COLLECTOR_CLI, 'serve', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--db', db, '--tls-dir', certs, ...args], {
    env: {
      ...process.env, FARMWATCH_LOG_FORMAT: 'json', FARMWATCH_LOG_LEVEL: process.env.FARMWATCH_LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
  });
  const [port, apiPort] = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+) [^\n]*\n/.exec(out);
      if (m) resolve([Number(m[1]), Number(/API on http:\/\/127\.0\.0\.1:(\d+)/.exec(m[0])?.[1] ?? 0)]);
    });
    child.once('exit', (code) => reject(new Error(`the collector exited (${code}) before listening:\n${stderr}`)));
  });
  const token = apiPort === 0 ? '' : JSON.parse(execFileSync(process.execPath, [COLLECTOR_CLI, 'api-tokens', 'create', '--name', 'simulator', '--role', 'admin', '--json', '--db', db], { encoding: 'utf8' })).token;
  const api = `http://127.0.0.1:${apiPort}`;
  const call = apiClient(api, token);
  return {
    work, db, certs, port, address: `127.0.0.1:${port}`, api, token, child, call,
    caPem: readFileSync(join(certs, 'ca.pem'), 'utf8'),
    stderr: () => stderr,
    rssMb: () => rssMb(child.pid),
    async stop({ keep = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!keep) rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Calls the HTTP API with a bearer token: the JSON answer, or an error naming the call and its answer. */
export function apiClient(api, token) {
  return async (method, path, body) => {
    const res = await fetch(`${api}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = await res.json();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/**
 * A collector that runs already: its gRPC address (host:port), its API, an admin API token and the
 * folder of its PKI (ca.pem), in the shape startCollector gives.
 */
export function connectCollector({ grpc, api, token, certs }) {
  return { address: grpc, api, token, call: apiClient(api, token), caPem: readFileSync(join(certs, 'ca.pem'), 'utf8') };
}

/** Every alert change from /v1/alerts/stream, with the time it arrived here. */
export async function alertStream(c) {
  const events = [];
  const controller = new AbortController();
  const res = await fetch(`${c.api}/v1/alerts/stream`, { headers: { authorization: `Bearer ${c.token}` }, signal: controller.signal });
  if (res.status !== 200) throw new Error(`alert stream: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) events.push({ atMs: Date.now(), doc: JSON.parse(data) });
        }
      }
    } catch (err) {
      if (err.name !== 'AbortError') throw err;
    }
  })();
  return {
    events,
    /** The time of the last alert change (or `sinceMs`). */
    lastAt: (sinceMs) => Math.max(sinceMs, ...events.map((e) => e.atMs)),
    close: async () => {
      controller.abort();
      await pump.catch(() => {});
    },
  };
}
