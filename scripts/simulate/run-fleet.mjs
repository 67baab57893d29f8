// Running a planned fleet (fleet.mjs) against a collector, for the simulator (its own collector)
// and the demo (the collector `npm start` runs): IT registers the laptops from one CSV, then worker
// processes (worker.mjs) enroll each laptop with its one-time token and stream its phases over
// mutual TLS. The collector is { address (gRPC host:port), caPem, call (the HTTP API as admin) }:
// startCollector and connectCollector (collector.mjs) give one.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const csvCell = (c) => `"${String(c).replace(/"/g, '""')}"`;

/**
 * IT registers the fleet from an HR export: one CSV (POST /v1/devices/import), one token per laptop.
 * Sets each laptop's `token` and `deviceId`; `demo` marks them as demo laptops (removable by purge-demo).
 * `ship_to_street` is the street line of the ship-to address, apartment included: the collector
 * keeps only keyed hashes of it (collector/src/enroll/street-address.ts).
 */
export async function registerFleet(collector, fleet, { demo = false } = {}) {
  const header = ['serial', 'assignee', 'ship_to', 'ship_to_street', 'timezone', ...(demo ? ['demo'] : [])];
  const rows = fleet.map((l) => [l.serial, l.assignee, l.shipTo, l.shipStreet ?? '', l.timeZone, ...(demo ? ['yes'] : [])].map(csvCell).join(','));
  const imported = await collector.call('POST', '/v1/devices/import', { csv: [header.join(','), ...rows].join('\n') });
  const tokens = new Map(imported.registered.map((r) => [r.registration.serial, { token: r.token, deviceId: r.registration.deviceId }]));
  for (const l of fleet) Object.assign(l, tokens.get(l.serial));
  return fleet;
}

/**
 * Worker processes that run the fleet's laptops, `workers` of them, each with every workers-th
 * laptop. `onLaptop(message)` hears each laptop enroll ({ type: 'enrolled', serial, deviceId,
 * signalAt? }) and its evidence appear ({ type: 'signal', serial, signalAt }).
 */
export class FleetWorkers {
  /**
   * `history` ({ startMs, endMs, stepMs, batchEvents }): replay each laptop's days before endMs
   * first (history.mjs); absent: the laptops start at their first report.
   */
  constructor({ fleet, workers, collector, workDir, heartbeatMs = 30_000, history, onLaptop = () => {} }) {
    this.o = { collector, workDir, heartbeatMs, history };
    this.enrollMs = 0;
    this.heartbeats = 0;
    this.waiting = undefined;
    this.children = [];
    this.shares = Array.from({ length: workers }, (_, w) => fleet.filter((_, i) => i % workers === w));
    for (let w = 0; w < workers; w++) {
      const child = fork(fileURLToPath(new URL('./worker.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.children.push(child);
      child.on('message', (m) => {
        if (m.type === 'enrolled' || m.type === 'signal') onLaptop(m);
        else if (m.type === 'started') {
          this.enrollMs = Math.max(this.enrollMs, m.enrollMs);
          this.heartbeats += m.heartbeats ?? 0;
        }
        else if (m.type === 'error') this.waiting?.reject(new Error(m.message));
        else if (m.type === this.waiting?.type && ++this.waiting.got === this.children.length) this.waiting.resolve();
      });
      child.on('exit', (code) => {
        if (code !== 0 && !this.stopping) this.waiting?.reject(new Error(`a worker exited with ${code}`));
      });
    }
  }

  /** Sends each worker its message and waits until every one answered `type`. */
  all(type, message) {
    const done = new Promise((resolve, reject) => {
      this.waiting = { type, got: 0, resolve, reject };
    });
    this.children.forEach((c, i) => c.send(message(i)));
    return done.finally(() => {
      this.waiting = undefined;
    });
  }

  /** Phase 0: every laptop enrolled, its history replayed (when there is one), connected and its first report acknowledged. */
  start() {
    const { collector, workDir, heartbeatMs, history } = this.o;
    return this.all('settled', (i) => ({ type: 'start', server: collector.address, caPem: collector.caPem, laptops: this.shares[i], workDir, heartbeatMs, history }));
  }

  /** The fleet's next phase (remote access, KVMs, moves), acknowledged. */
  phase(p) {
    return this.all('settled', () => ({ type: 'phase', phase: p }));
  }

  /**
   * Stops the laptops. `announce` (a StopReason name, e.g. 'shutdown'): each agent says so first,
   * as a laptop shutting down does, and the collector records it stopped instead of silent.
   */
  async stop({ announce } = {}) {
    const live = this.children.filter((c) => c.connected);
    if (live.length > 0) {
      this.stopping = true;
      const stopped = Promise.all(live.map((c) => new Promise((resolve) => c.once('exit', resolve))));
      for (const c of live) c.send({ type: 'stop', ...(announce ? { announce } : {}) });
      let timer;
      await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
    }
    this.kill();
  }

  /** Ends the workers at once (on exit or failure). */
  kill() {
    this.stopping = true;
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}
