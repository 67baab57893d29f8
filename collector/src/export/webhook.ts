// Webhook export: each alert as a JSON POST, retried with exponential backoff (and jitter) while
// the receiver fails or is unreachable. The queue is bounded; what overflows is counted and
// logged, never dropped silently.
import type { Logger } from '@farmwatch/shared';
import type { AlertDocument } from './document.js';

export interface WebhookOptions {
  url: string;
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  queueLimit?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export class WebhookExporter {
  private readonly queue: { doc: AlertDocument; attempt: number }[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  delivered = 0;
  failed = 0;
  dropped = 0;

  constructor(private readonly opts: WebhookOptions, private readonly log: Logger, private readonly count: (result: string) => void) {
    new URL(opts.url);
  }

  send(doc: AlertDocument): void {
    if (this.queue.length >= (this.opts.queueLimit ?? 1000)) {
      this.queue.shift();
      this.dropped++;
      this.count('dropped');
      this.log.error('webhook queue full: the oldest alert was dropped', { url: this.opts.url });
    }
    this.queue.push({ doc, attempt: 0 });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const item = this.queue[0] as { doc: AlertDocument; attempt: number };
        const error = await this.post(item.doc);
        if (!error) {
          this.queue.shift();
          this.delivered++;
          this.count('delivered');
          continue;
        }
        item.attempt++;
        if (item.attempt >= (this.opts.maxAttempts ?? 8)) {
          this.queue.shift();
          this.failed++;
          this.count('failed');
          this.log.error('webhook gave up on an alert', { url: this.opts.url, alert: item.doc.id, attempts: item.attempt, error });
          continue;
        }
        const ceiling = Math.min(this.opts.maxDelayMs ?? 300_000, (this.opts.initialDelayMs ?? 1000) * 2 ** (item.attempt - 1));
        const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
        this.count('retried');
        this.log.warn('webhook failed; retrying', { url: this.opts.url, alert: item.doc.id, attempt: item.attempt, retryInMs: delay, error });
        await new Promise<void>((resolve) => {
          this.timer = setTimeout(resolve, delay);
        });
      }
    } finally {
      this.running = false;
    }
  }

  private async post(doc: AlertDocument): Promise<string | undefined> {
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'farmwatch-collector', ...this.opts.headers },
        body: JSON.stringify(doc),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer();
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (err) {
      return (err as Error).message;
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
