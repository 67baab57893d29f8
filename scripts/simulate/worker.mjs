// A worker process of the fleet simulator: enrolls its share of the laptops with their one-time
// tokens (the agent's own enrollment code: a new key and CSR each), replays each laptop's history
// when there is one (history.mjs: a Hello from each public address it used, then its spool of
// those days), runs each as a virtual agent over its own mutual-TLS stream, and applies the
// scenario's phases when told. It reports to the coordinator over the IPC channel: enrolled, signal
// (when a laptop's evidence reached the collector), settled.
// The agent's own filter for grpc-js's DEP0123 (SNI set to an IP): the workers are agents too.
import '../../agent/dist/cli/quiet-warnings.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { enroll } from '../../agent/dist/enroll/enroll.js';
import { helloFromHost } from '../../agent/dist/pipeline/to-proto.js';
import { builtinCatalog } from '../../shared/dist/index.js';
import { VirtualAgent } from './virtual-agent.mjs';
import { situationFacts, whereIn } from './situation.mjs';
import { historyAddresses, replayHistory } from './history.mjs';

const send = (m) => process.send?.(m);
const agents = new Map();
let init;
let heartbeats = 0;

/** Keyboard and mouse idle time in the live phases: in use now (a short pause), or idle since the laptop was last used. */
function inputOf(laptop) {
  const since = Date.now();
  return () => (laptop.now.input ? { idleS: 5 + Math.floor(Math.random() * 120) } : { idleS: laptop.now.idleS + Math.round((Date.now() - since) / 1000) });
}

async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function start(msg) {
  init = msg;
  const version = builtinCatalog().version ?? '';
  const t0 = Date.now();
  await pool(msg.laptops, msg.enrollConcurrency ?? 8, async (l) => {
    const dir = join(msg.workDir, l.serial);
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // the agent refuses a state folder others may write to
    const facts = situationFacts(l, 0, Date.now());
    let record;
    for (let attempt = 1; ; attempt++) {
      try {
        record = await enroll({ server: msg.server, caPem: msg.caPem, token: l.token, dir, hello: helloFromHost(facts.host, version, '') });
        break;
      } catch (err) {
        // A refusal is final; a collector too busy to answer in time is asked again.
        if (attempt >= 5 || /refused the enrollment/.test(err.message)) throw new Error(`${l.serial}: ${err.message}`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    const h = msg.history;
    const live = whereIn(l, 0);
    const a = new VirtualAgent({
      server: msg.server, dir, publicIp: live.ip, facts, heartbeatMs: msg.heartbeatMs, spool: msg.spool, sanctioned: l.sanctioned,
      ...(h ? { batchEvents: h.batchEvents } : {}), ...(l.now ? { input: inputOf(l) } : {}),
    });
    agents.set(l.serial, { laptop: l, agent: a, deviceId: record.deviceId });
    if (h) {
      // Online once for the fleet's observation key, then each stay's events sent from that stay's
      // address as the laptop moves on (the collector learns an address only from a stream).
      await a.greet(historyAddresses(l, h)[0] ?? live.ip);
      const replayed = await replayHistory(a, l, h, (ip) => a.flushFrom(ip));
      if (replayed.lastIp !== undefined && replayed.lastIp !== live.ip && a.pending > 0) await a.flushFrom(replayed.lastIp);
      a.publicIp = live.ip; // the rest goes out live, from where the laptop is now
      heartbeats += replayed.heartbeats;
      a.update(facts);
    }
    const at = Date.now();
    a.start();
    send({ type: 'enrolled', serial: l.serial, deviceId: record.deviceId, ...(l.signalPhase === 0 || l.signalPhase === 'history' ? { signalAt: at } : {}) });
  });
  send({ type: 'started', enrollMs: Date.now() - t0, heartbeats });
  await settled(0);
}

/** Every agent connected and everything it had acknowledged. */
async function settled(phase) {
  const t = Date.now();
  for (;;) {
    const list = [...agents.values()];
    const waiting = list.filter(({ agent }) => agent.helloAcks === 0 || agent.pending > 0).length;
    if (waiting === 0) break;
    if (Date.now() - t > (init.settleTimeoutMs ?? 300_000)) {
      send({ type: 'error', message: `phase ${phase}: ${waiting} agent(s) still have unacknowledged events after ${Math.round((Date.now() - t) / 1000)} s` });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  send({ type: 'settled', phase, ms: Date.now() - t });
}

async function phase(p) {
  for (const { laptop, agent } of agents.values()) {
    const now = Date.now();
    const facts = situationFacts(laptop, p, now);
    const moved = laptop.phases[p]?.ip !== undefined && laptop.phases[p].ip !== agent.publicIp;
    agent.update(facts);
    if (moved) agent.moveTo(laptop.phases[p].ip);
    if (laptop.signalPhase === p) send({ type: 'signal', serial: laptop.serial, signalAt: now });
  }
  await settled(p);
}

process.on('message', (msg) => {
  const fail = (err) => {
    send({ type: 'error', message: err.message });
    process.exit(1);
  };
  if (msg.type === 'start') start(msg).catch(fail);
  else if (msg.type === 'phase') phase(msg.phase).catch(fail);
  else if (msg.type === 'stop') {
    Promise.all([...agents.values()].map(({ agent }) => agent.stop({ announce: msg.announce }))).finally(() => {
      send({ type: 'stopped' });
      setTimeout(() => process.exit(0), 200);
    });
  }
});
process.on('disconnect', () => process.exit(0));
