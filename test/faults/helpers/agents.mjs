// A process of virtual agents for the fault tests: each enrolls with its one-time token (the
// agent's own enrollment code), keeps its events in the agent's durable spool, streams them over
// mutual TLS with the agent's stream client (reconnecting with backoff), and pushes `events`
// heartbeats numbered 1..events in their uptime field at `ratePerS`, so every event can be
// counted in the collector's database. Talks to the test over IPC.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { enroll } from '../../../agent/dist/enroll/enroll.js';
import { helloFromHost } from '../../../agent/dist/pipeline/to-proto.js';
import { builtinCatalog } from '../../../shared/dist/index.js';
import { VirtualAgent } from '../../../scripts/simulate/virtual-agent.mjs';
import { hostFacts, mac } from '../../../scripts/simulate/facts.mjs';

const send = (m) => process.send?.(m);
const agents = [];

function factsOf(serial, i) {
  const home = { lanPrefix: '192.168.1', gatewayMac: mac(`fault:${serial}:gw`), ssid: `FAULT-${i}`, bssids: [mac(`fault:${serial}:ap`)], visible: [], neighbours: [] };
  return hostFacts({ serial, hostname: `fault-${serial}`, timeZone: 'America/Chicago', hostOctet: 10 + i, band: 0 }, home);
}

async function start(msg) {
  const version = builtinCatalog().version ?? '';
  for (const [i, a] of msg.agents.entries()) {
    const dir = join(msg.workDir, a.serial);
    mkdirSync(dir, { recursive: true });
    const facts = factsOf(a.serial, i);
    const record = await enroll({ server: msg.enrollServer, caPem: msg.caPem, token: a.token, dir, hello: helloFromHost(facts.host, version, '') });
    const agent = new VirtualAgent({ server: msg.server, dir, publicIp: a.ip ?? '73.162.10.1', facts, spool: true, heartbeatMs: 0 });
    const entry = { serial: a.serial, deviceId: record.deviceId, agent, pushed: 0, resumedPastAck: 0 };
    // The collector said at Hello it had events this agent never saw acknowledged (the ack was lost on the way).
    const resume = agent.outbox.resume.bind(agent.outbox);
    agent.outbox.resume = (n) => {
      if (n > agent.outbox.lastAckedSequence) entry.resumedPastAck++;
      resume(n);
    };
    agents.push(entry);
  }
  for (const a of agents) a.agent.start();
  send({ type: 'started', agents: agents.map((a) => ({ serial: a.serial, deviceId: a.deviceId })) });
  // Heartbeats numbered 1..events, at ratePerS per agent.
  const perTick = Math.max(1, Math.round(msg.ratePerS / 50));
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      let left = 0;
      for (const a of agents) {
        for (let k = 0; k < perTick && a.pushed < msg.events; k++) {
          a.pushed++;
          a.agent.outbox.push({ heartbeat: { uptimeMs: a.pushed, spoolDepth: a.agent.outbox.depth } });
        }
        a.agent.client?.notify();
        left += msg.events - a.pushed;
      }
      if (left === 0) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  send({ type: 'pushed' });
}

function status() {
  return agents.map((a) => ({
    serial: a.serial, deviceId: a.deviceId, pushed: a.pushed, pending: a.agent.pending, lastAcked: a.agent.outbox.lastAckedSequence, resumedPastAck: a.resumedPastAck,
    state: a.agent.client?.state, lastError: a.agent.client?.lastError, spoolError: a.agent.outbox.lastError,
  }));
}

process.on('message', (msg) => {
  if (msg.type === 'start') start(msg).catch((err) => send({ type: 'error', message: err.message }));
  else if (msg.type === 'status') send({ type: 'status', agents: status() });
  else if (msg.type === 'stop') {
    for (const a of agents) a.agent.stop();
    send({ type: 'stopped', agents: status() });
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
