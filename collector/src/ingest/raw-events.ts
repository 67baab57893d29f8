// The bytes of each event exactly as the agent sent them. The events table stores them as they
// came (nothing lost, nothing re-encoded): the AgentMessage frame is walked once at the wire
// level to find each EventBatch.events element, and the decoded Event objects are mapped to
// their slices. When the walk and the decoder disagree, the caller re-encodes.
import { decodeAgentMessage, ingestService, type AgentMessage, type Decoded, type Event, type IngestServiceDefinition } from '@farmwatch/proto';

/** A symbol-keyed property on the decoded event (cheaper than a WeakMap on the hot path). */
const RAW = Symbol('farmwatch.rawEvent');
type WithRaw = Event & { [RAW]?: Uint8Array };

/** The bytes the agent sent for this event, when known. */
export function rawEvent(e: Event): Uint8Array | undefined {
  return (e as WithRaw)[RAW];
}

function varint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const b = buf[pos++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
    shift += 7;
    if (shift > 49) throw new RangeError('varint too long');
  }
}

/** Visits the length-delimited fields `field` of a message, returning [start, end) of each. */
function fields(buf: Uint8Array, start: number, end: number, field: number): [number, number][] {
  const out: [number, number][] = [];
  let pos = start;
  while (pos < end) {
    const [tag, p1] = varint(buf, pos);
    const wire = tag & 7;
    let next: number;
    if (wire === 0) next = varint(buf, p1)[1];
    else if (wire === 1) next = p1 + 8;
    else if (wire === 5) next = p1 + 4;
    else if (wire === 2) {
      const [len, p2] = varint(buf, p1);
      next = p2 + len;
      if (Math.floor(tag / 8) === field) out.push([p2, next]);
    } else throw new RangeError(`wire type ${wire}`);
    pos = next;
  }
  return out;
}

/** Slices of EventBatch.events inside an AgentMessage frame (field 2 = batch, field 1 = events). */
export function eventSlices(frame: Uint8Array): Uint8Array[] | undefined {
  try {
    return fields(frame, 0, frame.length, 2).flatMap(([s, e]) => fields(frame, s, e, 1).map(([a, b]) => frame.subarray(a, b)));
  } catch {
    return undefined;
  }
}

function decodeKeepingEvents(bytes: Buffer): Decoded<AgentMessage> {
  const decoded = decodeAgentMessage(bytes);
  if (decoded.ok && decoded.message.body === 'batch') {
    const events = decoded.message.batch?.events ?? [];
    const slices = eventSlices(bytes);
    if (slices && slices.length === events.length) events.forEach((e, i) => ((e as WithRaw)[RAW] = slices[i]));
  }
  return decoded;
}

/** Ingest.Stream as the collector serves it: the generated service, keeping each event's bytes. */
export const collectorIngestService: IngestServiceDefinition = {
  stream: { ...ingestService.stream, requestDeserialize: decodeKeepingEvents },
};
