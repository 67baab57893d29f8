// The watchdog a blocked event loop cannot stop. The resource watchdog (watchdog.ts) runs as a
// task on the agent's event loop, so a loop stuck in one long computation stops it too: the agent
// then burns a core for as long as the computation lasts, and its SIGTERM handler never runs.
//
// This one lives in a worker thread, with its own loop (it needs none: it sleeps in Atomics.wait).
// The main thread adds one to a shared counter every second; the worker looks every second, and
// when the counter has not moved for `stallMs` it writes one log line to stderr and ends the
// process with SIGKILL, which no stuck loop can ignore (the service manager starts the agent again:
// systemd Restart=always, launchd KeepAlive, the Windows service's recovery). The next start
// finds the run marker and reports the previous run as ended without a clean stop.
//
// It also bounds a stop: once `stopping()` is called, a process still alive `stopGraceMs` later is
// ended the same way, so SIGTERM is honoured even when the flush or a sensor hangs.
import { Worker } from 'node:worker_threads';

export interface LivenessOptions {
  /** The main loop may go this long without a tick before the process is ended. */
  stallMs: number;
  /** After stopping() is called, the process is ended if it is still running this much later. */
  stopGraceMs: number;
  /** How often the main thread ticks and the worker looks (default 1000 ms). */
  tickMs?: number;
  /** Log component in the line the worker writes (JSON, as the agent's logger writes). */
  component?: string;
  /** The worker failed (it then watches nothing): say so. */
  onError?: (err: Error) => void;
}

// Slots of the shared Int32Array.
const TICKS = 0;
const STOP = 1; // 1: the watchdog is being shut down (the worker returns)
const STOPPING = 2; // 1: the process is stopping (the grace period runs)

// CommonJS, evaluated in the worker: a file beside this one would not exist in the single executable.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const shared = new Int32Array(workerData.buffer);
const { stallMs, stopGraceMs, tickMs, component, pid } = workerData;
let seen = Atomics.load(shared, ${TICKS});
let movedAt = performance.now();
let stoppingAt;
const end = (message, fields) => {
  try {
    writeSync(2, JSON.stringify({ time: new Date().toISOString(), level: 'error', component, message, ...fields }) + '\\n');
  } finally {
    process.kill(pid, 'SIGKILL');
  }
};
for (;;) {
  Atomics.wait(shared, ${STOP}, 0, tickMs);
  if (Atomics.load(shared, ${STOP}) !== 0) break;
  const now = performance.now();
  const ticks = Atomics.load(shared, ${TICKS});
  if (ticks !== seen) {
    seen = ticks;
    movedAt = now;
  }
  if (Atomics.load(shared, ${STOPPING}) !== 0) stoppingAt ??= now;
  if (now - movedAt >= stallMs) {
    end('watchdog: the event loop has not run for ' + ((now - movedAt) / 1000).toFixed(1) + ' s; ending the agent (SIGKILL) so that it starts again',
      { stalledMs: Math.round(now - movedAt), limitMs: stallMs });
  } else if (stoppingAt !== undefined && now - stoppingAt >= stopGraceMs) {
    end('watchdog: the agent did not finish stopping within ' + Math.round(stopGraceMs / 1000) + ' s; ending it (SIGKILL)', { limitMs: stopGraceMs });
  }
}
`;

export class Liveness {
  private readonly shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private worker: Worker | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LivenessOptions) {}

  start(): void {
    if (this.worker) return;
    const tickMs = this.opts.tickMs ?? 1000;
    this.worker = new Worker(WORKER, {
      eval: true,
      // Not the process's flags: `--input-type=module` would make this CommonJS code fail to load.
      execArgv: [],
      workerData: {
        buffer: this.shared.buffer, stallMs: this.opts.stallMs, stopGraceMs: this.opts.stopGraceMs, tickMs,
        component: this.opts.component ?? 'agent.liveness', pid: process.pid,
      },
    });
    this.worker.on('error', (err) => this.opts.onError?.(err));
    this.worker.unref();
    this.ticker = setInterval(() => Atomics.add(this.shared, TICKS, 1), tickMs);
    this.ticker.unref();
  }

  /** The process is stopping: end it if it has not exited within the grace period. */
  stopping(): void {
    Atomics.store(this.shared, STOPPING, 1);
  }

  /** Ends the watchdog (a clean stop is complete, or a test is over). */
  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    Atomics.store(this.shared, STOP, 1);
    Atomics.notify(this.shared, STOP);
    await new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.ref();
    });
  }
}
