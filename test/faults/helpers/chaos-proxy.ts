// A TCP proxy that breaks the network between agents and the collector on command: it cuts every
// open connection (TCP reset), stalls them (stops forwarding both ways, sockets kept open),
// accepts and swallows everything (black hole), or refuses new connections (reset on accept).
// TLS passes through untouched, so the agents' mutual TLS reaches the collector as it is.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'blackhole' | 'refuse';

export class ChaosProxy {
  mode: ProxyMode = 'pass';
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket | undefined }>();
  private stalled = false;
  connections = 0;
  cuts = 0;
  bytesUp = 0;
  bytesDown = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.accept(client));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)));
  }

  private accept(client: Socket): void {
    this.connections++;
    client.on('error', () => {});
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const pair: { client: Socket; upstream: Socket | undefined } = { client, upstream: undefined };
    this.pairs.add(pair);
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    if (this.mode === 'blackhole') {
      client.on('data', () => {});
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (d: Buffer) => {
      this.bytesUp += d.length;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      this.bytesDown += d.length;
      client.write(d);
    });
    if (this.stalled) {
      client.pause();
      upstream.pause();
    }
  }

  /** Resets every open connection, as a NAT or firewall dropping its state would. */
  cutAll(): number {
    let n = 0;
    for (const p of [...this.pairs]) {
      p.client.resetAndDestroy();
      p.upstream?.resetAndDestroy();
      this.pairs.delete(p);
      n++;
    }
    this.cuts += n;
    return n;
  }

  /** Stops forwarding in both directions for `ms`, connections kept open. */
  async stall(ms: number): Promise<void> {
    this.stalled = true;
    for (const p of this.pairs) {
      p.client.pause();
      p.upstream?.pause();
    }
    await new Promise((r) => setTimeout(r, ms));
    this.stalled = false;
    for (const p of this.pairs) {
      p.client.resume();
      p.upstream?.resume();
    }
  }

  get open(): number {
    return this.pairs.size;
  }

  close(): Promise<void> {
    this.cutAll();
    return new Promise((r) => this.server.close(() => r()));
  }
}
