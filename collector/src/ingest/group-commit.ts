// Group commit: batches from many agent streams that arrive in the same turn of the event loop
// are stored in one SQLite transaction (one fsync instead of many), and each stream's ack still
// waits for the commit that holds its batch. If the group's transaction fails, each batch is
// retried alone, so one bad batch cannot fail the others.
import type { Event } from '@farmwatch/proto';
import type { Store } from '../store/store.js';
import { applyBatchIn, type BatchHooks, type BatchResult } from './apply-batch.js';

interface Job {
  deviceId: string;
  lastStored: number;
  fresh: readonly Event[];
  replayed: number;
  receivedAtMs: number;
  clockSkewMs: number;
  resolve: (r: BatchResult) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  /** Transactions committed and batches in them (metrics). */
  commits = 0;
  batches = 0;

  constructor(private readonly store: Store, private readonly hooks: BatchHooks = {}, private readonly maxBatches = 128) {}

  /** `clockSkewMs`: how far the agent's clock is ahead of the collector's (apply-batch corrects its times). */
  submit(deviceId: string, lastStored: number, fresh: readonly Event[], replayed: number, receivedAtMs: number, clockSkewMs = 0): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ deviceId, lastStored, fresh, replayed, receivedAtMs, clockSkewMs, resolve, reject });
      if (this.queue.length >= this.maxBatches) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    let results: BatchResult[];
    try {
      results = this.store.write((w) => jobs.map((j) => applyBatchIn(w, j.deviceId, j.lastStored, j.fresh, j.replayed, j.receivedAtMs, this.hooks, j.clockSkewMs)));
      this.commits++;
    } catch {
      for (const j of jobs) {
        try {
          const r = this.store.write((w) => applyBatchIn(w, j.deviceId, j.lastStored, j.fresh, j.replayed, j.receivedAtMs, this.hooks, j.clockSkewMs));
          this.commits++;
          this.batches++;
          j.resolve(r);
        } catch (err) {
          j.reject(err);
        }
      }
      return;
    }
    this.batches += jobs.length;
    jobs.forEach((j, i) => j.resolve(results[i] as BatchResult));
  }
}
