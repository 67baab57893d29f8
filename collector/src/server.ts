// The collector's gRPC server on one port: Enrollment over server-authenticated TLS (the token
// authenticates the caller) and Ingest, which needs the client certificate enrollment issued.
//
// One port, not two: TLS asks every client for a certificate but lets a client without one
// finish the handshake (requestCert, no rejectUnauthorized); each call then checks what it
// needs: Enroll a token, Ingest and Renew a verified certificate whose CN is an enrolled device
// and whose serial is not revoked. Agents and load balancers need one address; the check that
// matters (which device, still trusted?) happens per call in any design, since a CA-signed
// certificate can be revoked and a TLS handshake knows nothing of that.
import { Server, experimental, status as Status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { MAX_AGENT_MESSAGE_BYTES, enrollmentService, type Decoded, type farmwatch } from '@farmwatch/proto';
import { collectorIngestService } from './ingest/raw-events.js';
import type { Logger } from '@farmwatch/shared';
import { ingestHandler, type IngestDeps } from './ingest/stream-handler.js';
import { authenticate, Refusal } from './auth/peer.js';
import type { Enrollment } from './enroll/enrollment.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store/store.js';

export interface TlsMaterial {
  caPem: Buffer;
  certPem: Buffer;
  keyPem: Buffer;
}

export interface CollectorServerOptions {
  /** host:port; port 0 picks a free one. */
  listen: string;
  tls: TlsMaterial;
  ingest: IngestDeps;
  enrollment: Enrollment;
  store: Store;
  log: Logger;
  metrics?: Metrics;
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves fixed TLS material to grpc-js's certificate-provider credentials. Listeners are called on
 * the next turn: grpc-js registers its own watcher only after adding these listeners, and an
 * update delivered before that would be lost (the server would then drop every connection).
 */
class StaticCertificates implements experimental.CertificateProvider {
  constructor(private readonly tls: TlsMaterial) {}
  addCaCertificateListener(l: experimental.CaCertificateUpdateListener): void {
    queueMicrotask(() => l({ caCertificate: this.tls.caPem }));
  }
  removeCaCertificateListener(): void {}
  addIdentityCertificateListener(l: experimental.IdentityCertificateUpdateListener): void {
    queueMicrotask(() => l({ certificate: this.tls.certPem, privateKey: this.tls.keyPem }));
  }
  removeIdentityCertificateListener(): void {}
}

type EnrollRequest = farmwatch.v1.EnrollRequest.$Shape;
type RenewRequest = farmwatch.v1.RenewRequest.$Shape;
type EnrollResponse = farmwatch.v1.EnrollResponse.$Shape;

function reply(log: Logger, metrics: Metrics | undefined, what: string, peer: string, cb: sendUnaryData<EnrollResponse>, work: Promise<EnrollResponse>): void {
  work.then((r) => {
    metrics?.enrollments.inc({ call: what, result: 'ok' });
    cb(null, r);
  }, (err: unknown) => {
    const code = err instanceof Refusal ? err.code : Status.INTERNAL;
    const details = err instanceof Refusal ? err.message : 'the collector failed to enroll this agent; see its log';
    if (!(err instanceof Refusal)) log.error(`${what} failed`, { peer, error: (err as Error).message });
    else log.warn(`${what} refused`, { peer, code: Status[code], details });
    metrics?.enrollments.inc({ call: what, result: Status[code] ?? String(code) });
    cb({ code, details });
  });
}

export async function startServer(opts: CollectorServerOptions): Promise<RunningServer> {
  const server = new Server({
    'grpc.max_receive_message_length': MAX_AGENT_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(collectorIngestService, { stream: ingestHandler(opts.ingest) });
  server.addService(enrollmentService, {
    enroll: (call: ServerUnaryCall<Decoded<EnrollRequest>, EnrollResponse>, cb: sendUnaryData<EnrollResponse>) => {
      const peer = call.getPeer();
      const req = call.request;
      if (!req.ok) return cb({ code: Status.INVALID_ARGUMENT, details: req.error.message });
      reply(opts.log, opts.metrics, 'enroll', peer, cb, opts.enrollment.enroll(req.message, peer));
    },
    renew: (call: ServerUnaryCall<Decoded<RenewRequest>, EnrollResponse>, cb: sendUnaryData<EnrollResponse>) => {
      const peer = call.getPeer();
      const req = call.request;
      if (!req.ok) return cb({ code: Status.INVALID_ARGUMENT, details: req.error.message });
      reply(opts.log, opts.metrics, 'renew', peer, cb, (async () => {
        const who = authenticate(call, opts.store);
        return opts.enrollment.renew(who.deviceId, req.message.csrDer ?? new Uint8Array(), peer);
      })());
    },
  });
  const provider = new StaticCertificates(opts.tls);
  const credentials = experimental.createCertificateProviderServerCredentials(provider, provider, false);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(opts.listen, credentials, (err, boundPort) => {
      if (err) reject(new Error(`cannot listen on ${opts.listen}: ${err.message}`));
      else resolve(boundPort);
    });
  });
  const host = opts.listen.slice(0, opts.listen.lastIndexOf(':'));
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => {
      const force = setTimeout(() => server.forceShutdown(), 5000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }),
  };
}
