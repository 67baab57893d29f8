// Concurrent agent streams on one collector: 1,000 and 10,000 laptops, each on its own mutual-TLS
// connection and Ingest stream (enrolled with its own key and certificate), held by several client
// processes. Measured: the collector's resident memory per open stream, and the time from writing
// a batch to its ack (after commit) while every stream sends one batch per round at a random
// moment. Baseline in the same run: a bare grpc-js server of the same method, same TLS, that acks
// at once and stores nothing (bench/streams/echo-server.mjs), with the same clients.
//   FARMWATCH_BENCH_STREAMS=1000,10000   sizes (default both)
//   FARMWATCH_BENCH_STREAM_ROUNDS=3      load rounds; FARMWATCH_BENCH_STREAM_WINDOW_S=10: each round's window
import { execFileSync, fork, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLLECTOR_CLI, startCollector, rssMb } from '../scripts/simulate/collector.mjs';
import { latencyStats } from '../scripts/simulate/score.mjs';
import { Table, record } from './results.mjs';

const SIZES = (process.env.FARMWATCH_BENCH_STREAMS ?? '1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.FARMWATCH_BENCH_STREAM_ROUNDS ?? 3);
const WINDOW_MS = Number(process.env.FARMWATCH_BENCH_STREAM_WINDOW_S ?? 10) * 1000;
/** Streams per client process: grpc-js clients cost memory and CPU on the client side too. */
const PER_CLIENT = 2500;
const CLIENT = fileURLToPath(new URL('./streams/client.mjs', import.meta.url));
const ECHO = fileURLToPath(new URL('./streams/echo-server.mjs', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clients(n) {
  const count = Math.ceil(n / PER_CLIENT);
  return Array.from({ length: count }, () => {
    const child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
    const next = (type) => new Promise((resolve, reject) => {
      const on = (m) => {
        if (m.type === type || m.type === 'error') {
          child.off('message', on);
          if (m.type === 'error') reject(new Error(m.message));
          else resolve(m);
        }
      };
      child.on('message', on);
    });
    return { child, ask: (msg, answer) => { const p = next(answer); child.send(msg); return p; } };
  });
}

const split = (list, parts) => Array.from({ length: parts }, (_, i) => list.filter((_, j) => j % parts === i));

/** Connects every identity through fresh client processes, loads, and measures the server. */
async function run(server, serverPid, caPem, identities, catalogVersion = undefined) {
  const cs = clients(identities.length);
  try {
    await sleep(1000);
    global.gc?.();
    const idle = rssMb(serverPid);
    const shares = split(identities, cs.length);
    const connected = await Promise.all(cs.map((c, i) => c.ask({ type: 'connect', server, caPem, identities: shares[i], concurrency: 64, ...(catalogVersion ? { catalogVersion } : {}) }, 'connected')));
    await sleep(5000);
    const open = rssMb(serverPid);
    const n = connected.reduce((s, c) => s + c.connected, 0);
    const errors = Object.assign({}, ...connected.map((c) => c.errors));
    const loaded = await Promise.all(cs.map((c) => c.ask({ type: 'load', windowMs: WINDOW_MS, rounds: ROUNDS }, 'loaded')));
    const after = rssMb(serverPid);
    const lat = latencyStats(loaded.flatMap((l) => l.latencies));
    return {
      n, failed: identities.length - n, errors, connectS: Math.max(...connected.map((c) => c.ms)) / 1000, idleMb: idle, openMb: open, afterLoadMb: after,
      perStreamKb: n > 0 ? ((open - idle) * 1024) / n : NaN, lat, lost: loaded.reduce((s, l) => s + l.lost, 0),
      stillOpen: loaded.reduce((s, l) => s + l.stillOpen, 0), clientRssMb: connected.map((c) => Math.round(c.rssMb)),
    };
  } finally {
    for (const c of cs) c.child.send({ type: 'stop' });
    await sleep(1500);
    for (const c of cs) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  }
}

async function echoServer(certs) {
  const child = spawn(process.execPath, [ECHO, certs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { const m = /:(\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); });
    child.once('exit', (code) => reject(new Error(`echo server exited ${code}`)));
  });
  return { child, address: `127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

const rowsOf = (name, r) => [name, r.n, r.failed, r.connectS.toFixed(1), r.idleMb.toFixed(0), r.openMb.toFixed(0), r.perStreamKb.toFixed(1),
  r.lat.p50?.toFixed(1) ?? 'n/a', r.lat.p90?.toFixed(1) ?? 'n/a', r.lat.p99?.toFixed(1) ?? 'n/a', r.lat.max?.toFixed(0) ?? 'n/a', r.lost];

const table = new Table(`Concurrent streams: ${ROUNDS} rounds of one batch per stream at a random moment in ${WINDOW_MS / 1000} s; clients of ${PER_CLIENT} streams per process`,
  ['server', 'streams', 'failed', 'connect s', 'idle MB', 'open MB', 'KB/stream', 'ack p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'lost'], [36, 8, 7, 10, 8, 8, 10, 11, 8, 8, 8, 6]).header();
const ratios = new Table('Collector against the bare grpc-js server, same run', ['streams', 'memory per stream', 'ack p50', 'ack p99'], [10, 18, 10, 10]);
const results = [];
for (const size of SIZES) {
  const c = await startCollector({ args: ['--http', 'off'] });
  let ident;
  try {
    // IT registers the laptops from a CSV export; each enrolls (the collector signs a certificate per laptop).
    const file = join(c.work, 'fleet.csv');
    writeFileSync(file, ['serial,assignee,ship_to,timezone', ...Array.from({ length: size }, (_, i) => `B${i},"Bench ${i} <b${i}@example.com>","Austin, Texas, US",America/Chicago`)].join('\n'));
    const registered = JSON.parse(execFileSync(process.execPath, [COLLECTOR_CLI, 'devices', 'import', file, '--json', '--db', c.db], { encoding: 'utf8', maxBuffer: 256 << 20 }));
    const tokens = registered.map((r) => ({ serial: r.registration.serial, token: r.token }));
    const t = performance.now();
    const enrollers = clients(Math.max(size, PER_CLIENT * 4));
    try {
      const got = await Promise.all(split(tokens, enrollers.length).map((share, i) => enrollers[i].ask({ type: 'enroll', server: c.address, caPem: c.caPem, tokens: share }, 'enrolled')));
      ident = got.flatMap((g) => g.identities);
    } finally {
      for (const e of enrollers) e.child.kill('SIGKILL');
    }
    console.log(`${size} laptops enrolled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const r = await run(c.address, c.child.pid, c.caPem, ident);
    if (r.failed > 0) console.log(`  collector: ${r.failed} streams did not open: ${JSON.stringify(r.errors)}`);
    table.add(rowsOf('collector (store, ack after commit)', r));
    results.push({ size, collector: r });
    if (size === SIZES[0]) {
      // After a collector upgrade: every laptop still runs the older catalog and gets the new one pushed at Hello.
      const old = await run(c.address, c.child.pid, c.caPem, ident, 'older-catalog');
      table.add(rowsOf('collector, catalog pushed at Hello', old));
    }
  } finally {
    await c.stop({ keep: true });
  }
  const echo = await echoServer(c.certs);
  try {
    const b = await run(echo.address, echo.child.pid, c.caPem, ident);
    if (b.failed > 0) console.log(`  baseline: ${b.failed} streams did not open: ${JSON.stringify(b.errors)}`);
    table.add(rowsOf('bare grpc-js echo (baseline)', b));
    results.at(-1).baseline = b;
  } finally {
    echo.stop();
    rmSync(c.work, { recursive: true, force: true });
  }
}
console.log('');
ratios.header();
for (const { size, collector, baseline } of results) {
  ratios.add([size, `${(collector.perStreamKb / baseline.perStreamKb).toFixed(2)}x`, `${(collector.lat.p50 / baseline.lat.p50).toFixed(2)}x`, `${(collector.lat.p99 / baseline.lat.p99).toFixed(2)}x`]);
}
ratios.note('ratio = collector / bare grpc-js (1.00x: farmwatch adds nothing over the transport); "lost" = batches not acknowledged within 60 s or on a stream that ended');
record('streams', 'Concurrent agent streams on one collector', [table, ratios]);
