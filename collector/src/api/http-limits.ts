// How long the HTTP API and console port waits for a client, and how many it holds. Fastify's
// defaults wait for a request body forever (requestTimeout 0) and hold any number of connections;
// Node checks its header and request deadlines only every 30 s. Here: the request line and headers
// must arrive within `headersTimeoutMs`, the whole request (body included) within
// `requestTimeoutMs`, both answered 408 and closed, checked every second; a connection with
// nothing sent either way for `idleTimeoutMs` is closed (the alert stream writes a keepalive every
// 15 s, so an open stream is never idle); a TLS handshake gets `headersTimeoutMs`; and at most
// `maxConnections` are held at once: one more is closed as soon as it is accepted.
import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Logger } from '@farmwatch/shared';
import type { Metrics } from '../metrics.js';

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, idleTimeoutMs: 75_000, maxConnections: 1000 };

/** Request line and headers together, and how many headers are read (Node: 16 KiB, 2000). */
export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_HEADERS = 100;

/** The options Fastify applies to its server after making it (it would set 0, "none", otherwise). */
export function fastifyTimeouts(l: HttpLimits): { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number } {
  return { connectionTimeout: l.idleTimeoutMs, keepAliveTimeout: l.idleTimeoutMs, requestTimeout: l.requestTimeoutMs };
}

/** Options for node:http / node:https createServer (Fastify's `http` / `https`). */
export function serverOptions(l: HttpLimits): ServerOptions & { handshakeTimeout: number } {
  return {
    headersTimeout: l.headersTimeoutMs, requestTimeout: l.requestTimeoutMs, keepAliveTimeout: l.idleTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, l.headersTimeoutMs), maxHeaderSize: MAX_HEADER_BYTES, handshakeTimeout: l.headersTimeoutMs,
  };
}

/** The header count and the connection cap, which are properties of a made server. */
export function capConnections(server: HttpServer, l: HttpLimits, log: Logger, metrics?: Metrics): void {
  server.maxHeadersCount = MAX_HEADERS;
  server.maxConnections = l.maxConnections;
  let refused = 0;
  let lastWarnMs = 0;
  server.on('drop', (peer?: { remoteAddress?: string }) => {
    refused++;
    metrics?.connectionsRefused.inc({ port: 'http' });
    if (Date.now() - lastWarnMs >= 60_000) {
      lastWarnMs = Date.now();
      log.warn('HTTP port at its connection limit: refused connections (raise --http-max-connections if people and tools need more)', {
        limit: l.maxConnections, refusedSoFar: refused, from: peer?.remoteAddress ?? '',
      });
    }
  });
}
