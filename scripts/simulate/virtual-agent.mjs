// One simulated laptop: the agent's own runtime parts — its detectors and change evaluator
// (Evaluator), the collector's pushed settings (CollectorUpdates), its outbox (in memory, or the
// durable spool) and its gRPC stream client over mutual TLS with the certificate it enrolled for —
// fed with scenario facts instead of sensor reads. The collector sees the laptop's public address
// in X-Forwarded-For, as from a load balancer it trusts (the simulator plays that part).
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { StopReason } from '@farmwatch/proto';
import { builtinCatalog, createLogger } from '../../shared/dist/index.js';
import { Evaluator } from '../../agent/dist/runtime/evaluate.js';
import { CollectorUpdates } from '../../agent/dist/runtime/collector-updates.js';
import { StreamClient } from '../../agent/dist/transport/stream-client.js';
import { MemoryOutbox } from '../../agent/dist/transport/outbox.js';
import { Spool } from '../../agent/dist/transport/spool/spool.js';
import { channelCredentials } from '../../agent/dist/transport/credentials.js';
import { enrollmentFiles } from '../../agent/dist/enroll/files.js';
import { defaults } from '../../agent/dist/config/schema.js';
import { helloFromHost } from '../../agent/dist/pipeline/to-proto.js';

const SENSORS = ['host', 'processes', 'network_interfaces', 'network_state', 'wifi', 'sockets', 'usb_devices', 'displays', 'services', 'installed_apps', 'remote_sessions', 'locale'];
const FACT_KEYS = ['host', 'processes', 'interfaces', 'network', 'wifi', 'sockets', 'usb', 'displays', 'services', 'apps', 'sessions', 'locale'];

/**
 * An outbox whose batches hold at most `maxEvents` events. The history replay writes a heartbeat
 * every quarter hour where the agent writes one a minute (its default): with batches cut at the
 * same share of the agent's 1,000 events, a batch of the flushed spool spans as many hours as the
 * real agent's would (the collector applies each observation of a batch once, at its latest time).
 */
class PacedOutbox extends MemoryOutbox {
  constructor(maxEvents) {
    super();
    this.maxEvents = maxEvents;
  }

  nextBatch(maxBytes, maxEvents) {
    return super.nextBatch(maxBytes, Math.min(maxEvents, this.maxEvents));
  }
}

let catalog;
const log = createLogger('simulate', process.env.FARMWATCH_LOG_LEVEL ?? 'error');

export class VirtualAgent {
  /**
   * @param {object} o
   * @param {string} o.server host:port of the collector
   * @param {string} o.dir the folder `enroll` filled (identity), also the state folder
   * @param {string} o.publicIp the address the collector should see
   * @param {object} o.facts HostFacts
   * @param {boolean} [o.spool] keep events in the durable spool (dir/spool) instead of memory
   * @param {number} [o.heartbeatMs] 0: no heartbeats
   * @param {string[]} [o.sanctioned] catalog ids of the company's own remote-access tools (the agent's --sanctioned)
   * @param {number} [o.batchEvents] at most this many events a batch (the history replay: see PacedOutbox)
   * @param {() => { idleS: number }} [o.input] keyboard and mouse idle time for the heartbeats (absent: the agent cannot read it)
   */
  constructor(o) {
    catalog ??= builtinCatalog();
    this.o = o;
    this.publicIp = o.publicIp;
    this.facts = o.facts;
    this.startedAt = Date.now();
    const config = { ...defaults(o.dir), server: o.server, ca_file: enrollmentFiles(o.dir).ca };
    this.outbox = o.spool ? Spool.open(join(o.dir, 'spool'), { maxBytes: 50 * 1048576, log }) : o.batchEvents ? new PacedOutbox(o.batchEvents) : new MemoryOutbox();
    this.updates = new CollectorUpdates(config, catalog, { sanctionedTools: o.sanctioned ?? [] }, log);
    this.evaluator = new Evaluator(this.outbox, () => this.updates.current, 'win32', log);
    this.helloAcks = 0;
    this.client = undefined;
    this.timer = undefined;
  }

  credentials() {
    const f = enrollmentFiles(this.o.dir);
    const tls = channelCredentials({ caFile: f.ca, certFile: f.cert, keyFile: f.key });
    const forwarded = credentials.createFromMetadataGenerator((_params, cb) => {
      const md = new Metadata();
      md.set('x-forwarded-for', this.publicIp);
      cb(null, md);
    });
    return credentials.combineChannelCredentials(tls, forwarded);
  }

  connect() {
    this.client = new StreamClient({
      server: this.o.server, credentials: this.credentials(), outbox: this.outbox, log,
      hello: () => helloFromHost(this.facts.host, this.updates.current.catalog.version ?? '', this.updates.current.configVersion),
      onMessage: (m) => this.onMessage(m),
      backoff: { initialMs: 250, maxMs: 5000 },
    });
    this.client.start();
  }

  /**
   * Says Hello from `publicIp` and goes offline again once the collector answered (HelloAck and its
   * configuration: the fleet's observation key). The history replay does this from each public
   * address the laptop used, before it flushes its spool.
   */
  async greet(publicIp, timeoutMs = 30_000) {
    this.publicIp = publicIp;
    const acks = this.helloAcks;
    this.connect();
    const deadline = Date.now() + timeoutMs;
    while (!(this.helloAcks > acks && this.updates.current.observationKey)) {
      if (Date.now() > deadline) throw new Error(`no HelloAck and configuration within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.client.stop();
    this.client = undefined;
  }

  /**
   * Comes online from `publicIp`, sends everything in its outbox and goes offline again once the
   * collector acknowledged it all: the history replay's events of one stay, from that stay's address.
   */
  async flushFrom(publicIp, timeoutMs = 120_000) {
    this.publicIp = publicIp;
    const acks = this.helloAcks;
    this.connect();
    const deadline = Date.now() + timeoutMs;
    while (!(this.helloAcks > acks && this.outbox.depth === 0)) {
      if (Date.now() > deadline) throw new Error(`history from ${publicIp}: ${this.outbox.depth} event(s) not acknowledged within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.client.stop();
    this.client = undefined;
  }

  /** Every sensor has run: the first evaluation (unless a history replay made it), then the stream. */
  start() {
    const now = Date.now();
    if (!this.evaluator.isReady) {
      const states = SENSORS.map((sensor) => ({ sensor, status: 'ok', items: 1, startedAtMs: now, durationMs: 5 }));
      this.evaluator.ready(this.facts, states, { cpuPermille: 4, cpuWindowS: 60, rssBytes: 62_000_000 });
    }
    this.connect();
    if (this.o.heartbeatMs) {
      const beat = () => {
        const input = this.o.input?.();
        this.outbox.push({ heartbeat: { uptimeMs: Date.now() - this.startedAt, spoolDepth: this.outbox.depth, ...(input ? { input } : {}) } });
        this.client?.notify();
        this.timer = setTimeout(beat, this.o.heartbeatMs * (0.8 + Math.random() * 0.4));
      };
      this.timer = setTimeout(beat, this.o.heartbeatMs * Math.random());
    }
  }

  onMessage(m) {
    if (m.body === 'helloAck') {
      this.helloAcks++;
      if (m.helloAck.inventoryWanted) this.evaluator.owe({ findings: false });
    } else if (m.body === 'config') {
      if (this.updates.applyConfig(m.config)) this.evaluator.setObservationKey(this.updates.current.observationKey);
    } else if (m.body === 'inventoryRequest') {
      this.evaluator.owe({ findings: true });
    }
    if (this.evaluator.isReady) {
      this.evaluator.flushOwed(this.facts);
      this.client?.notify();
    }
  }

  /** New facts (something was installed, plugged in, the laptop moved): what changed goes out. */
  update(facts) {
    const before = this.facts;
    this.facts = facts;
    for (const key of FACT_KEYS) {
      if (JSON.stringify(before[key]) !== JSON.stringify(facts[key])) this.evaluator.changed(key, facts);
    }
    this.client?.notify();
  }

  /** The laptop is online somewhere else: a new network, a new stream. */
  moveTo(publicIp) {
    this.publicIp = publicIp;
    this.client?.stop();
    this.connect();
  }

  get pending() {
    return this.outbox.depth;
  }

  get connected() {
    return this.client?.state === 'streaming';
  }

  /**
   * Stops the laptop. `announce` (a StopReason name: 'shutdown', 'service_stop', …): the agent
   * says why first and waits (a few seconds at most) until the collector has it, as the agent does.
   */
  async stop({ announce } = {}) {
    if (this.timer) clearTimeout(this.timer);
    if (announce && this.client) {
      this.outbox.push({ stopped: { reason: StopReason[`STOP_REASON_${announce.toUpperCase()}`] ?? StopReason.STOP_REASON_UNSPECIFIED, detail: 'simulated laptop stopped' } });
      this.client.notify();
      await this.client.drain(5000);
    }
    this.client?.stop();
    if (this.outbox instanceof Spool) this.outbox.close();
  }
}
