import { builtinCatalog, PushSigner } from '@farmwatch/shared';
// The whole collector in one object: storage, fleet engine, gRPC (enrollment + ingest), the HTTP
// API, alert exports, metrics, and the timers (revocation poll, sweep, retention).
import { status as Status } from '@grpc/grpc-js';
import type { Logger, PemPair } from '@farmwatch/shared';
import type { Store } from './store/store.js';
import { auditTarget } from './store/audit-target.js';
import { startServer, type RunningServer, type TlsMaterial } from './server.js';
import type { ConnectionLimits } from './grpc-port.js';
import type { HttpLimits } from './api/http-limits.js';
import { Enrollment, type RenewalPolicy } from './enroll/enrollment.js';
import { FleetEngine } from './fleet/engine.js';
import { AlertBus } from './alerts/bus.js';
import { Metrics } from './metrics.js';
import { GroupCommit } from './ingest/group-commit.js';
import { RateLimiter, type RateLimit } from './ingest/rate-limit.js';
import { ClientAddress } from './ingest/client-address.js';
import { LiveStreams } from './ingest/live-streams.js';
import { Exporters, type ExportConfig } from './export/exporters.js';
import { startApi, type RunningApi } from './api/server.js';
import type { RuleConfig } from './rules/device-rules.js';
import { PURGED_SETTING } from './ops/demo.js';

export interface CollectorConfig {
  listen: string;
  /** host:port of the HTTP API; undefined: no API. */
  httpListen?: string;
  /** Serve the API over TLS with the collector's server certificate. */
  httpTls?: boolean;
  tls: TlsMaterial;
  ca: PemPair;
  trustedProxies?: string[];
  /** PROXY protocol v2 headers from trustedProxies on the gRPC port: required (default), or optional (local tools). */
  proxyProtocol?: 'required' | 'optional';
  sanctioned?: string[];
  retentionDays?: number;
  rateLimit?: RateLimit;
  /** How long a replaced certificate keeps working, and how many renewals a device gets per window. */
  renewal?: Partial<RenewalPolicy>;
  rules?: Partial<RuleConfig>;
  exports?: ExportConfig;
  /** The gRPC port's TLS handshake deadline, idle limit and connection cap. */
  grpcLimits?: Partial<ConnectionLimits>;
  /** The HTTP port's header, request and idle timeouts and connection cap. */
  httpLimits?: Partial<HttpLimits>;
  pingIntervalMs?: number;
  revocationPollMs?: number;
  sweepMs?: number;
}

export class Collector {
  readonly bus = new AlertBus();
  readonly metrics = new Metrics();
  readonly live = new LiveStreams();
  readonly fleet: FleetEngine;
  readonly enrollment: Enrollment;
  readonly exporters: Exporters;
  grpc: RunningServer | undefined;
  api: RunningApi | undefined;
  private timers: NodeJS.Timeout[] = [];
  private revocationCursor = Date.now();
  private retirementCursor = Date.now();
  private purgeSeen: string | undefined;

  constructor(readonly store: Store, readonly config: CollectorConfig, readonly log: Logger) {
    this.fleet = new FleetEngine({ store, log: log.child('fleet'), rules: { ...config.rules, sanctionedTools: config.sanctioned ?? [] } });
    this.enrollment = new Enrollment({ store, ca: config.ca, log: log.child('enroll'), ...(config.renewal ? { renewal: config.renewal } : {}) });
    this.exporters = new Exporters(store, config.exports ?? {}, log.child('export'), this.metrics);
    this.bus.on('alert', (c) => {
      const a = store.alert(c.id);
      if (a) this.metrics.alerts.inc({ rule: a.rule, change: c.change });
      this.exporters.onChange(c);
    });
  }

  async start(): Promise<void> {
    const commit = new GroupCommit(this.store, {
      onObservation: (w, id, o, at) => this.fleet.onObservation(w, id, o, at),
      onInventory: (id, item) => this.fleet.onInventory(id, item),
      onHours: (_w, id, hours) => this.fleet.onHours(id, hours),
      afterObservations: (w, id) => this.fleet.afterObservations(w, id),
      sanctioned: new Set(this.config.sanctioned ?? []),
    });
    this.grpc = await startServer({
      listen: this.config.listen, tls: this.config.tls, store: this.store, log: this.log, metrics: this.metrics,
      enrollment: this.enrollment, ...(this.config.grpcLimits ? { limits: this.config.grpcLimits } : {}),
      trustedProxies: this.config.trustedProxies ?? [], proxyHeader: this.config.proxyProtocol ?? 'required',
      ingest: {
        store: this.store, log: this.log.child('ingest'), commit, limiter: new RateLimiter(this.config.rateLimit),
        addresses: new ClientAddress(this.config.trustedProxies ?? []), live: this.live, fleet: this.fleet, bus: this.bus,
        metrics: this.metrics, sanctioned: this.config.sanctioned ?? [], catalog: builtinCatalog(),
        signer: new PushSigner({ certPem: this.config.tls.certPem, keyPem: this.config.tls.keyPem }),
        ...(this.config.pingIntervalMs ? { pingIntervalMs: this.config.pingIntervalMs } : {}),
      },
    });
    if (this.config.httpListen) {
      this.api = await startApi(this, this.config.httpListen, this.config.httpTls ? { cert: this.config.tls.certPem, key: this.config.tls.keyPem } : undefined,
        this.config.httpLimits ? { limits: this.config.httpLimits } : {});
    }
    this.purgeSeen = this.store.fleet.setting(PURGED_SETTING)?.toString();
    this.every(this.config.revocationPollMs ?? 2000, () => {
      this.pollRevocations();
      this.pollPurges();
    });
    this.bus.publish(this.fleet.openMissingCases());
    this.every(this.config.sweepMs ?? 60_000, () => this.bus.publish(this.fleet.sweep()));
    const retentionMs = (this.config.retentionDays ?? 90) * 86_400_000;
    this.fleet.retain(retentionMs);
    this.every(3_600_000, () => this.fleet.retain(retentionMs));
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        this.log.error('periodic task failed', { error: (err as Error).message });
      }
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  /** Revokes a device's certificates and ends its live streams now. */
  revoke(deviceId: string, reason: string, actor: string): string[] {
    const now = Date.now();
    const serials = this.store.registry.revokeDevice(deviceId, reason, now);
    this.store.alerts.audit(actor, 'device.revoke', auditTarget.device(deviceId), `${reason}; certificates ${serials.join(', ') || 'none'}`, now);
    this.endRevoked(new Set(serials));
    return serials;
  }

  /** Revocations made by another process (the CLI) reach live streams here, and so do replaced certificates whose overlap ended. */
  pollRevocations(): void {
    const now = Date.now();
    const retired = this.store.registry.retiredBetween(this.retirementCursor - 5000, now);
    this.retirementCursor = now;
    if (retired.length > 0) {
      this.live.endCertificates(new Set(retired), Status.PERMISSION_DENIED,
        (s) => `certificate replaced: the certificate ${s.certSerial} of device ${s.deviceId} was replaced by a newer one and its overlap is over: connect with the newest certificate`);
    }
    const rows = this.store.registry.revokedSince(this.revocationCursor - 5000);
    if (rows.length === 0) return;
    this.revocationCursor = Math.max(this.revocationCursor, ...rows.map((r) => r.revokedMs));
    this.endRevoked(new Set(rows.map((r) => r.serial)));
  }

  /** Devices purged by another process (the CLI's `devices purge-demo`) are forgotten here too. */
  pollPurges(): void {
    const at = this.store.fleet.setting(PURGED_SETTING)?.toString();
    if (at === this.purgeSeen) return;
    this.purgeSeen = at;
    this.forgetPurged();
  }

  /** After devices were deleted from the store: their streams end and the co-location graph is rebuilt without them. */
  forgetPurged(): void {
    const gone = new Set([...this.live.connectedDevices()].filter((id) => !this.store.device(id))
      .flatMap((id) => this.live.byDevice(id).map((s) => s.certSerial)));
    if (gone.size > 0) this.live.endCertificates(gone, Status.PERMISSION_DENIED, (s) => `device ${s.deviceId} was deleted (devices purge-demo)`);
    this.fleet.forgetDeleted();
    this.log.info('purged devices forgotten', { streams: gone.size });
  }

  private endRevoked(serials: Set<string>): void {
    const n = this.live.endCertificates(serials, Status.PERMISSION_DENIED,
      (s) => `certificate revoked: device ${s.deviceId}'s certificate was revoked while this stream was open; IT can re-enroll the laptop with a new token`);
    if (n > 0) this.log.info('ended streams of revoked certificates', { streams: n });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.api?.close();
    await this.grpc?.close();
    await this.exporters.close();
  }
}
