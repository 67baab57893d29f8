// Segment files of the spool: creating, appending, reading a record's payload back, rewriting
// without some records, and undoing a torn append.
import { closeSync, fsyncSync, ftruncateSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createExclusive, openAppendNoFollow, readFileNoFollow } from '../../state/no-follow.js';
import { HEADER_BYTES } from './record.js';

export interface Segment {
  first: number;
  path: string;
  size: number;
  last: number;
  fd: number | undefined;
}

/** Where the encoded Event starts inside a record (after the header and the body prefix). */
export const PAYLOAD_OFFSET = HEADER_BYTES + 10;

export const SEGMENT_FILE = /^\d{16}\.seg$/;

export function segmentFor(dir: string, first: number): Segment {
  return { first, path: join(dir, `${String(first).padStart(16, '0')}.seg`), size: 0, last: first, fd: undefined };
}

/** Descriptor for reading at offsets and appending at the end (never through a link). */
export function fdOf(seg: Segment): number {
  seg.fd ??= openAppendNoFollow(seg.path, 0o600);
  return seg.fd;
}

export function readPayload(seg: Segment, offset: number, recordSize: number): Buffer {
  const payload = Buffer.allocUnsafe(recordSize - PAYLOAD_OFFSET);
  readSync(fdOf(seg), payload, 0, payload.length, offset + PAYLOAD_OFFSET);
  return payload;
}

export function closeSegment(seg: Segment): void {
  if (seg.fd === undefined) return;
  try {
    closeSync(seg.fd);
  } catch {
    // already closed
  }
  seg.fd = undefined;
}

export function removeSegment(seg: Segment): void {
  closeSegment(seg);
  rmSync(seg.path, { force: true });
}

/** Cuts the file back to the size the spool knows, after a failed or short append. */
export function truncateSegment(seg: Segment): void {
  try {
    ftruncateSync(fdOf(seg), seg.size);
  } catch {
    // the next recovery skips a torn record anyway
  }
}

/**
 * Replaces a segment file by one holding only the given byte ranges of it, in order, through a
 * temporary file that is fsynced and renamed over the old one. Returns each range's new offset.
 */
export function rewriteSegment(seg: Segment, keep: { offset: number; size: number }[], data = readFileNoFollow(seg.path)): number[] {
  closeSegment(seg);
  const tmp = `${seg.path}.tmp`;
  const fd = createExclusive(tmp, 0o600);
  const offsets: number[] = [];
  let at = 0;
  try {
    for (const r of keep) {
      writeSync(fd, data, r.offset, r.size);
      offsets.push(at);
      at += r.size;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, seg.path);
  seg.size = at;
  return offsets;
}
