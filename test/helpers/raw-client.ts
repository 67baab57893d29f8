// A gRPC client that speaks Ingest.Stream message by message, so tests can send what a real agent
// never would (replays, broken frames, oversized messages) and read the collector's answers.
import { Client, Metadata, credentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { ingestService, type AgentMessage, type CollectorMessage } from '@farmwatch/proto';
import type { Pki } from './pki.js';

export interface StreamResult {
  received: CollectorMessage[];
  error: ServiceError | undefined;
}

export class RawIngestClient {
  private readonly client: Client;

  constructor(address: string, pki: Pki, withClientCert = true) {
    const creds = withClientCert ? credentials.createSsl(pki.ca, pki.clientKey, pki.clientCert) : credentials.createSsl(pki.ca);
    this.client = new Client(address, creds);
  }

  /**
   * Opens a stream, writes each frame (a message, or raw bytes), waiting for `waitFor` answers
   * after each message, then half-closes and returns what came back and how the stream ended.
   */
  async exchange(frames: (AgentMessage | Buffer)[], answersPerFrame = 1, timeoutMs = 10_000): Promise<StreamResult> {
    const m = ingestService.stream;
    const serialize = (x: AgentMessage | Buffer): Buffer => (Buffer.isBuffer(x) ? x : m.requestSerialize(x));
    const call: ClientDuplexStream<AgentMessage | Buffer, CollectorMessage> =
      this.client.makeBidiStreamRequest(m.path, serialize, m.responseDeserialize, new Metadata());
    const received: CollectorMessage[] = [];
    let error: ServiceError | undefined;
    let waiter: (() => void) | undefined;
    let ended = false;
    call.on('data', (msg: CollectorMessage) => {
      received.push(msg);
      waiter?.();
    });
    const done = new Promise<void>((resolve) => {
      call.on('error', (e: ServiceError) => {
        error = e;
        ended = true;
        waiter?.();
        resolve();
      });
      call.on('end', () => {
        ended = true;
        waiter?.();
        resolve();
      });
    });
    const deadline = Date.now() + timeoutMs;
    for (const frame of frames) {
      if (ended) break;
      const want = received.length + answersPerFrame;
      call.write(frame);
      while (received.length < want && !ended && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 50);
        });
      }
    }
    call.end();
    await Promise.race([done, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    return { received, error };
  }

  close(): void {
    this.client.close();
  }
}
