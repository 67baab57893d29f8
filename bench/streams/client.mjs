// A client process of the concurrent-streams benchmark: enrolls its share of the laptops (Enroll
// RPC with a new key and CSR each, over one server-authenticated channel), then holds one
// mutual-TLS Ingest stream per laptop, each on its own connection as on real laptops (Hello, then
// answers pings), and under load sends one batch per stream per round and times its ack.
import { createHash } from 'node:crypto';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import { enrollmentService, ingestService, Platform } from '../../proto/dist/index.js';
import { builtinCatalog, createCertificateRequest } from '../../shared/dist/index.js';

/** Laptops run the collector's catalog (no catalog push on Hello, as in a fleet that is up to date). */
const CATALOG_VERSION = builtinCatalog().version ?? '';

const send = (m) => process.send?.(m);
const streams = [];

const pem = (der) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

export function helloOf(serial, catalogVersion = CATALOG_VERSION) {
  return {
    machineId: createHash('sha256').update(`farmwatch:bench:${serial}`).digest('hex'), hostname: `bench-${serial}`, hardwareSerial: serial,
    agentVersion: 'bench', catalogVersion, os: { platform: Platform.PLATFORM_LINUX, name: 'Debian', version: '12' }, clockMs: Date.now(), timeZone: 'UTC',
  };
}

async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function enrollAll({ server, caPem, tokens }) {
  const client = new Client(server, credentials.createSsl(Buffer.from(caPem)));
  const m = enrollmentService.enroll;
  const identities = [];
  await pool(tokens, 16, async ({ serial, token }) => {
    const req = await createCertificateRequest(`bench-${serial}`);
    const res = await new Promise((resolve, reject) => client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize,
      { token, csrDer: req.csrDer, hello: helloOf(serial) }, new Metadata(), (err, v) => (err ? reject(err) : resolve(v))));
    identities.push({ serial, deviceId: res.deviceId, certPem: pem(res.certificateDer), keyPem: req.keyPem });
  });
  client.close();
  return identities;
}

/** Opens one stream; resolves when its HelloAck came (or rejects with the stream's error). */
function open(server, caPem, id, catalogVersion) {
  return new Promise((resolve, reject) => {
    const client = new Client(server, credentials.createSsl(Buffer.from(caPem), Buffer.from(id.keyPem), Buffer.from(id.certPem)), {
      'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.keepalive_permit_without_calls': 1,
    });
    const m = ingestService.stream;
    const call = client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, new Metadata());
    const s = { client, call, seq: 0, waiting: new Map(), id, helloAcked: false };
    call.on('data', (msg) => {
      if (msg.body === 'helloAck') {
        s.seq = msg.helloAck.lastSequence ?? 0;
        s.helloAcked = true;
        resolve(s);
      } else if (msg.body === 'ping') call.write({ pong: { nonce: msg.ping.nonce ?? 0 } });
      else if (msg.body === 'ack') {
        const seq = msg.ack.sequence ?? 0;
        for (const [n, w] of s.waiting) {
          if (n <= seq) {
            s.waiting.delete(n);
            w(performance.now());
          }
        }
      }
    });
    call.on('error', (err) => {
      s.error = err.details || err.message;
      if (!s.helloAcked) reject(new Error(s.error));
    });
    call.on('end', () => {});
    call.write({ hello: { ...helloOf(id.serial, catalogVersion), clockMs: Date.now() } });
  });
}

async function connectAll({ server, caPem, identities, concurrency, catalogVersion }) {
  const t0 = performance.now();
  const errors = new Map();
  await pool(identities, concurrency, async (id) => {
    try {
      streams.push(await open(server, caPem, id, catalogVersion));
    } catch (err) {
      const key = String(err.message).slice(0, 160);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  });
  return { connected: streams.length, failed: identities.length - streams.length, ms: performance.now() - t0, errors: Object.fromEntries(errors) };
}

async function load({ windowMs, rounds }) {
  const latencies = [];
  let lost = 0;
  for (let r = 0; r < rounds; r++) {
    await Promise.all(streams.map((s) => new Promise((resolve) => {
      setTimeout(() => {
        if (s.error) {
          lost++;
          return resolve();
        }
        const seq = ++s.seq;
        const sent = performance.now();
        const timer = setTimeout(() => {
          s.waiting.delete(seq);
          lost++;
          resolve();
        }, 60_000);
        s.waiting.set(seq, (at) => {
          clearTimeout(timer);
          latencies.push(at - sent);
          resolve();
        });
        s.call.write({ batch: { events: [{ sequence: seq, observedAtMs: Date.now(), heartbeat: { uptimeMs: seq * 1000, spoolDepth: 0 } }] } });
      }, Math.random() * windowMs);
    })));
  }
  return { latencies, lost, stillOpen: streams.filter((s) => !s.error).length };
}

process.on('message', (msg) => {
  const fail = (err) => send({ type: 'error', message: err.message });
  if (msg.type === 'enroll') enrollAll(msg).then((identities) => send({ type: 'enrolled', identities }), fail);
  else if (msg.type === 'connect') connectAll(msg).then((r) => send({ type: 'connected', ...r, rssMb: process.memoryUsage().rss / 1048576 }), fail);
  else if (msg.type === 'load') load(msg).then((r) => send({ type: 'loaded', ...r }), fail);
  else if (msg.type === 'stop') {
    for (const s of streams) {
      s.call.end();
      s.client.close();
    }
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
