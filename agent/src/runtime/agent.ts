// The agent's continuous run. Each sensor runs on its own schedule (cheap ones often, costly ones
// rarely, with jitter); USB and display changes are noticed within seconds (hot-plug); after every
// sensor run the pure detectors look at the latest facts, and only what changed goes out — new or
// cleared findings, inventory changes, new co-location observations — plus heartbeats and health.
// Events wait in the outbox (the durable spool) until the collector acknowledges them. On a stop
// the agent says why, flushes, and leaves a clean-stop mark.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StopReason, type CollectorMessage } from '@farmwatch/proto';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { FARMWATCH_VERSION, type Catalog, type Logger } from '@farmwatch/shared';
import { hostSensor, inputSensor, runSensor, type HostFact, type SensorContext } from '../sensors/index.js';
import type { Policy } from '../detectors/index.js';
import { summarize, type HostFacts, type SensorSummary } from '../pipeline/scan.js';
import { helloFromHost } from '../pipeline/to-proto.js';
import type { AgentConfig } from '../config/index.js';
import type { Outbox } from '../transport/outbox.js';
import type { Spool } from '../transport/spool/spool.js';
import { StreamClient } from '../transport/stream-client.js';
import { channelCredentials } from '../transport/credentials.js';
import { enrollmentFiles } from '../enroll/files.js';
import { renewCertificate, renewalDue } from '../enroll/renew.js';
import { CPU_WINDOW_MS, CpuSampler } from './cpu-sampler.js';
import { Scheduler } from './scheduler.js';
import { HotplugWatcher } from './hotplug.js';
import { Watchdog } from './watchdog.js';
import { Liveness } from './liveness.js';
import { sensorTable, type SensorEntry } from './sensor-table.js';
import { Evaluator, type Usage } from './evaluate.js';
import { CollectorUpdates } from './collector-updates.js';
import { markRunning, markStopped, takeStopReason } from './run-marker.js';
import { writeStatus } from './status-file.js';
import { inputActivity } from './input-activity.js';

export interface AgentOptions {
  config: AgentConfig;
  credentials: ChannelCredentials;
  ctx: SensorContext;
  catalog: Catalog;
  policy: Policy;
  outbox: Outbox | Spool;
  log: Logger;
  /** Run every sensor once, deliver, exit: no schedule, no state marks. */
  once?: boolean;
  onceTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Called when the watchdog wants the process restarted (the caller stops and exits). */
  onRestart?: (reason: string) => void;
}

const FLUSH_ON_STOP_MS = 5000;
/** Health (CPU, memory, sensor states) goes out this often, and whenever a sensor's state changes. */
const HEALTH_EVERY_MS = 10 * 60_000;
const WATCHDOG_EVERY_MS = 5000;
const STATUS_EVERY_MS = 5000;
const RENEWAL_CHECK_MS = 6 * 3600_000;
/** The liveness watchdog (a worker thread) ends the agent when its event loop has not run for this long. */
export const LIVENESS_STALL_MS = 30_000;
/** ... or when a stop has not finished this long after it began (under systemd's TimeoutStopSec=15). */
export const STOP_GRACE_MS = 12_000;

export class Agent {
  private readonly client: StreamClient;
  private readonly scheduler: Scheduler;
  private readonly watchdog: Watchdog;
  private liveness: Liveness | undefined;
  /** The one CPU sampler: the watchdog's samples, the status file and the reports all read it. */
  private readonly cpu = new CpuSampler();
  private readonly startedAtMs = Date.now();
  private readonly facts: HostFacts = {};
  private readonly states = new Map<string, SensorSummary>();
  private readonly evaluator: Evaluator;
  private readonly updates: CollectorUpdates;
  private hotplug: HotplugWatcher | undefined;
  private readonly table: SensorEntry[];
  private stopping: Promise<boolean> | undefined;

  private constructor(private readonly opts: AgentOptions, private readonly host: HostFact) {
    this.facts.host = host;
    this.table = sensorTable(opts.config);
    this.updates = new CollectorUpdates(opts.config, opts.catalog, opts.policy, opts.log.child('updates'));
    this.evaluator = new Evaluator(opts.outbox, () => this.updates.current, opts.ctx.platform, opts.log.child('evaluate'));
    this.client = new StreamClient({
      server: opts.config.server ?? '',
      credentials: opts.credentials,
      outbox: opts.outbox,
      log: opts.log.child('stream'),
      hello: () => helloFromHost(this.host, this.updates.current.catalog.version ?? '', this.updates.current.configVersion),
      onMessage: (m) => this.onCollectorMessage(m),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    this.scheduler = new Scheduler({ onError: (task, err) => opts.log.error('task failed', { task, error: (err as Error).message }) });
    this.watchdog = new Watchdog({
      memoryBytes: opts.config.watchdog_memory_mb * 1048576, cpuPermille: opts.config.watchdog_cpu_percent * 10, windowMs: CPU_WINDOW_MS,
    });
  }

  static async create(opts: AgentOptions): Promise<Agent> {
    const host = await runSensor(hostSensor, opts.ctx);
    if (host.status !== 'ok') throw new Error(`cannot identify this machine: ${host.reason}`);
    return new Agent(opts, host.facts);
  }

  get connection(): StreamClient {
    return this.client;
  }

  /** Starts everything; with `once`, resolves after one round of every sensor is delivered. */
  async run(): Promise<boolean> {
    if (this.opts.once) {
      this.client.start();
      await Promise.all(this.enabledSensors().map((e) => this.runEntry(e)));
      this.evaluator.ready(this.facts, this.sensorStates(), this.health());
      this.heartbeat();
      const delivered = await this.client.drain(this.opts.onceTimeoutMs ?? 60_000);
      this.client.stop();
      await this.stopSensors();
      return delivered;
    }
    this.liveness = new Liveness({
      stallMs: LIVENESS_STALL_MS, stopGraceMs: STOP_GRACE_MS, component: 'agent.liveness',
      onError: (err) => this.opts.log.error('the liveness watchdog stopped working', { error: err.message }),
    });
    this.liveness.start();
    const previous = markRunning(this.opts.config.state_dir, this.host.bootId ?? '');
    if (previous) {
      this.opts.log.warn('the previous run did not stop cleanly', { reason: StopReason[previous.reason], detail: previous.detail });
      this.opts.outbox.push({ stopped: previous });
    }
    this.client.start();
    this.schedule();
    this.scheduler.start([...this.enabledSensors().map((e) => e.spec.name), 'renewal']);
    if (this.opts.ctx.platform === 'linux') {
      this.hotplug = new HotplugWatcher((kind) => {
        this.opts.log.info('hardware changed', { kind });
        for (const e of this.table) if (e.hotplug === kind) void this.scheduler.runNow(e.spec.name);
      }, { root: this.opts.ctx.root });
      await this.hotplug.start();
    }
    return true;
  }

  /** Says why the agent stops, flushes for a few seconds, closes. Later calls get the first's result. */
  stop(reason: StopReason, detail: string): Promise<boolean> {
    this.liveness?.stopping();
    this.stopping ??= this.stopOnce(reason, detail);
    return this.stopping;
  }

  /** Applies a reloaded configuration (SIGHUP): intervals, heartbeat, sanctioned tools; the rest needs a restart. */
  reconfigure(config: AgentConfig): void {
    const needRestart = (['server', 'ca_file', 'cert_file', 'key_file', 'state_dir', 'spool_max_mb'] as const)
      .filter((k) => JSON.stringify(config[k]) !== JSON.stringify(this.opts.config[k]));
    this.updates.setLocalConfig(config);
    this.applyIntervals();
    this.opts.log.info('configuration reloaded', needRestart.length > 0 ? { needsRestart: needRestart } : {});
  }

  private enabledSensors(): SensorEntry[] {
    const disabled = new Set(this.updates.current.config.disabled_sensors);
    return this.table.filter((e) => e.spec.platforms.includes(this.opts.ctx.platform) && !disabled.has(e.spec.name));
  }

  private intervalMs(entry: SensorEntry): number {
    return (this.updates.current.sensorIntervals[entry.spec.name] ?? entry.spec.defaultIntervalS) * 1000;
  }

  private schedule(): void {
    for (const entry of this.enabledSensors()) {
      this.scheduler.add({ name: entry.spec.name, intervalMs: this.intervalMs(entry), run: () => this.runEntry(entry) });
    }
    this.scheduler.add({ name: 'heartbeat', intervalMs: this.updates.current.heartbeatIntervalS * 1000, run: () => Promise.resolve(this.heartbeat()) });
    this.scheduler.add({ name: 'health', intervalMs: HEALTH_EVERY_MS, run: () => Promise.resolve(this.pushHealth()) });
    this.scheduler.add({ name: 'watchdog', intervalMs: WATCHDOG_EVERY_MS, run: () => Promise.resolve(this.checkWatchdog()) });
    this.scheduler.add({ name: 'status', intervalMs: STATUS_EVERY_MS, run: () => Promise.resolve(this.writeStatus()) });
    this.scheduler.add({ name: 'renewal', intervalMs: RENEWAL_CHECK_MS, run: () => this.renewIfDue() });
  }

  private applyIntervals(): void {
    for (const entry of this.enabledSensors()) this.scheduler.setInterval(entry.spec.name, this.intervalMs(entry));
    this.scheduler.setInterval('heartbeat', this.updates.current.heartbeatIntervalS * 1000);
  }

  private async runEntry(entry: SensorEntry): Promise<void> {
    const outcome = await runSensor(entry.spec, this.opts.ctx);
    const before = this.states.get(entry.spec.name);
    const summary = summarize(outcome);
    this.states.set(entry.spec.name, summary);
    const stateChanged = before !== undefined && (before.status !== summary.status || before.reason !== summary.reason);
    if (outcome.status === 'ok') (this.facts as Record<string, unknown>)[entry.key] = outcome.facts;
    else if (outcome.status === 'unavailable') delete this.facts[entry.key];
    // An error keeps the last good facts: one failed read must not clear every finding.
    if (this.opts.once) return;
    // Input idle time feeds the heartbeats only: no detector reads it, so nothing is re-evaluated.
    if (entry.key === 'input' && this.evaluator.isReady) {
      if (stateChanged) this.pushHealth();
      return;
    }
    const allRan = this.enabledSensors().every((e) => this.states.has(e.spec.name));
    if (!allRan) return;
    if (!this.evaluator.isReady) this.evaluator.ready(this.facts, this.sensorStates(), this.health());
    else this.evaluator.changed(entry.key, this.facts);
    if (stateChanged) this.pushHealth();
    this.client.notify();
  }

  /** Stops what sensors keep running between runs (the packet capture). */
  private async stopSensors(): Promise<void> {
    await Promise.all(this.table.flatMap((e) => (e.stop ? [e.stop()] : [])));
  }

  private sensorStates(): SensorSummary[] {
    return [...this.states.values()];
  }

  /** CPU over the sampler's window (the last minute, or the time since the start before that) and resident memory, as of now. */
  private health(): Usage {
    const c = this.cpu.read();
    return { cpuPermille: c.permille, cpuWindowS: c.windowS, rssBytes: process.memoryUsage().rss };
  }

  private heartbeat(): void {
    const depth = this.opts.outbox.depth;
    const input = this.inputActivity();
    const cpu = this.cpu.read();
    this.opts.outbox.push({
      heartbeat: { uptimeMs: Date.now() - this.startedAtMs, spoolDepth: depth, cpuPermille: cpu.permille, cpuWindowS: cpu.windowS, ...(input ? { input } : {}) },
    });
    this.client.notify();
  }

  /** Keyboard and mouse idle time as of now, from the input sensor's last reading. */
  private inputActivity(): ReturnType<typeof inputActivity> {
    return inputActivity(this.facts.input, this.states.get(inputSensor.name), this.intervalMs({ spec: inputSensor, key: 'input' }), Date.now());
  }

  private pushHealth(): void {
    if (!this.evaluator.isReady) return;
    this.evaluator.health(this.sensorStates(), this.health(), this.spoolBytes());
    this.client.notify();
  }

  private spoolBytes(): number {
    return 'sizeBytes' in this.opts.outbox ? this.opts.outbox.sizeBytes : 0;
  }

  private checkWatchdog(): void {
    const cpu = this.cpu.sample();
    const verdict = this.watchdog.observe({ atMs: Date.now(), cpuPermille: cpu.permille, rssBytes: process.memoryUsage().rss });
    if (verdict.action === 'throttle') {
      this.opts.log.warn('watchdog: slowing sensors down', { factor: verdict.factor, reason: verdict.reason });
      this.scheduler.setThrottle(verdict.factor);
    } else if (verdict.action === 'restart') {
      this.opts.log.error('watchdog: restarting the agent', { reason: verdict.reason });
      void this.stop(StopReason.STOP_REASON_WATCHDOG, verdict.reason).then(() => this.opts.onRestart?.(verdict.reason));
    } else if (this.watchdog.throttleFactor === 1) {
      this.scheduler.setThrottle(1);
    }
  }

  /** Renews the client certificate when it nears expiry, and reconnects with the new one. */
  private async renewIfDue(): Promise<void> {
    const c = this.opts.config;
    // Only identities laid out by enrollment are renewed (the files are replaced together).
    if (enrollmentFiles(dirname(c.cert_file)).cert !== c.cert_file || !existsSync(c.cert_file)) return;
    if (!renewalDue(readFileSync(c.cert_file))) return;
    try {
      const { notAfterMs } = await renewCertificate(c.server ?? '', { caFile: c.ca_file, certFile: c.cert_file, keyFile: c.key_file });
      this.opts.log.info('renewed the client certificate', { validUntil: new Date(notAfterMs).toISOString() });
      this.client.replaceCredentials(channelCredentials({ caFile: c.ca_file, certFile: c.cert_file, keyFile: c.key_file }));
    } catch (err) {
      this.opts.log.error('certificate renewal failed; will try again', { error: (err as Error).message });
    }
  }

  private writeStatus(): void {
    try {
      const cpu = this.cpu.read();
      writeStatus(this.opts.config.state_dir, {
        pid: process.pid, version: FARMWATCH_VERSION, startedAtMs: this.startedAtMs, writtenAtMs: Date.now(),
        server: this.opts.config.server ?? '', deviceId: this.client.deviceId, connection: this.client.state,
        lastError: this.client.lastError, lastAckAtMs: this.client.lastAckAtMs, lastAckedSequence: this.opts.outbox.lastAckedSequence,
        spool: { depth: this.opts.outbox.depth, bytes: this.spoolBytes(), lastError: 'lastError' in this.opts.outbox ? this.opts.outbox.lastError : undefined },
        sensors: this.sensorStates().map((s) => ({ sensor: s.sensor, status: s.status, ...(s.reason ? { reason: s.reason } : {}), lastRunMs: s.startedAtMs, items: s.items })),
        throttle: this.watchdog.throttleFactor, rssBytes: process.memoryUsage().rss,
        cpuPermille: cpu.permille, cpuWindowS: cpu.windowS, cpuFromStart: cpu.fromStart,
      });
    } catch (err) {
      this.opts.log.warn('cannot write the status file', { error: (err as Error).message });
    }
  }

  private onCollectorMessage(m: CollectorMessage): void {
    if (m.body === 'helloAck') {
      if (m.helloAck.inventoryWanted) this.evaluator.owe({ findings: false });
    } else if (m.body === 'inventoryRequest') {
      this.opts.log.info('collector asked for a full inventory', { reason: m.inventoryRequest.reason ?? '' });
      this.evaluator.owe({ findings: true });
    } else if (m.body === 'config') {
      if (this.updates.applyConfig(m.config)) {
        this.evaluator.setObservationKey(this.updates.current.observationKey);
        this.applyIntervals();
      }
    } else if (m.body === 'catalog') {
      this.updates.applyCatalog(m.catalog, this.opts.config.state_dir);
    }
    if (this.evaluator.isReady) {
      this.evaluator.flushOwed(this.facts);
      this.client.notify();
    }
  }

  private async stopOnce(reason: StopReason, detail: string): Promise<boolean> {
    const left = takeStopReason(this.opts.config.state_dir);
    const why = left ?? reason;
    this.hotplug?.stop();
    await this.scheduler.stop();
    await this.stopSensors();
    this.opts.outbox.push({ stopped: { reason: why, detail: left ? `${StopReason[left]} (left by the package scripts); ${detail}` : detail } });
    this.client.notify();
    const flushed = await this.client.drain(FLUSH_ON_STOP_MS);
    this.client.stop();
    if ('close' in this.opts.outbox) this.opts.outbox.close();
    this.writeStatus();
    markStopped(this.opts.config.state_dir);
    await this.liveness?.stop();
    return flushed;
  }
}
