// Events waiting for the collector's acknowledgement. Each event gets its per-agent sequence
// number when it is first put in a batch; acknowledged events are dropped; after a reconnect the
// unacknowledged ones are sent again with the same numbers, so the collector can store them once.
//
// This outbox lives in memory: what it holds is lost if the agent process dies.
import { pb, type Event } from '@farmwatch/proto';

export type EventBody = Omit<Event, 'sequence' | 'observedAtMs'>;

/**
 * Where events wait for the collector's acknowledgement: the stream client reads batches from it
 * and acknowledges them. MemoryOutbox keeps them in memory; Spool keeps them on disk.
 */
export interface Outbox {
  push(body: EventBody, observedAtMs?: number): void;
  readonly depth: number;
  readonly lastAckedSequence: number;
  readonly hasUnsent: boolean;
  /** After HelloAck: the collector stores everything up to `collectorLastSequence`. */
  resume(collectorLastSequence: number): void;
  nextBatch(maxBytes: number, maxEvents: number): Event[];
  acknowledge(sequence: number): void;
}

interface Entry {
  event: Event;
  bytes: number;
}

export class MemoryOutbox implements Outbox {
  private readonly queue: Entry[] = [];
  /** Entries [0, sentCount) are in flight; the rest wait. */
  private sentCount = 0;
  private nextSequence = 1;
  private lastAcked = 0;

  push(body: EventBody, observedAtMs = Date.now()): void {
    const event = { ...body, sequence: 0, observedAtMs } as Event;
    this.queue.push({ event, bytes: 0 });
  }

  get depth(): number {
    return this.queue.length;
  }

  get lastAckedSequence(): number {
    return this.lastAcked;
  }

  /**
   * After the collector said which sequence it already has: drop what it stored, and make sure new
   * numbers continue after it (an agent that restarted with an empty outbox starts from there).
   */
  resume(collectorLastSequence: number): void {
    this.acknowledge(collectorLastSequence);
    this.nextSequence = Math.max(this.nextSequence, collectorLastSequence + 1);
    this.sentCount = 0;
  }

  /** The next events to send, numbered, up to `maxBytes` encoded and `maxEvents` events. */
  nextBatch(maxBytes: number, maxEvents: number): Event[] {
    const batch: Event[] = [];
    let bytes = 0;
    while (this.sentCount < this.queue.length && batch.length < maxEvents) {
      const entry = this.queue[this.sentCount];
      if (!entry) break;
      if (entry.event.sequence === 0) {
        entry.event.sequence = this.nextSequence++;
        entry.bytes = pb.Event.encode(entry.event).finish().length + 4;
      }
      if (batch.length > 0 && bytes + entry.bytes > maxBytes) break;
      batch.push(entry.event);
      bytes += entry.bytes;
      this.sentCount++;
    }
    return batch;
  }

  get hasUnsent(): boolean {
    return this.sentCount < this.queue.length;
  }

  acknowledge(sequence: number): void {
    let n = 0;
    while (n < this.queue.length) {
      const seq = this.queue[n]?.event.sequence ?? 0;
      if (seq === 0 || seq > sequence) break;
      n++;
    }
    if (n > 0) {
      this.queue.splice(0, n);
      this.sentCount = Math.max(0, this.sentCount - n);
    }
    this.lastAcked = Math.max(this.lastAcked, sequence);
  }
}
