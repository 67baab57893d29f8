// A laptop run by the agent's own runtime parts, fed with host facts instead of sensor reads: it
// enrolls with the agent's enrollment code (a new key and CSR, the one-time token from `devices
// add`), evaluates its facts with the agent's detectors and Evaluator (findings, observations),
// applies what the collector pushes (CollectorUpdates: the fleet key, the observation kinds it
// stores) and streams over mutual TLS with the agent's StreamClient. The collector sees the
// address given as X-Forwarded-For (run it with --trusted-proxy 127.0.0.1/32 --proxy-protocol optional).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { builtinCatalog, createLogger } from '@farmwatch/shared';
import type { CollectorMessage } from '@farmwatch/proto';
import { enroll } from '../../agent/src/enroll/enroll.js';
import { enrollmentFiles } from '../../agent/src/enroll/files.js';
import { defaults } from '../../agent/src/config/index.js';
import { CollectorUpdates } from '../../agent/src/runtime/collector-updates.js';
import { Evaluator } from '../../agent/src/runtime/evaluate.js';
import { StreamClient } from '../../agent/src/transport/stream-client.js';
import { MemoryOutbox } from '../../agent/src/transport/outbox.js';
import { channelCredentials } from '../../agent/src/transport/credentials.js';
import { helloFromHost } from '../../agent/src/pipeline/to-proto.js';
import type { HostFacts } from '../../agent/src/pipeline/scan.js';
import { register, type Laptop } from './enroll.js';

const log = createLogger('test', (process.env.FW_TEST_LOG as 'error' | undefined) ?? 'silent');
const SENSORS = ['host', 'processes', 'sockets'];

export class RuntimeLaptop {
  deviceId = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'farmwatch-laptop-'));
  private readonly outbox = new MemoryOutbox();
  private readonly updates: CollectorUpdates;
  private readonly evaluator: Evaluator;
  private client: StreamClient | undefined;
  private readonly facts: HostFacts;

  constructor(private readonly server: string, private readonly publicIp: string, private readonly laptop: Laptop, facts: Omit<HostFacts, 'host'>) {
    this.facts = {
      ...facts,
      host: {
        machineIdHash: createHash('sha256').update(`farmwatch:test:${laptop.serial}`).digest('hex'), hostname: laptop.hostname, hardwareSerial: laptop.serial,
        os: { platform: 'win32', name: 'Windows 11 Pro', version: '10.0.22631', kernel: '10.0.22631', arch: 'x64' }, timeZone: laptop.timeZone,
      },
    };
    this.updates = new CollectorUpdates({ ...defaults(this.dir), server, ca_file: enrollmentFiles(this.dir).ca }, builtinCatalog(), { sanctionedTools: [] }, log);
    this.evaluator = new Evaluator(this.outbox, () => this.updates.current, 'win32', log);
  }

  /** Registers it on the collector (CLI), enrolls it, evaluates its facts and starts streaming. */
  async start(db: string, ca: Buffer): Promise<this> {
    const { token } = await register(db, this.laptop);
    const hello = helloFromHost(this.facts.host as NonNullable<HostFacts['host']>, this.updates.current.catalog.version ?? '', '');
    this.deviceId = (await enroll({ server: this.server, caPem: ca.toString('utf8'), token, dir: this.dir, hello })).deviceId;
    const now = Date.now();
    this.evaluator.ready(this.facts, SENSORS.map((sensor) => ({ sensor, status: 'ok' as const, items: 1, startedAtMs: now, durationMs: 5 })), { cpuPermille: 4, cpuWindowS: 60, rssBytes: 60_000_000 });
    const f = enrollmentFiles(this.dir);
    const forwarded = credentials.createFromMetadataGenerator((_params, cb) => {
      const md = new Metadata();
      md.set('x-forwarded-for', this.publicIp);
      cb(null, md);
    });
    this.client = new StreamClient({
      server: this.server, credentials: credentials.combineChannelCredentials(channelCredentials({ caFile: f.ca, certFile: f.cert, keyFile: f.key }), forwarded),
      outbox: this.outbox, log, backoff: { initialMs: 100, maxMs: 1000 },
      hello: () => helloFromHost(this.facts.host as NonNullable<HostFacts['host']>, this.updates.current.catalog.version ?? '', this.updates.current.configVersion),
      onMessage: (m) => this.onMessage(m),
    });
    this.client.start();
    return this;
  }

  private onMessage(m: CollectorMessage): void {
    if (m.body === 'config' && m.config && this.updates.applyConfig(m.config)) this.evaluator.setObservationKey(this.updates.current.observationKey);
    if (m.body === 'inventoryRequest') this.evaluator.owe({ findings: true });
    this.evaluator.flushOwed(this.facts);
    this.client?.notify();
  }

  /** Waits until the collector acknowledged everything queued (false after `timeoutMs`). */
  drain(timeoutMs: number): Promise<boolean> {
    return this.client?.drain(timeoutMs) ?? Promise.resolve(false);
  }

  stop(): void {
    this.client?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
