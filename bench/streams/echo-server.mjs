// The baseline of the concurrent-streams benchmark: a bare grpc-js server of the same Ingest.Stream
// method, with the collector's certificate, mutual TLS and keepalive settings, that answers Hello
// with HelloAck and each batch with its ack at once, storing nothing. What one connection and one
// stream cost in grpc-js itself, measured in the same run as the collector.
//   node bench/streams/echo-server.mjs CERT_DIR   (prints "listening on 127.0.0.1:PORT")
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ingestService } from '../../proto/dist/index.js';

const dir = process.argv[2];
const server = new Server({
  'grpc.max_receive_message_length': 4 * 1024 * 1024, 'grpc.keepalive_time_ms': 60_000, 'grpc.keepalive_timeout_ms': 20_000,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000, 'grpc.keepalive_permit_without_calls': 1,
});
server.addService(ingestService, {
  stream: (call) => {
    call.on('data', (decoded) => {
      if (!decoded.ok) return;
      const m = decoded.message;
      if (m.body === 'hello') call.write({ helloAck: { deviceId: 'echo', lastSequence: 0, serverTimeMs: Date.now() } });
      else if (m.body === 'batch') call.write({ ack: { sequence: m.batch.events?.at(-1)?.sequence ?? 0 } });
    });
    call.on('end', () => call.end());
    call.on('error', () => {});
  },
});
const creds = ServerCredentials.createSsl(readFileSync(join(dir, 'ca.pem')), [{ cert_chain: readFileSync(join(dir, 'server.pem')), private_key: readFileSync(join(dir, 'server-key.pem')) }], true);
server.bindAsync('127.0.0.1:0', creds, (err, port) => {
  if (err) throw err;
  process.stdout.write(`listening on 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
