// Packets per second: farmwatch's reader + decoder + flow table + classifier against nDPI's
// ndpiReader on the same capture file, measured in the same run. The file is made from the
// Ethernet test captures (real traffic of real programs), repeated with the client address changed
// each time so that every repetition is a new set of flows to classify.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalog } from '../shared/dist/index.js';
import { analyzeCaptureFile } from '../agent/dist/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../agent/dist/packets/classify/domains.js';
import { fmt } from './harness.mjs';
import { Table, record } from './results.mjs';

const fixtures = fileURLToPath(new URL('../agent/test/fixtures/pcap/', import.meta.url));
const REPEAT = Number(process.env.FW_BENCH_REPEAT ?? 400);

// Records of every little-endian microsecond Ethernet capture.
const sources = [];
for (const f of readdirSync(fixtures).filter((x) => x.endsWith('.pcap')).sort()) {
  const b = readFileSync(join(fixtures, f));
  if (b.readUInt32LE(0) !== 0xa1b2c3d4 || b.readUInt32LE(20) !== 1) continue;
  for (let o = 24; o + 16 <= b.length;) {
    const incl = b.readUInt32LE(o + 8);
    sources.push(b.subarray(o, o + 16 + incl));
    o += 16 + incl;
  }
}
const client4 = Buffer.from([198, 51, 100, 9]);
const out = [];
const header = readFileSync(join(fixtures, 'ssh.pcap')).subarray(0, 24);
out.push(header);
let packets = 0;
for (let r = 0; r < REPEAT; r++) {
  const addr = Buffer.from([10, (r >> 16) & 0xff, (r >> 8) & 0xff, r & 0xff]);
  for (const rec of sources) {
    const c = Buffer.from(rec);
    c.writeUInt32LE(c.readUInt32LE(0) + r, 0);
    // IPv4 over Ethernet: addresses at frame bytes 26 (source) and 30 (destination).
    if (c.readUInt16BE(16 + 12) === 0x0800) {
      for (const at of [16 + 26, 16 + 30]) if (c.subarray(at, at + 4).equals(client4)) addr.copy(c, at);
    }
    out.push(c);
    packets++;
  }
}
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const file = join(dir, 'bench.pcap');
writeFileSync(file, Buffer.concat(out));
const mib = (out.reduce((n, b) => n + b.length, 0) / 1048576).toFixed(1);

const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));
async function ours() {
  const t = performance.now();
  const r = await analyzeCaptureFile(file, { domains });
  const ms = performance.now() - t;
  if (r.packets !== packets) throw new Error(`read ${r.packets} of ${packets} packets`);
  return { ms, flows: r.flows.length, rss: process.memoryUsage().rss };
}

function ndpi() {
  const t = performance.now();
  const res = spawnSync('ndpiReader', ['-i', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (res.error) return undefined;
  const own = /nDPI throughput:\s+([\d.]+) (K|M)? ?pps/.exec(res.stdout ?? '');
  const ownPps = own ? Number(own[1]) * (own[2] === 'M' ? 1e6 : own[2] === 'K' ? 1e3 : 1) : undefined;
  return { ms, ownPps };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

try {
  let version = 'missing';
  try {
    version = /nDPI ([\d.]+)/.exec(execFileSync('ndpiReader', ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? '?';
  } catch (err) {
    version = /nDPI ([\d.]+)/.exec(`${err.stdout ?? ''}`)?.[1] ?? (err.code === 'ENOENT' ? 'missing' : '?');
  }
  await ours(); // warm-up: JIT and file cache
  const o = [];
  const n = [];
  for (let i = 0; i < 5; i++) {
    o.push(await ours());
    if (version !== 'missing') n.push(ndpi());
  }
  const oursMs = median(o.map((x) => x.ms));
  const table = new Table(`File: ${packets} packets (${mib} MiB), ${o[0].flows} flows, from the Ethernet test captures x${REPEAT}`,
    ['reader', 'packets/s', 'ms (median)', 'ratio'], [38, 12, 12, 8]).header();
  table.add(['farmwatch (read+decode+flows+labels)', fmt(packets / (oursMs / 1000)), oursMs.toFixed(0), '1.00x']);
  if (n.length > 0) {
    const ndpiMs = median(n.map((x) => x.ms));
    table.add([`ndpiReader ${version}, wall clock`, fmt(packets / (ndpiMs / 1000)), ndpiMs.toFixed(0), `${(ndpiMs / oursMs).toFixed(2)}x`]);
    const own = median(n.map((x) => x.ownPps ?? 0));
    if (own > 0) table.add([`ndpiReader ${version}, its own figure`, fmt(own), '', `${(own / (packets / (oursMs / 1000))).toFixed(2)}x`]);
    table.note('ratio: ndpiReader time / farmwatch time for the wall clock (above 1: farmwatch is faster);');
    table.note("ndpiReader's own packets/s (detection loop only, no process start or file read) / farmwatch's.");
  } else {
    table.note('ndpiReader is missing (apt-get install libndpi-bin): no baseline this run');
  }
  table.note(`farmwatch peak RSS after the runs: ${(Math.max(...o.map((x) => x.rss)) / 1048576).toFixed(0)} MiB`);
  record('packets', 'Packet classification against nDPI', [table]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
