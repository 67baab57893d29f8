// The collector's end of Ingest.Stream. The first message must be Hello; then batches, each stored
// in one transaction and acknowledged by sequence only after it committed. Anything malformed or
// out of order ends the stream with INVALID_ARGUMENT and a message that says what was wrong.
import { status as Status, type ServerDuplexStream } from '@grpc/grpc-js';
import {
  DEFAULT_MAX_BATCH_BYTES, Platform, enumName,
  type AgentMessage, type CollectorMessage, type Decoded, type Hello,
} from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import type { Store } from '../store/store.js';
import type { DeviceRow } from '../store/records.js';
import { applyBatch } from './apply-batch.js';
import { ProtocolViolation, validateBatch, validateHello } from './validate.js';

export type IngestCall = ServerDuplexStream<Decoded<AgentMessage>, CollectorMessage>;

export interface IngestDeps {
  store: Store;
  log: Logger;
  now?: () => number;
  /** Called after each committed batch (tests, metrics). */
  onBatch?: (deviceId: string, stored: number) => void;
}

function helloRecord(h: Hello, peer: string, nowMs: number) {
  return {
    machineId: h.machineId ?? '', hostname: h.hostname ?? '', hardwareSerial: h.hardwareSerial ?? '',
    osPlatform: enumName(Platform, h.os?.platform), osName: h.os?.name ?? '', osVersion: h.os?.version ?? '',
    agentVersion: h.agentVersion ?? '', catalogVersion: h.catalogVersion ?? '', bootId: h.bootId ?? '',
    timeZone: h.timeZone ?? '', clockSkewMs: h.clockMs ? h.clockMs - nowMs : 0, peer,
  };
}

export function ingestHandler(deps: IngestDeps): (call: IngestCall) => void {
  const now = deps.now ?? Date.now;
  return (call) => {
    const peer = call.getPeer();
    let device: DeviceRow | undefined;
    let closed = false;

    const fail = (code: Status, details: string): void => {
      if (closed) return;
      closed = true;
      deps.log.warn('refused agent stream', { peer, device: device?.id, code: Status[code], details });
      call.emit('error', { code, details });
    };

    call.on('data', (decoded: Decoded<AgentMessage>) => {
      if (closed) return;
      if (!decoded.ok) return fail(Status.INVALID_ARGUMENT, decoded.error.message);
      const msg = decoded.message;
      try {
        switch (msg.body) {
          case 'hello': {
            if (device) return fail(Status.INVALID_ARGUMENT, 'Hello was sent twice on one stream');
            validateHello(msg.hello);
            const at = now();
            device = deps.store.recordHello(helloRecord(msg.hello, peer, at), at);
            deps.log.info('agent connected', { device: device.id, hostname: device.hostname, peer, lastSequence: device.lastSequence });
            call.write({
              helloAck: {
                deviceId: device.id, lastSequence: device.lastSequence, serverTimeMs: at,
                maxBatchBytes: DEFAULT_MAX_BATCH_BYTES, inventoryWanted: !deps.store.hasInventory(device.id),
              },
            });
            return;
          }
          case 'batch': {
            if (!device) return fail(Status.FAILED_PRECONDITION, 'a batch came before Hello: the agent must say Hello first');
            const at = now();
            const { fresh, replayed } = validateBatch(msg.batch.events ?? [], device.lastSequence, at);
            const result = applyBatch(deps.store, device.id, device.lastSequence, fresh, replayed, at);
            device = { ...device, lastSequence: result.lastSequence, lastSeenMs: at };
            call.write({ ack: { sequence: result.lastSequence } });
            deps.onBatch?.(device.id, result.stored);
            if (result.stored > 0 || result.replayed > 0) {
              deps.log.debug('batch stored', { device: device.id, ...result });
            }
            return;
          }
          case 'pong':
            return;
          default:
            // A message kind from a newer agent: ignored, the stream goes on.
            deps.log.debug('ignored an agent message of an unknown kind', { device: device?.id });
        }
      } catch (err) {
        if (err instanceof ProtocolViolation) return fail(Status.INVALID_ARGUMENT, err.message);
        deps.log.error('could not store what an agent sent', { device: device?.id, error: (err as Error).message });
        return fail(Status.UNAVAILABLE, 'the collector could not store this batch; it was not acknowledged and will be resent');
      }
    });
    call.on('end', () => {
      if (!closed) {
        closed = true;
        call.end();
      }
    });
    call.on('error', (err: Error) => {
      if (!closed) deps.log.debug('agent stream error', { peer, error: err.message });
      closed = true;
    });
  };
}
