// A gRPC client that speaks Ingest.Stream message by message, so tests can send what a real agent
// never would (replays, broken frames, oversized messages, other devices' ids) and read the
// collector's answers. It answers the collector's pings like an agent and keeps what the collector
// pushes (configuration with the fleet key, a newer catalog) apart from the answers.
import { Client, Metadata, credentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { ingestService, type AgentMessage, type CollectorMessage } from '@farmwatch/proto';

export interface StreamResult {
  /** HelloAck, acks and anything else that is not a ping, a configuration push or a catalog push. */
  received: CollectorMessage[];
  /** Configuration pushes. */
  config: CollectorMessage[];
  /** Catalogs the collector pushed (it does so when Hello names another catalog version). */
  catalogs: CollectorMessage[];
  pings: number;
  error: ServiceError | undefined;
}

export interface ClientIdentity {
  ca: Buffer;
  certPem?: Buffer;
  keyPem?: Buffer;
}

export interface ClientOptions {
  /**
   * Sent as x-forwarded-for (believed only when the collector trusts this client as a proxy and lets
   * it connect without a PROXY protocol header: --trusted-proxy 127.0.0.1/32 --proxy-protocol optional).
   */
  forwardedFor?: string;
}

export class RawIngestClient {
  private readonly client: Client;

  constructor(address: string, id: ClientIdentity, private readonly opts: ClientOptions = {}) {
    const creds = id.certPem && id.keyPem ? credentials.createSsl(id.ca, id.keyPem, id.certPem) : credentials.createSsl(id.ca);
    this.client = new Client(address, creds);
  }

  /** Opens a stream and returns it with the messages collected so far (for tests that keep it open). */
  open(): { call: ClientDuplexStream<AgentMessage | Buffer, CollectorMessage>; result: StreamResult; ended: Promise<void> } {
    const m = ingestService.stream;
    const serialize = (x: AgentMessage | Buffer): Buffer => (Buffer.isBuffer(x) ? x : m.requestSerialize(x));
    const metadata = new Metadata();
    if (this.opts.forwardedFor) metadata.set('x-forwarded-for', this.opts.forwardedFor);
    const call: ClientDuplexStream<AgentMessage | Buffer, CollectorMessage> =
      this.client.makeBidiStreamRequest(m.path, serialize, m.responseDeserialize, metadata);
    const result: StreamResult = { received: [], config: [], catalogs: [], pings: 0, error: undefined };
    call.on('data', (msg: CollectorMessage) => {
      if (msg.body === 'ping') {
        result.pings++;
        call.write({ pong: { nonce: msg.ping.nonce ?? 0 } });
      } else if (msg.body === 'config') result.config.push(msg);
      else if (msg.body === 'catalog') result.catalogs.push(msg);
      else result.received.push(msg);
    });
    const ended = new Promise<void>((resolve) => {
      call.on('error', (e: ServiceError) => {
        result.error = e;
        resolve();
      });
      call.on('end', () => resolve());
    });
    return { call, result, ended };
  }

  /**
   * Opens a stream, writes each frame (a message, or raw bytes), waiting for `answersPerFrame`
   * answers after each, then half-closes and returns what came back and how the stream ended.
   */
  async exchange(frames: (AgentMessage | Buffer)[], answersPerFrame = 1, timeoutMs = 10_000): Promise<StreamResult> {
    const { call, result, ended } = this.open();
    let done = false;
    void ended.then(() => (done = true));
    const deadline = Date.now() + timeoutMs;
    for (const frame of frames) {
      if (done) break;
      const want = result.received.length + answersPerFrame;
      call.write(frame);
      while (result.received.length < want && !done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    call.end();
    await Promise.race([ended, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    return result;
  }

  close(): void {
    this.client.close();
  }
}
