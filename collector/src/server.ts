// The collector's gRPC server on one port: Enrollment over server-authenticated TLS (the token
// authenticates the caller) and Ingest, which needs the client certificate enrollment issued.
//
// One port, not two: TLS asks every client for a certificate but lets a client without one
// finish the handshake (requestCert, no rejectUnauthorized); each call then checks what it
// needs: Enroll a token, Ingest and Renew a verified certificate whose CN is an enrolled device
// and whose serial is not revoked. Agents and load balancers need one address; the check that
// matters (which device, still trusted?) happens per call in any design, since a CA-signed
// certificate can be revoked and a TLS handshake knows nothing of that.
//
// The port is bounded (grpc-port.ts): a capped number of connections, a TLS handshake deadline, and
// connections with no call open are closed after an idle time; agents' streams are calls and stay.
// Behind trusted balancers (--trusted-proxy) each call's getPeer() is the agent's address from the
// connection's PROXY protocol header, for every handler alike (enrollment, renewal, the stream).
import { Server, status as Status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { MAX_AGENT_MESSAGE_BYTES, enrollmentService, type Decoded, type farmwatch } from '@farmwatch/proto';
import { collectorIngestService } from './ingest/raw-events.js';
import type { Logger } from '@farmwatch/shared';
import { ingestHandler, type IngestDeps } from './ingest/stream-handler.js';
import { authenticate, Refusal } from './auth/peer.js';
import type { Enrollment } from './enroll/enrollment.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store/store.js';
import { CollectorCredentials, DEFAULT_GRPC_LIMITS, listenGuarded, ProxiedPeers, type ConnectionLimits, type TlsMaterial } from './grpc-port.js';

export type { TlsMaterial } from './grpc-port.js';

export interface CollectorServerOptions {
  /** host:port; port 0 picks a free one. */
  listen: string;
  tls: TlsMaterial;
  ingest: IngestDeps;
  enrollment: Enrollment;
  store: Store;
  log: Logger;
  metrics?: Metrics;
  /** Handshake deadline, idle limit and connection cap of the port (default DEFAULT_GRPC_LIMITS). */
  limits?: Partial<ConnectionLimits>;
  /** Load balancers (CIDR) whose connections start with a PROXY protocol v2 header naming the agent. */
  trustedProxies?: string[];
  /** Whether their connections must start with the header (default) or may start TLS directly. */
  proxyHeader?: 'required' | 'optional';
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
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
  const limits = { ...DEFAULT_GRPC_LIMITS, ...opts.limits };
  const server = new Server({
    'grpc.max_receive_message_length': MAX_AGENT_MESSAGE_BYTES,
    // A connection with no call open (an agent's stream is one, for days) is closed after this.
    'grpc.max_connection_idle_ms': limits.idleTimeoutMs,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const peers = new ProxiedPeers();
  // The call's peer as the agent's address where a balancer's header named it.
  const proxied = <C extends { getPeer(): string }>(call: C): C => {
    if (peers.size === 0) return call;
    const tcpPeer = call.getPeer();
    const real = peers.resolve(tcpPeer);
    if (real !== tcpPeer) call.getPeer = () => real;
    return call;
  };
  const ingest = ingestHandler(opts.ingest);
  server.addService(collectorIngestService, { stream: (call: Parameters<typeof ingest>[0]) => ingest(proxied(call)) });
  server.addService(enrollmentService, {
    enroll: (call: ServerUnaryCall<Decoded<EnrollRequest>, EnrollResponse>, cb: sendUnaryData<EnrollResponse>) => {
      const peer = proxied(call).getPeer();
      const req = call.request;
      if (!req.ok) return cb({ code: Status.INVALID_ARGUMENT, details: req.error.message });
      reply(opts.log, opts.metrics, 'enroll', peer, cb, opts.enrollment.enroll(req.message, peer));
    },
    renew: (call: ServerUnaryCall<Decoded<RenewRequest>, EnrollResponse>, cb: sendUnaryData<EnrollResponse>) => {
      const peer = proxied(call).getPeer();
      const req = call.request;
      if (!req.ok) return cb({ code: Status.INVALID_ARGUMENT, details: req.error.message });
      reply(opts.log, opts.metrics, 'renew', peer, cb, (async () => {
        const who = authenticate(call, opts.store);
        return opts.enrollment.renew(who.deviceId, req.message.csrDer ?? new Uint8Array(), peer);
      })());
    },
  });
  const port = await listenGuarded(server, new CollectorCredentials(opts.tls, limits.handshakeTimeoutMs), opts.listen, limits, opts.log, opts.metrics,
    opts.trustedProxies?.length ? { trusted: opts.trustedProxies, peers, header: opts.proxyHeader ?? 'required' } : undefined);
  return {
    host: port.host,
    port: port.port,
    close: async () => {
      const closed = port.stopAccepting();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      port.dropAll();
      await closed;
    },
  };
}
