// A collector address that accepts connections and never answers (a middlebox that swallowed the
// connection, a half-open TCP session): the stream client must not wait on it for ever. It gives
// up on a Hello nobody answers, drops the channel, and connects again with backoff.
import { createServer, type Server, type Socket } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@farmwatch/shared';
import { MemoryOutbox } from '../src/transport/outbox.js';
import { StreamClient } from '../src/transport/stream-client.js';

const sockets: Socket[] = [];
let server: Server | undefined;
let client: StreamClient | undefined;
afterEach(async () => {
  client?.stop();
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

async function blackHole(): Promise<{ port: number; accepted: () => number }> {
  let n = 0;
  server = createServer((s) => {
    n++;
    sockets.push(s);
    s.on('data', () => {}); // read everything, answer nothing
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, accepted: () => n };
}

describe('stream client on a connection that carries nothing', () => {
  it('gives up on an unanswered Hello, leaves the channel and connects again', async () => {
    const hole = await blackHole();
    const outbox = new MemoryOutbox();
    outbox.push({ heartbeat: { uptimeMs: 1 } }, 1);
    client = new StreamClient({
      server: `127.0.0.1:${hole.port}`, credentials: credentials.createInsecure(), outbox, log: createLogger('test', 'silent'),
      hello: () => ({ agentVersion: 'test' }), backoff: { initialMs: 50, maxMs: 100 }, stallMs: { hello: 300, ack: 300 },
    });
    client.start();
    const deadline = Date.now() + 10_000;
    while (hole.accepted() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Each attempt was given up and made on a new connection: the old channel is not reused.
    expect(hole.accepted()).toBeGreaterThanOrEqual(3);
    expect(client.lastError).toMatch(/stalled: no answer to Hello within 300 ms/);
    expect(outbox.depth).toBe(1);
  });
});
