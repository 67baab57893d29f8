// The collector's end of Ingest.Stream. The caller is the device its client certificate names
// (never a message field). The first message must be Hello, checked against that device; then
// batches, each rate-limited, validated, stored (group commit) and acknowledged by sequence only
// after it committed. Anything malformed or out of order ends the stream with a status and a
// message that says what was wrong. The collector pushes the fleet's configuration after HelloAck
// and pings to measure the stream's round-trip time.
//
// A device has one stream: a new one ends the one before with ABORTED "stream replaced: ...", so
// one certificate cannot hold a thousand streams. The catalog (over 100 KB) is pushed to a device
// at most once per `catalogPushIntervalMs`, however many Hellos name another version.
//
// What the collector pushes is signed with its server certificate's key (SignedPayload): the
// agent applies nothing it cannot check against the CA it enrolled with. The settings also go
// unsigned beside the signed copy, for agents older than signed pushes; the catalog goes signed only.
import { createHash } from 'node:crypto';
import { status as Status, type ServerDuplexStream } from '@grpc/grpc-js';
import { DEFAULT_MAX_BATCH_BYTES, ObservationKind, pb, type AgentMessage, type CollectorMessage, type Decoded, type farmwatch } from '@farmwatch/proto';
import { PUSH_KIND, type Catalog, type Logger, type PushSigner, type SignedPayload } from '@farmwatch/shared';
import type { Store } from '../store/store.js';
import type { DeviceRow } from '../store/records.js';
import { authenticate, Refusal, type PeerIdentity } from '../auth/peer.js';
import type { FleetEngine } from '../fleet/engine.js';
import type { AlertBus } from '../alerts/bus.js';
import type { Metrics } from '../metrics.js';
import { ProtocolViolation, validateBatch, validateHello } from './validate.js';
import { helloMismatch, helloRecord } from './hello.js';
import type { GroupCommit } from './group-commit.js';
import { CLOCK_TOLERANCE_MS } from './apply-batch.js';
import type { RateLimiter } from './rate-limit.js';
import type { ClientAddress } from './client-address.js';
import type { LiveStreams } from './live-streams.js';

export type IngestCall = ServerDuplexStream<Decoded<AgentMessage>, CollectorMessage>;

export interface IngestDeps {
  store: Store;
  log: Logger;
  commit: GroupCommit;
  limiter: RateLimiter;
  addresses: ClientAddress;
  live: LiveStreams;
  fleet?: FleetEngine;
  bus?: AlertBus;
  metrics?: Metrics;
  /** Catalog ids of sanctioned remote-access tools, pushed to agents. */
  sanctioned?: string[];
  /** The collector's catalog: pushed to an agent that says it runs another one. */
  catalog?: Catalog;
  /** Signs what is pushed (the collector's server certificate and key). */
  signer: PushSigner;
  pingIntervalMs?: number;
  /** A device is sent the catalog at most once in this long (default 10 minutes). */
  catalogPushIntervalMs?: number;
  now?: () => number;
  /** Called after each committed batch (tests, metrics). */
  onBatch?: (deviceId: string, stored: number) => void;
}

const RTT_SAMPLES = 5;
export const DEFAULT_CATALOG_PUSH_INTERVAL_MS = 10 * 60_000;
export const STREAM_REPLACED = 'stream replaced';

export function ingestHandler(deps: IngestDeps): (call: IngestCall) => void {
  const now = deps.now ?? Date.now;
  // When each device was last sent the catalog (one entry per device that asked).
  const catalogSent = new Map<string, number>();
  const catalogInterval = deps.catalogPushIntervalMs ?? DEFAULT_CATALOG_PUSH_INTERVAL_MS;
  // Signed once per content: the catalog is fixed for the collector's life, the settings change rarely.
  let signedCatalog: SignedPayload | undefined;
  const signedConfig = new Map<string, SignedPayload>();
  const signCatalog = (catalog: Catalog): SignedPayload =>
    (signedCatalog ??= deps.signer.sign(PUSH_KIND.catalog, pb.CatalogUpdate.encode({ version: catalog.version ?? '', catalog }).finish()));
  const signConfig = (update: { version: string; settings: farmwatch.v1.AgentSettings.$Shape }): SignedPayload => {
    let signed = signedConfig.get(update.version);
    if (!signed) {
      signed = deps.signer.sign(PUSH_KIND.config, pb.ConfigUpdate.encode(update).finish());
      signedConfig.clear();
      signedConfig.set(update.version, signed);
    }
    return signed;
  };
  return (call) => {
    const peer = call.getPeer();
    let identity: PeerIdentity | undefined;
    let device: DeviceRow | undefined;
    let acceptedThrough = 0;
    let closed = false;
    let pingTimer: NodeJS.Timeout | undefined;
    const pings = new Map<number, number>();
    const rtts: number[] = [];

    let unregister: (() => void) | undefined = undefined;
    const cleanup = (): void => {
      closed = true;
      if (pingTimer) clearInterval(pingTimer);
      unregister?.();
      deps.metrics?.liveStreams.set({}, deps.live.size);
    };
    const fail = (code: Status, details: string): void => {
      if (closed) return;
      cleanup();
      deps.metrics?.refused.inc({ code: Status[code] });
      deps.log.warn('refused agent stream', { peer, device: identity?.deviceId, code: Status[code], details });
      call.emit('error', { code, details });
    };
    const send = (m: CollectorMessage): void => {
      if (!closed) call.write(m);
    };

    try {
      identity = authenticate(call, deps.store, now());
    } catch (err) {
      if (err instanceof Refusal) return fail(err.code, err.message);
      throw err;
    }
    const me = identity;
    const opened = deps.live.replace({ deviceId: me.deviceId, certSerial: me.certSerial, end: (code, details) => fail(code, details) }, Status.ABORTED,
      `${STREAM_REPLACED}: device ${me.deviceId} opened a newer stream (from ${peer}) at ${new Date(now()).toISOString()}; a device keeps one stream. ` +
      'If this agent runs twice, or another machine holds a copy of this certificate, stop the other one');
    unregister = opened.unregister;
    if (opened.replaced > 0) deps.log.info('a newer stream replaced the device\'s earlier one', { device: me.deviceId, peer, replaced: opened.replaced });
    deps.metrics?.liveStreams.set({}, deps.live.size);

    const ping = (): void => {
      const nonce = Math.floor(Math.random() * 2 ** 32);
      pings.set(nonce, performance.now());
      if (pings.size > 16) pings.delete(pings.keys().next().value as number);
      send({ ping: { nonce } });
    };

    const onHello = (msg: Extract<AgentMessage, { body?: 'hello' }>): void => {
      if (device) return fail(Status.INVALID_ARGUMENT, 'Hello was sent twice on one stream');
      const hello = msg.hello;
      if (!hello) return fail(Status.INVALID_ARGUMENT, 'empty Hello');
      validateHello(hello);
      const known = deps.store.device(me.deviceId);
      if (!known) return fail(Status.FAILED_PRECONDITION, `device ${me.deviceId} has no record on this collector: enroll the agent again`);
      const mismatch = helloMismatch(hello, known, deps.store.registry.registration(me.deviceId));
      if (mismatch) return fail(Status.PERMISSION_DENIED, mismatch);
      const at = now();
      device = deps.store.recordHello(me.deviceId, helloRecord(hello, peer, at), at);
      acceptedThrough = device.lastSequence;
      const address = deps.addresses.resolve(peer, call.metadata.get('x-forwarded-for').map(String));
      deps.fleet?.onPublicIp(me.deviceId, address, at);
      deps.log.info('agent connected', { device: device.id, hostname: device.hostname, peer, address, lastSequence: device.lastSequence });
      if (Math.abs(device.clockSkewMs) > CLOCK_TOLERANCE_MS) {
        deps.log.warn('agent clock is off; its times are put on the collector\'s clock', { device: device.id, hostname: device.hostname, clockSkewMs: device.clockSkewMs });
      }
      send({
        helloAck: {
          deviceId: device.id, lastSequence: device.lastSequence, serverTimeMs: at,
          maxBatchBytes: DEFAULT_MAX_BATCH_BYTES, inventoryWanted: !deps.store.hasInventory(device.id),
        },
      });
      if (deps.fleet) {
        // Observation kinds newer than the first ten that this collector stores: agents send them only when listed.
        const observationKinds = [ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP];
        const settings = { observationKey: deps.fleet.fleetKey, sanctionedTools: deps.sanctioned ?? [], observationKinds };
        const version = createHash('sha256').update(deps.fleet.fleetKey).update((deps.sanctioned ?? []).join(',')).update(observationKinds.join(',')).digest('hex').slice(0, 16);
        send({ config: { version, settings, signed: signConfig({ version, settings }) } });
        deps.bus?.publish(deps.fleet.evaluate([device.id]));
      }
      if (deps.catalog?.version && hello.catalogVersion !== deps.catalog.version) {
        const last = catalogSent.get(device.id);
        if (last === undefined || at - last >= catalogInterval) {
          catalogSent.set(device.id, at);
          deps.log.info('pushing the catalog to an agent on another version', { device: device.id, agent: hello.catalogVersion ?? '', collector: deps.catalog.version });
          send({ catalog: { version: deps.catalog.version, signed: signCatalog(deps.catalog) } });
        } else {
          deps.log.debug('not pushing the catalog again so soon', { device: device.id, sentAt: new Date(last).toISOString() });
        }
      }
      ping();
      pingTimer = setInterval(ping, deps.pingIntervalMs ?? 60_000);
      pingTimer.unref();
    };

    const onBatch = (events: NonNullable<Extract<AgentMessage, { body?: 'batch' }>['batch']>['events']): void => {
      if (!device) return fail(Status.FAILED_PRECONDITION, 'a batch came before Hello: the agent must say Hello first');
      const list = events ?? [];
      const at = now();
      const wait = deps.limiter.take(me.deviceId, list.length, at);
      if (wait > 0) {
        return fail(Status.RESOURCE_EXHAUSTED,
          `rate limit: device ${me.deviceId} sent more than ${deps.limiter.describe}; nothing of this batch was stored: resend it after ${wait} ms`);
      }
      const { fresh, replayed } = validateBatch(list, acceptedThrough, at);
      const before = acceptedThrough;
      acceptedThrough = Math.max(acceptedThrough, ...list.map((e) => e.sequence ?? 0));
      const started = performance.now();
      const id = me.deviceId;
      deps.commit.submit(id, before, fresh, replayed, at, device.clockSkewMs).then((result) => {
        deps.metrics?.commitSeconds.observe((performance.now() - started) / 1000);
        deps.metrics?.eventsStored.inc({}, result.stored);
        deps.metrics?.eventsReplayed.inc({}, result.replayed);
        deps.metrics?.batches.inc();
        if (device) device = { ...device, lastSequence: Math.max(device.lastSequence, result.lastSequence), lastSeenMs: at };
        send({ ack: { sequence: result.lastSequence } });
        deps.onBatch?.(id, result.stored);
        try {
          if (result.relevant && deps.fleet) deps.bus?.publish(deps.fleet.evaluate([id]));
        } catch (err) {
          // The batch is committed and acknowledged; scoring it failed, and the sweep retries.
          deps.log.error('could not evaluate a device after its batch', { device: id, error: (err as Error).message });
        }
        if (result.stored > 0 || result.replayed > 0) deps.log.debug('batch stored', { device: id, ...result });
      }, (err: unknown) => {
        deps.log.error('could not store what an agent sent', { device: id, error: (err as Error).message });
        fail(Status.UNAVAILABLE, 'the collector could not store this batch; it was not acknowledged and will be resent');
      });
    };

    const onPong = (nonce: number): void => {
      const sent = pings.get(nonce);
      if (sent === undefined || !device) return;
      pings.delete(nonce);
      rtts.push(performance.now() - sent);
      if (rtts.length > RTT_SAMPLES) rtts.shift();
      // The smallest recent sample: queueing only ever adds delay.
      deps.store.fleet.setRtt(device.id, Math.min(...rtts));
    };

    call.on('data', (decoded: Decoded<AgentMessage>) => {
      if (closed) return;
      if (!decoded.ok) return fail(Status.INVALID_ARGUMENT, decoded.error.message);
      const msg = decoded.message;
      try {
        switch (msg.body) {
          case 'hello':
            return onHello(msg);
          case 'batch':
            return onBatch(msg.batch.events);
          case 'pong':
            return onPong(msg.pong.nonce ?? 0);
          default:
            // A message kind from a newer agent: ignored, the stream goes on.
            deps.log.debug('ignored an agent message of an unknown kind', { device: device?.id });
        }
      } catch (err) {
        if (err instanceof ProtocolViolation) return fail(Status.INVALID_ARGUMENT, err.message);
        deps.log.error('could not handle what an agent sent', { device: device?.id, error: (err as Error).message });
        return fail(Status.UNAVAILABLE, 'the collector failed to handle this message; nothing unacknowledged is lost: reconnect and resend');
      }
    });
    call.on('end', () => {
      if (!closed) {
        cleanup();
        call.end();
      }
    });
    call.on('error', (err: Error) => {
      if (!closed) deps.log.debug('agent stream error', { peer, error: err.message });
      cleanup();
    });
    call.on('cancelled', cleanup);
  };
}
