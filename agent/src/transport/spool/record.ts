// One spool record on disk:
//   u32 LE  body length
//   u32 LE  CRC-32 of the body
//   body:   u8 format (1), u8 priority, u32 LE sequence high, u32 LE sequence low, encoded Event
// A record whose length runs past the end of the file or whose checksum fails marks the point
// where a crash or power loss cut the file: everything from there on is the corrupt tail.
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 8;
const BODY_PREFIX = 10;
const FORMAT = 1;
/** No single record is larger than this; a bigger length field is corruption. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

export interface RecordView {
  sequence: number;
  priority: number;
  payload: Buffer;
  /** Offset of the record in its file and its full size on disk. */
  offset: number;
  size: number;
}

export function encodeRecord(sequence: number, priority: number, payload: Uint8Array): Buffer {
  const body = Buffer.allocUnsafe(BODY_PREFIX + payload.length);
  body.writeUInt8(FORMAT, 0);
  body.writeUInt8(priority, 1);
  body.writeUInt32LE(Math.floor(sequence / 2 ** 32), 2);
  body.writeUInt32LE(sequence >>> 0, 6);
  body.set(payload, BODY_PREFIX);
  const record = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  record.writeUInt32LE(body.length, 0);
  record.writeUInt32LE(crc32(body), 4);
  body.copy(record, HEADER_BYTES);
  return record;
}

export interface ParseResult {
  records: RecordView[];
  /** Stretches that are not intact records: torn writes, flipped bits. */
  corrupt: { offset: number; bytes: number }[];
}

function recordAt(file: Buffer, pos: number): RecordView | undefined {
  if (pos + HEADER_BYTES > file.length) return undefined;
  const length = file.readUInt32LE(pos);
  if (length < BODY_PREFIX || length > MAX_RECORD_BYTES || pos + HEADER_BYTES + length > file.length) return undefined;
  const body = file.subarray(pos + HEADER_BYTES, pos + HEADER_BYTES + length);
  if (crc32(body) !== file.readUInt32LE(pos + 4) || body.readUInt8(0) !== FORMAT) return undefined;
  const sequence = body.readUInt32LE(2) * 2 ** 32 + body.readUInt32LE(6);
  return { sequence, priority: body.readUInt8(1), payload: body.subarray(BODY_PREFIX), offset: pos, size: HEADER_BYTES + length };
}

/**
 * Reads every intact record. After a damaged stretch it looks for the next position where an
 * intact record starts (the checksum makes a false start vanishingly unlikely), so one bad record
 * costs only itself, and a torn tail costs only the tail.
 */
export function parseRecords(file: Buffer): ParseResult {
  const records: RecordView[] = [];
  const corrupt: { offset: number; bytes: number }[] = [];
  let pos = 0;
  while (pos < file.length) {
    const r = recordAt(file, pos);
    if (r) {
      records.push(r);
      pos += r.size;
      continue;
    }
    let next = pos + 1;
    while (next < file.length && recordAt(file, next) === undefined) next++;
    corrupt.push({ offset: pos, bytes: next - pos });
    pos = next;
  }
  return { records, corrupt };
}
