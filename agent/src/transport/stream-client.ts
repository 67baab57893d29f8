// The agent's end of Ingest.Stream: one long-lived bidirectional gRPC stream over TLS. It says
// Hello, waits for HelloAck, sends batches from the outbox, drops what the collector acknowledges,
// answers pings, hands other collector messages to its owner, and reconnects with backoff. A
// stream that makes no progress (no HelloAck, or batches never acknowledged: a connection that a
// middlebox swallowed while TCP still looks open) is abandoned with its channel and started again.
// The collector keeps one stream per device and ends the older one ("stream replaced"): after that,
// a successful Hello does not reset the backoff, so two agents holding one identity reconnect ever
// more slowly (up to the maximum backoff) instead of replacing each other every second.
import { Client, Metadata, status as Status, type ChannelCredentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import {
  DEFAULT_MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, ingestService,
  type AgentMessage, type CollectorMessage, type Hello,
} from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import { Backoff } from './backoff.js';
import type { Outbox } from './outbox.js';

export type ConnectionState = 'idle' | 'connecting' | 'streaming' | 'waiting' | 'stopped';

export interface StreamClientOptions {
  /** host:port of the collector */
  server: string;
  credentials: ChannelCredentials;
  outbox: Outbox;
  log: Logger;
  /** Built again for every connection (it carries the agent's clock). */
  hello: () => Hello;
  /** Collector messages other than acks and pings: configuration, inventory requests. */
  onMessage?: (message: CollectorMessage) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** Batches sent but not yet acknowledged, at most. */
  window?: number;
  /** No HelloAck this long after connecting, or no ack this long while batches wait for one: start over (default 30 s, 60 s). */
  stallMs?: { hello: number; ack: number };
}

type Call = ClientDuplexStream<AgentMessage, CollectorMessage>;

export class StreamClient {
  private client: Client;
  private readonly backoff: Backoff;
  private call: Call | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
  private ackWaiters: (() => void)[] = [];
  private credentials: ChannelCredentials;
  /** When the stream last moved: connected, HelloAck, an ack, or the first batch sent after none was waiting. */
  private progressAtMs = 0;
  private readonly stallCheck: NodeJS.Timeout;
  /** The last stream was ended because another stream with this identity replaced it. */
  private replaced = false;
  state: ConnectionState = 'idle';
  lastError: string | undefined;
  deviceId: string | undefined;
  lastAckAtMs: number | undefined;

  constructor(private readonly opts: StreamClientOptions) {
    this.credentials = opts.credentials;
    this.client = StreamClient.channel(opts.server, opts.credentials);
    this.backoff = new Backoff(opts.backoff?.initialMs ?? 1000, opts.backoff?.maxMs ?? 60_000);
    const stall = opts.stallMs ?? { hello: 30_000, ack: 60_000 };
    this.stallCheck = setInterval(() => this.checkStalled(stall), Math.min(5000, stall.hello / 3, stall.ack / 3));
    this.stallCheck.unref();
  }

  private static channel(server: string, creds: ChannelCredentials): Client {
    return new Client(server, creds, {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    });
  }

  /** New TLS material (a renewed certificate): a new channel, and the stream again over it. */
  replaceCredentials(creds: ChannelCredentials): void {
    const old = this.client;
    this.credentials = creds;
    this.client = StreamClient.channel(this.opts.server, creds);
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    old.close();
    if (this.state === 'stopped' || this.state === 'idle') return;
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  }

  start(): void {
    if (this.state === 'idle') this.connect();
  }

  /** New events are in the outbox. */
  notify(): void {
    this.pump();
  }

  /** Resolves once everything in the outbox is acknowledged, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.opts.outbox.depth > 0) {
      const left = deadline - Date.now();
      if (left <= 0 || this.state === 'stopped') return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.ackWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  stop(): void {
    this.state = 'stopped';
    clearInterval(this.stallCheck);
    if (this.timer) clearTimeout(this.timer);
    this.call?.end();
    this.call = undefined;
    this.client.close();
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    this.inFlight = 0;
    this.progressAtMs = Date.now();
    const m = ingestService.stream;
    const call = this.client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, new Metadata()) as Call;
    this.call = call;
    call.on('data', (msg: CollectorMessage) => this.onData(call, msg));
    call.on('error', (err: ServiceError) => this.onClosed(call, err));
    call.on('end', () => this.onClosed(call, undefined));
    call.write({ hello: this.opts.hello() });
  }

  private onData(call: Call, msg: CollectorMessage): void {
    if (call !== this.call) return;
    switch (msg.body) {
      case 'helloAck': {
        const ack = msg.helloAck;
        this.deviceId = ack.deviceId ?? undefined;
        if (ack.maxBatchBytes) this.maxBatchBytes = Math.min(ack.maxBatchBytes, DEFAULT_MAX_BATCH_BYTES);
        this.opts.outbox.resume(ack.lastSequence ?? 0);
        this.state = 'streaming';
        this.progressAtMs = Date.now();
        this.lastError = undefined;
        if (!this.replaced) this.backoff.reset();
        this.replaced = false;
        this.opts.log.info('connected to collector', { server: this.opts.server, device: this.deviceId, resumeAfter: ack.lastSequence ?? 0 });
        this.opts.onMessage?.(msg);
        this.pump();
        break;
      }
      case 'ack': {
        this.opts.outbox.acknowledge(msg.ack.sequence ?? 0);
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.lastAckAtMs = Date.now();
        this.progressAtMs = this.lastAckAtMs;
        const waiters = this.ackWaiters;
        this.ackWaiters = [];
        for (const w of waiters) w();
        this.pump();
        break;
      }
      case 'ping':
        call.write({ pong: { nonce: msg.ping.nonce ?? 0 } });
        break;
      default:
        this.opts.onMessage?.(msg);
    }
  }

  private pump(): void {
    const call = this.call;
    if (!call || this.state !== 'streaming') return;
    const window = this.opts.window ?? 4;
    while (this.inFlight < window && this.opts.outbox.hasUnsent) {
      const events = this.opts.outbox.nextBatch(this.maxBatchBytes, MAX_EVENTS_PER_BATCH);
      if (events.length === 0) break;
      if (this.inFlight === 0) this.progressAtMs = Date.now();
      this.inFlight++;
      call.write({ batch: { events } });
    }
  }

  private checkStalled(limit: { hello: number; ack: number }): void {
    const call = this.call;
    if (!call) return;
    const idle = Date.now() - this.progressAtMs;
    const within = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);
    let reason: string | undefined;
    if (this.state === 'connecting' && idle > limit.hello) reason = `no answer to Hello within ${within(limit.hello)}`;
    else if (this.state === 'streaming' && this.inFlight > 0 && idle > limit.ack) reason = `no acknowledgement within ${within(limit.ack)}`;
    if (!reason) return;
    // The connection may look open and carry nothing: leave it with its channel, start again.
    this.call = undefined;
    call.cancel();
    const old = this.client;
    this.client = StreamClient.channel(this.opts.server, this.credentials);
    old.close();
    this.retry(`the collector stream stalled: ${reason}; connecting again`);
  }

  private onClosed(call: Call, err: ServiceError | undefined): void {
    if (call !== this.call) return;
    this.call = undefined;
    if (this.state === 'stopped') return;
    this.replaced = err?.code === Status.ABORTED && /^stream replaced\b/.test(err.details);
    this.retry(err ? explainStreamError(err, this.opts.server) : 'stream ended by the collector', err);
  }

  private retry(detail: string, err?: ServiceError): void {
    this.lastError = detail;
    const delay = this.backoff.next();
    this.state = 'waiting';
    this.opts.log.warn('collector stream closed; reconnecting', { reason: detail, retryInMs: delay });
    if (err && (err.code === Status.UNAUTHENTICATED || err.code === Status.PERMISSION_DENIED || err.code === Status.INVALID_ARGUMENT)) {
      this.opts.log.error('the collector refused this agent', { reason: detail });
    }
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

/** The words for a failed stream: what went wrong and what to do, not an OpenSSL error string. */
export function explainStreamError(err: ServiceError, server: string): string {
  const raw = err.details || err.message;
  const code = Status[err.code] ?? String(err.code);
  if (/certificate required|alert number 116|peer did not return a certificate/i.test(raw)) {
    return `${code}: the collector requires a client certificate and this agent presented none: enroll the agent or pass --cert and --key`;
  }
  if (/bad certificate|alert number 42|unknown ca|alert number 48|certificate revoked|alert number 44/i.test(raw)) {
    return `${code}: the collector rejected this agent's client certificate (not signed by its CA, or revoked): enroll again`;
  }
  if (/self[- ]signed|unable to (get|verify)|unknown authority|UNABLE_TO_VERIFY/i.test(raw)) {
    return `${code}: the collector's certificate is not signed by the CA given with --ca: check you have the collector's ca.pem`;
  }
  if (/does not match|ERR_TLS_CERT_ALTNAME_INVALID|altnames/i.test(raw)) {
    return `${code}: the collector's certificate is not made out for ${server}: connect by a name or address it lists`;
  }
  if (/ECONNREFUSED/.test(raw)) return `${code}: nothing accepts connections at ${server}: is the collector running there?`;
  if (/ENOTFOUND|EAI_AGAIN/.test(raw)) return `${code}: the name in ${server} does not resolve`;
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(raw)) return `${code}: ${server} cannot be reached from here (network or firewall)`;
  return `${code}: ${raw}`;
}
