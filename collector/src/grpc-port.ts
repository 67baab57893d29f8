// The collector's gRPC port as a TCP listener of its own, so that connections are bounded before
// grpc-js sees them: at most `maxConnections` at once (one more is closed as soon as it is
// accepted), and a connection that has not finished its TLS handshake after `handshakeTimeoutMs`
// is dropped (Node's TLS server would wait 120 s; grpc-js has no setting for it). Each accepted
// connection is handed to grpc-js (Server.createConnectionInjector), which does TLS, HTTP/2 and
// the calls as on a port it bound itself. After the handshake grpc-js holds the connection:
// `grpc.max_connection_idle_ms` closes one with no call open, and its keepalive pings close one
// that stops answering; an agent's stream is a call, so it is never idle, however long it runs.
//
// Behind a load balancer in TCP mode (--trusted-proxy), a connection from a trusted balancer must
// start with a PROXY protocol v2 header naming the agent (proxy-protocol.ts), read here before the
// connection is handed over; the agent's address is then what the calls on it see as their peer
// (ProxiedPeers). A connection from anywhere else goes to TLS untouched, header or not, so nobody
// else can claim an address.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { ServerCredentials, type Server } from '@grpc/grpc-js';
import type { Logger } from '@farmwatch/shared';
import { inCidr, normalizeIp, parseCidr } from './enrich/ip.js';
import type { Metrics } from './metrics.js';
import { ProxyHeaderError, readProxyHeader } from './proxy-protocol.js';

export interface ConnectionLimits {
  /** A connection whose TLS handshake has not finished in this long is dropped. */
  handshakeTimeoutMs: number;
  /** A connection with no call open for this long is closed (an agent's open stream is a call). */
  idleTimeoutMs: number;
  /** Connections held at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
}

export const DEFAULT_GRPC_LIMITS: ConnectionLimits = { handshakeTimeoutMs: 10_000, idleTimeoutMs: 300_000, maxConnections: 20_000 };

export interface TlsMaterial {
  caPem: Buffer;
  certPem: Buffer;
  keyPem: Buffer;
}

/**
 * TLS for the port: the server certificate; clients are asked for a certificate signed by the CA
 * but may connect without one (enrollment), since each call checks what it needs; and a handshake
 * deadline. The material is fixed for the life of the server.
 */
export class CollectorCredentials extends ServerCredentials {
  constructor(tls: TlsMaterial, handshakeTimeoutMs: number) {
    super({ requestCert: true, rejectUnauthorized: false, handshakeTimeout: handshakeTimeoutMs }, { ca: tls.caPem, cert: [tls.certPem], key: [tls.keyPem] });
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export interface ListeningPort {
  host: string;
  port: number;
  /** Stops accepting connections; resolves once the last one has closed. */
  stopAccepting(): Promise<void>;
  /** Drops every connection still open (after grpc-js has shut down: those mid-handshake). */
  dropAll(): void;
}

/** A TCP peer as grpc-js writes it in getPeer(): address, colon, port (IPv6 unbracketed). */
const peerKey = (address: string | undefined, port: number | undefined): string => `${address ?? ''}:${port ?? 0}`;

/**
 * The agents behind a trusted balancer: for each connection whose PROXY header named one, the
 * balancer's end of it (address:port as grpc-js reports the peer of a call on that connection) to
 * the agent's address and port. An entry lives as long as its connection.
 */
export class ProxiedPeers {
  private readonly byPeer = new Map<string, { socket: Socket; real: string }>();

  add(socket: Socket, address: string, port: number): void {
    const key = peerKey(socket.remoteAddress, socket.remotePort);
    const entry = { socket, real: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}` };
    this.byPeer.set(key, entry);
    socket.once('close', () => {
      if (this.byPeer.get(key) === entry) this.byPeer.delete(key);
    });
  }

  /** The peer a call should see: the agent's, when its connection came through a balancer with a header. */
  resolve(peer: string): string {
    return this.byPeer.get(peer)?.real ?? peer;
  }

  get size(): number {
    return this.byPeer.size;
  }
}

/** Splits HOST:PORT ([v6]:PORT too). */
function hostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

export interface ProxyOptions {
  /** Balancers (CIDR ranges) whose connections must start with a PROXY protocol v2 header. */
  trusted: string[];
  /**
   * Whether a connection from a trusted balancer may also start TLS with no header (its peer is
   * then the balancer itself); by default (required) such a connection is closed.
   */
  header?: 'required' | 'optional';
  /** Where the agents' addresses the headers named are kept for the calls. */
  peers: ProxiedPeers;
}

export async function listenGuarded(server: Server, credentials: ServerCredentials, listen: string, limits: ConnectionLimits,
  log: Logger, metrics?: Metrics, proxy?: ProxyOptions): Promise<ListeningPort> {
  let injector: ReturnType<Server['createConnectionInjector']>;
  try {
    injector = server.createConnectionInjector(credentials);
  } catch (err) {
    throw new Error(`cannot serve TLS on ${listen}: ${(err as Error).message}: check server.pem, server-key.pem and ca.pem in the --tls-dir (\`npm run certs\` makes them)`);
  }
  const sockets = new Set<Socket>();
  const trusted = (proxy?.trusted ?? []).map(parseCidr);
  let headerFaults = 0;
  let lastHeaderWarnMs = 0;
  const refuseHeader = (socket: Socket, from: string, err: ProxyHeaderError): void => {
    socket.destroy();
    headerFaults++;
    metrics?.proxyHeadersRefused.inc({ reason: err.fault });
    // One line a minute at most, as for the connection limit.
    if (Date.now() - lastHeaderWarnMs >= 60_000) {
      lastHeaderWarnMs = Date.now();
      log.warn('closed a connection from a trusted proxy that did not start with a valid PROXY protocol v2 header ' +
        '(give the balancer `send-proxy-v2` on its server lines, or take its address out of --trusted-proxy if it is no balancer)', {
        from, reason: err.fault, error: err.message, closedSoFar: headerFaults,
      });
    }
  };
  const tcp: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const from = normalizeIp(socket.remoteAddress ?? '');
    if (!proxy || !trusted.some((c) => inCidr(from, c))) {
      injector.injectConnection(socket);
      return;
    }
    readProxyHeader(socket, limits.handshakeTimeoutMs, proxy.header === 'optional').then((header) => {
      if (socket.destroyed) return;
      if (header.command === 'proxy') proxy.peers.add(socket, header.address, header.port);
      injector.injectConnection(socket);
    }, (err: unknown) => {
      if (err instanceof ProxyHeaderError) refuseHeader(socket, from, err);
      else {
        socket.destroy();
        log.error('reading a PROXY protocol header failed', { from, error: (err as Error).message });
      }
    });
  });
  tcp.maxConnections = limits.maxConnections;
  let refused = 0;
  let lastWarnMs = 0;
  tcp.on('drop', (peer) => {
    refused++;
    metrics?.connectionsRefused.inc({ port: 'grpc' });
    // One line a minute at most: a flood must not flood the log too.
    if (Date.now() - lastWarnMs >= 60_000) {
      lastWarnMs = Date.now();
      log.warn('gRPC port at its connection limit: refused connections (raise --grpc-max-connections if the fleet needs more)', {
        limit: limits.maxConnections, refusedSoFar: refused, from: peer?.remoteAddress ?? '',
      });
    }
  });
  const { host, port } = hostPort(listen);
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', (err) => reject(new Error(`cannot listen on ${listen}: ${err.message}`)));
    tcp.listen({ host, port }, () => resolve());
  });
  const address = tcp.address();
  return {
    host,
    port: typeof address === 'object' && address ? address.port : port,
    stopAccepting: () => new Promise<void>((resolve) => tcp.close(() => resolve())),
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
