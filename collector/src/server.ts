// The collector's gRPC server: Ingest over TLS, client certificates required, messages bounded.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { MAX_AGENT_MESSAGE_BYTES, ingestService } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import { ingestHandler, type IngestDeps } from './ingest/stream-handler.js';
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
  store: Store;
  log: Logger;
  onBatch?: IngestDeps['onBatch'];
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: CollectorServerOptions): Promise<RunningServer> {
  const server = new Server({
    'grpc.max_receive_message_length': MAX_AGENT_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  server.addService(ingestService, {
    stream: ingestHandler({ store: opts.store, log: opts.log.child('ingest'), ...(opts.onBatch ? { onBatch: opts.onBatch } : {}) }),
  });
  const credentials = ServerCredentials.createSsl(opts.tls.caPem, [{ cert_chain: opts.tls.certPem, private_key: opts.tls.keyPem }], true);
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
