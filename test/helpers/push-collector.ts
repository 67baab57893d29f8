// A stand-in collector for probes of what a collector pushes to an agent. The real collector only
// ever pushes its own built-in catalog; this one pushes whatever a test wants (a crafted catalog,
// an unsigned or altered one), signed with the test PKI's real server key or not. It serves the
// Ingest service on 127.0.0.1 port 0 over TLS with that PKI's server certificate, so the agent's
// TLS check is the real one; it answers Hello with HelloAck, sends each stream the test's pushes
// in order, acknowledges every batch, and keeps the Hellos and events it received.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { ingestService, pb, type AgentMessage, type CollectorMessage, type Decoded, type Event, type Hello, type farmwatch } from '@farmwatch/proto';
import { PUSH_KIND, PushSigner, catalogVersion, type Catalog } from '@farmwatch/shared';

export class PushCollector {
  readonly hellos: Hello[] = [];
  readonly events: Event[] = [];
  /** What each new stream is sent after HelloAck. */
  pushes: CollectorMessage[] = [];
  /** Signs as the real collector does: with the PKI's server certificate and key. */
  readonly signer: PushSigner;
  private constructor(private readonly server: Server, readonly address: string, pkiDir: string) {
    this.signer = new PushSigner({ certPem: readFileSync(join(pkiDir, 'server.pem')), keyPem: readFileSync(join(pkiDir, 'server-key.pem')) });
  }

  static async start(pkiDir: string): Promise<PushCollector> {
    const server = new Server();
    const holder: { self?: PushCollector } = {};
    server.addService(ingestService, {
      stream: (call: ServerDuplexStream<Decoded<AgentMessage>, CollectorMessage>) => {
        call.on('data', (d: Decoded<AgentMessage>) => {
          const self = holder.self;
          if (!d.ok || !self) return;
          const m = d.message;
          if (m.body === 'hello') {
            self.hellos.push(m.hello);
            call.write({ helloAck: { deviceId: 'push-probe', lastSequence: 0, serverTimeMs: Date.now(), maxBatchBytes: 1 << 20 } });
            for (const p of self.pushes) call.write(p);
          } else if (m.body === 'batch') {
            const events = m.batch.events ?? [];
            self.events.push(...events);
            call.write({ ack: { sequence: Math.max(0, ...events.map((e) => e.sequence ?? 0)) } });
          }
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
    });
    const creds = ServerCredentials.createSsl(readFileSync(join(pkiDir, 'ca.pem')),
      [{ cert_chain: readFileSync(join(pkiDir, 'server.pem')), private_key: readFileSync(join(pkiDir, 'server-key.pem')) }], false);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
    holder.self = new PushCollector(server, `127.0.0.1:${port}`, pkiDir);
    return holder.self;
  }

  /** A CatalogUpdate for `catalog`, signed by `signer` (this collector's server key by default). */
  signedCatalog(catalog: Catalog, signer: PushSigner = this.signer): { catalog: farmwatch.v1.CatalogUpdate.$Shape } {
    const version = catalog.version ?? '';
    return { catalog: { version, signed: signer.sign(PUSH_KIND.catalog, pb.CatalogUpdate.encode({ version, catalog }).finish()) } };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** The built-in catalog plus one remote-access tool whose process patterns are `patterns`, versioned by its content. */
export function catalogWith(builtin: Catalog, id: string, patterns: string[]): Catalog {
  const plain = pb.Catalog.toObject(pb.Catalog.fromObject(builtin), { enums: String }) as { remoteAccess: unknown[] };
  plain.remoteAccess.push({
    id, name: `Probe ${id}`, category: 'RMM', processes: patterns.map((pattern) => ({ pattern })), sources: [{ note: 'security probe', license: 'n/a' }],
  });
  const c = pb.Catalog.fromObject(plain) as Catalog;
  c.version = catalogVersion(c);
  return c;
}
