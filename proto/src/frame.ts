// Decoding of wire frames that never throws: a malformed frame becomes a FrameError that says what
// is wrong, so a transport can answer with a clear status instead of a stack trace.
import { pb, type AgentMessage, type CollectorMessage } from './messages.js';

export class FrameError extends Error {
  constructor(
    readonly messageType: string,
    readonly frameBytes: number,
    readonly reason: string,
  ) {
    super(`malformed ${messageType} (${frameBytes} bytes): ${reason}`);
    this.name = 'FrameError';
  }
}

export type Decoded<T> = { ok: true; message: T } | { ok: false; error: FrameError };

interface Decoder<T> {
  decode(reader: Uint8Array): T;
}

function explain(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/index out of range/.test(text)) return `truncated: ${text}`;
  if (/invalid wire type/.test(text)) return `not a valid protobuf encoding: ${text}`;
  if (/invalid utf-?8/i.test(text)) return `a string field is not valid UTF-8: ${text}`;
  if (/max depth/.test(text)) return `nested too deeply: ${text}`;
  return text;
}

export function decodeFrame<T>(type: string, decoder: Decoder<T>, bytes: Uint8Array): Decoded<T> {
  try {
    return { ok: true, message: decoder.decode(bytes) };
  } catch (err) {
    return { ok: false, error: new FrameError(type, bytes.length, explain(err)) };
  }
}

export const decodeAgentMessage = (bytes: Uint8Array): Decoded<AgentMessage> =>
  decodeFrame('farmwatch.v1.AgentMessage', pb.AgentMessage, bytes);

export const decodeCollectorMessage = (bytes: Uint8Array): Decoded<CollectorMessage> =>
  decodeFrame('farmwatch.v1.CollectorMessage', pb.CollectorMessage, bytes);

export function encodeAgentMessage(message: AgentMessage): Buffer {
  const bytes = pb.AgentMessage.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeCollectorMessage(message: CollectorMessage): Buffer {
  const bytes = pb.CollectorMessage.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
