// The durable outbox: events wait on disk until the collector acknowledges them.
//
// - Append-only segment files (<first sequence>.seg, rolled at segmentBytes) of checksummed
//   records (record.ts). A record is written before push() returns and fsynced within the same
//   event-loop turn, so it survives kill -9 at once and power loss after that turn.
// - Acknowledged segments are deleted; the state file keeps the last acknowledged sequence.
// - On open, every segment is read back; a record that fails its checksum (a crash or power loss
//   cut it) is skipped, the file is rewritten without it, the records after it are kept, and an
//   EventsDropped(CORRUPT) event tells the collector.
// - Bounded by maxBytes: above it the oldest low-priority events go first (priority.ts), then
//   normal, then high, and an EventsDropped(SPOOL_FULL) event counts them.
// - When the disk is full, events stay in memory (bounded the same way) and are written when
//   space returns; lastError says what is wrong.
import { fsyncSync, mkdirSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { DropReason, pb, type Event } from '@farmwatch/proto';
import type { Logger } from '@farmwatch/shared';
import type { EventBody, Outbox } from '../outbox.js';
import { Priority, priorityOf } from './priority.js';
import { HEADER_BYTES, encodeRecord, parseRecords } from './record.js';
import {
  SEGMENT_FILE, closeSegment, fdOf, readPayload, removeSegment, rewriteSegment, segmentFor, truncateSegment, type Segment,
} from './segment.js';
import { readState, syncDir, writeState } from './state-file.js';
import { describeLink, isLinkRefusal, noticeLink, readFileNoFollow } from '../../state/no-follow.js';

export interface SpoolOptions {
  /** Bound on the bytes of events held (disk and memory together). */
  maxBytes: number;
  segmentBytes?: number;
  log?: Logger;
}

interface Entry {
  sequence: number;
  priority: Priority;
  size: number;
  segment: Segment | undefined;
  offset: number;
  /** The encoded Event while it is not on disk yet. */
  memory: Buffer | undefined;
}


export class Spool implements Outbox {
  private entries: Entry[] = [];
  private sent = 0;
  private segments: Segment[] = [];
  private bytes = 0;
  private nextSequence = 1;
  private acked = 0;
  private syncPending = false;
  /** The newest `unwritten` entries are in memory only (the disk refused them). */
  private unwritten = 0;
  private readonly segmentBytes: number;
  /** The last disk error, while it lasts (shown by `status`, reported in health). */
  lastError: string | undefined;

  private constructor(private readonly dir: string, private readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? 1024 * 1024;
  }

  static open(dir: string, opts: SpoolOptions): Spool {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new Error(`cannot create the spool folder ${dir}: ${(err as Error).message}`);
    }
    const spool = new Spool(dir, opts);
    spool.recover();
    return spool;
  }

  get depth(): number {
    return this.entries.length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  get lastAckedSequence(): number {
    return this.acked;
  }

  get hasUnsent(): boolean {
    return this.sent < this.entries.length;
  }

  push(body: EventBody, observedAtMs = Date.now()): void {
    const sequence = this.nextSequence++;
    const payload = Buffer.from(pb.Event.encode({ ...body, sequence, observedAtMs }).finish());
    this.entries.push({ sequence, priority: priorityOf(body), size: HEADER_BYTES + 10 + payload.length, segment: undefined, offset: 0, memory: payload });
    this.bytes += HEADER_BYTES + 10 + payload.length;
    this.unwritten++;
    this.writeOut();
    this.enforceBound();
  }

  nextBatch(maxBytes: number, maxEvents: number): Event[] {
    const batch: Event[] = [];
    let bytes = 0;
    while (this.sent < this.entries.length && batch.length < maxEvents) {
      const entry = this.entries[this.sent] as Entry;
      if (batch.length > 0 && bytes + entry.size > maxBytes) break;
      batch.push(pb.Event.decode(this.payloadOf(entry)));
      bytes += entry.size;
      this.sent++;
    }
    return batch;
  }

  acknowledge(sequence: number): void {
    if (sequence <= this.acked) return;
    let n = 0;
    while (n < this.entries.length && (this.entries[n] as Entry).sequence <= sequence) n++;
    for (const e of this.entries.slice(0, n)) {
      this.bytes -= e.size;
      if (e.memory !== undefined) this.unwritten--;
    }
    this.entries.splice(0, n);
    this.sent = Math.max(0, this.sent - n);
    this.acked = sequence;
    this.nextSequence = Math.max(this.nextSequence, sequence + 1);
    // A segment goes once nothing in it waits; the next append starts a new one.
    const live = new Set(this.entries.map((e) => e.segment));
    for (const seg of [...this.segments]) if (seg.last <= sequence && !live.has(seg)) this.dropSegment(seg);
    this.saveState();
  }

  resume(collectorLastSequence: number): void {
    this.sent = 0;
    if (collectorLastSequence >= this.nextSequence) {
      // The collector has more than this spool ever numbered: the spool was reset (reinstall,
      // lost disk). Number what is waiting after what the collector has, or it would be discarded
      // as replays.
      this.renumberFrom(collectorLastSequence + 1);
    }
    this.acknowledge(collectorLastSequence);
  }

  /** fsync what is written; called on shutdown. */
  flush(): void {
    this.writeOut();
    for (const seg of this.segments) if (seg.fd !== undefined) fsyncSync(seg.fd);
  }

  close(): void {
    this.flush();
    for (const seg of this.segments) closeSegment(seg);
  }

  // ------------------------------------------------------------------ disk

  private recover(): void {
    const state = readState(this.dir);
    this.acked = state?.ackedSequence ?? 0;
    let lost = 0;
    let lostBytes = 0;
    const files = readdirSync(this.dir).filter((f) => SEGMENT_FILE.test(f)).sort();
    for (const file of files) {
      const seg = segmentFor(this.dir, Number(file.slice(0, 16)));
      seg.last = 0;
      let data: Buffer;
      try {
        data = readFileNoFollow(seg.path);
      } catch (err) {
        if (!isLinkRefusal(err)) throw err;
        // Not a segment the spool wrote: the link goes (never what it points to).
        noticeLink(seg.path, describeLink(seg.path), 'removed');
        rmSync(seg.path, { force: true });
        continue;
      }
      const { records, corrupt } = parseRecords(data);
      if (corrupt.length > 0) {
        lost += corrupt.length;
        lostBytes += corrupt.reduce((n, c) => n + c.bytes, 0);
        this.opts.log?.warn('spool segment had damaged records; they were skipped', { file, damagedBytes: lostBytes });
        // Rewrite the file with the intact records only, so appends never follow garbage.
        rewriteSegment(seg, records, data);
        seg.size = 0;
      }
      for (const r of records) {
        const offset = seg.size;
        seg.size += r.size;
        seg.last = Math.max(seg.last, r.sequence);
        if (r.sequence <= this.acked) continue;
        this.entries.push({ sequence: r.sequence, priority: r.priority, size: r.size, segment: seg, offset, memory: undefined });
        this.bytes += r.size;
      }
      this.nextSequence = Math.max(this.nextSequence, seg.last + 1);
      this.segments.push(seg);
    }
    this.entries.sort((a, b) => a.sequence - b.sequence);
    this.nextSequence = Math.max(this.nextSequence, state?.nextSequence ?? 1, this.acked + 1);
    for (const seg of [...this.segments]) if (seg.last <= this.acked || seg.size === 0) this.dropSegment(seg);
    if (lost > 0) {
      this.push({ dropped: { count: 0, reason: DropReason.DROP_REASON_CORRUPT, bytes: lostBytes } });
    }
  }

  private writeOut(): void {
    for (let i = this.entries.length - this.unwritten; i < this.entries.length; i++) {
      const entry = this.entries[i] as Entry;
      const record = encodeRecord(entry.sequence, entry.priority, entry.memory as Buffer);
      let seg = this.segments[this.segments.length - 1];
      try {
        if (!seg || seg.size >= this.segmentBytes) seg = this.newSegment(entry.sequence);
        const written = writeSync(fdOf(seg), record);
        if (written !== record.length) throw new Error(`short write (${written} of ${record.length} bytes)`);
      } catch (err) {
        if (seg) truncateSegment(seg);
        this.noteError(err);
        return;
      }
      entry.segment = seg;
      entry.offset = seg.size;
      entry.memory = undefined;
      this.unwritten--;
      seg.size += record.length;
      seg.last = entry.sequence;
      if (this.lastError !== undefined) {
        this.opts.log?.info('spool writes again', { dir: this.dir });
        this.lastError = undefined;
      }
    }
    this.scheduleSync();
  }

  private newSegment(first: number): Segment {
    const seg = segmentFor(this.dir, first);
    fdOf(seg);
    this.segments.push(seg);
    syncDir(this.dir);
    return seg;
  }

  private noteError(err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOSPC'
      ? `the disk holding the spool (${this.dir}) is full: events are kept in memory until space returns`
      : `cannot write the spool in ${this.dir}: ${(err as Error).message}`;
    if (message !== this.lastError) this.opts.log?.error(message);
    this.lastError = message;
  }

  private scheduleSync(): void {
    if (this.syncPending) return;
    this.syncPending = true;
    setImmediate(() => {
      this.syncPending = false;
      for (const seg of this.segments) {
        if (seg.fd === undefined) continue;
        try {
          fsyncSync(seg.fd);
        } catch (err) {
          this.noteError(err);
        }
      }
    });
  }

  private payloadOf(entry: Entry): Buffer {
    return entry.memory ?? readPayload(entry.segment as Segment, entry.offset, entry.size);
  }

  private dropSegment(seg: Segment): void {
    removeSegment(seg);
    this.segments = this.segments.filter((s) => s !== seg);
  }

  private saveState(): void {
    try {
      writeState(this.dir, { ackedSequence: this.acked, nextSequence: this.nextSequence });
    } catch (err) {
      this.noteError(err);
    }
  }

  // ------------------------------------------------------------------ bound and renumbering

  private enforceBound(): void {
    if (this.bytes <= this.opts.maxBytes) return;
    const target = Math.floor(this.opts.maxBytes * 0.9);
    const victims = new Set<Entry>();
    let freed = 0;
    for (const priority of [Priority.Low, Priority.Normal, Priority.High]) {
      for (let i = this.sent; i < this.entries.length && this.bytes - freed > target; i++) {
        const e = this.entries[i] as Entry;
        if (e.priority !== priority || victims.has(e)) continue;
        victims.add(e);
        freed += e.size;
      }
    }
    if (victims.size === 0) return;
    const dropped = [...victims].map((e) => e.sequence);
    this.rewriteWithout(victims);
    this.opts.log?.warn('spool full: dropped the oldest low-priority events', { count: victims.size, bytes: freed });
    this.push({
      dropped: {
        count: victims.size, firstSequence: Math.min(...dropped), lastSequence: Math.max(...dropped),
        reason: this.lastError ? DropReason.DROP_REASON_DISK_FULL : DropReason.DROP_REASON_SPOOL_FULL, bytes: freed,
      },
    });
  }

  /** Removes entries, rewriting the segments that held them. */
  private rewriteWithout(victims: Set<Entry>): void {
    const touched = new Set([...victims].map((e) => e.segment).filter((s): s is Segment => s !== undefined));
    this.entries = this.entries.filter((e) => !victims.has(e));
    for (const e of victims) {
      this.bytes -= e.size;
      if (e.memory !== undefined) this.unwritten--;
    }
    for (const seg of touched) this.rewriteSegment(seg);
  }

  private rewriteSegment(seg: Segment): void {
    const keep = this.entries.filter((e) => e.segment === seg);
    const offsets = rewriteSegment(seg, keep);
    keep.forEach((e, i) => (e.offset = offsets[i] ?? 0));
  }

  private renumberFrom(first: number): void {
    const events = this.entries.map((e) => pb.Event.decode(this.payloadOf(e)));
    for (const seg of [...this.segments]) this.dropSegment(seg);
    this.entries = [];
    this.bytes = 0;
    this.unwritten = 0;
    this.nextSequence = first;
    for (const e of events) {
      const observedAtMs = e.observedAtMs ?? Date.now();
      // The same event under a new number (push assigns it).
      const body: EventBody = { ...e };
      delete (body as Partial<Event>).sequence;
      delete (body as Partial<Event>).observedAtMs;
      this.push(body, observedAtMs);
    }
    this.opts.log?.warn('spool renumbered after the collector showed it had later events', { from: first, events: events.length });
  }
}
