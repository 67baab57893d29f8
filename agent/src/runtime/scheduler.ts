// Runs each sensor at its own interval, with jitter so a fleet's laptops do not all scan in the
// same second, and never two runs of one sensor at once. Hot-plug and collector requests can ask
// for a sensor to run now. The watchdog's throttle factor stretches every interval.

export interface ScheduledTask {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
}

export interface SchedulerOptions {
  /** Fraction of the interval each wait may vary by, up or down (0.1 = ±10%). */
  jitter?: number;
  random?: () => number;
  onError?: (task: string, err: unknown) => void;
}

interface TaskState {
  task: ScheduledTask;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** A run was asked for while one was going: run again right after. */
  again: boolean;
  lastRunMs: number | undefined;
}

export class Scheduler {
  private readonly tasks = new Map<string, TaskState>();
  private stopped = true;
  private factor = 1;

  constructor(private readonly opts: SchedulerOptions = {}) {}

  add(task: ScheduledTask): void {
    if (this.tasks.has(task.name)) throw new Error(`task ${task.name} is scheduled already`);
    const state: TaskState = { task, timer: undefined, running: undefined, again: false, lastRunMs: undefined };
    this.tasks.set(task.name, state);
    if (!this.stopped) this.arm(state, this.delay(task.intervalMs) * (this.opts.random ?? Math.random)());
  }

  /** Starts every task: a first run spread over its first interval, except `now` which run at once. */
  start(now: string[] = []): void {
    this.stopped = false;
    for (const state of this.tasks.values()) {
      if (now.includes(state.task.name)) void this.runNow(state.task.name);
      else this.arm(state, this.delay(state.task.intervalMs) * (this.opts.random ?? Math.random)());
    }
  }

  runNow(name: string): Promise<void> {
    const state = this.tasks.get(name);
    if (!state || this.stopped) return Promise.resolve();
    if (state.running) {
      state.again = true;
      return state.running;
    }
    if (state.timer) clearTimeout(state.timer);
    state.running = (async () => {
      try {
        await state.task.run();
      } catch (err) {
        this.opts.onError?.(name, err);
      }
      state.lastRunMs = Date.now();
      state.running = undefined;
      if (this.stopped) return;
      if (state.again) {
        state.again = false;
        void this.runNow(name);
      } else {
        this.arm(state, this.delay(state.task.intervalMs));
      }
    })();
    return state.running;
  }

  setInterval(name: string, intervalMs: number): void {
    const state = this.tasks.get(name);
    if (!state) return;
    state.task = { ...state.task, intervalMs };
    if (!state.running && !this.stopped) this.arm(state, this.delay(intervalMs));
  }

  /** Stretches every interval (watchdog); applies from each task's next wait. */
  setThrottle(factor: number): void {
    this.factor = Math.max(1, factor);
  }

  lastRun(name: string): number | undefined {
    return this.tasks.get(name)?.lastRunMs;
  }

  /** Stops timers and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.tasks.values()) if (state.timer) clearTimeout(state.timer);
    await Promise.all([...this.tasks.values()].map((s) => s.running ?? Promise.resolve()));
  }

  private delay(intervalMs: number): number {
    const jitter = this.opts.jitter ?? 0.1;
    const r = (this.opts.random ?? Math.random)();
    return Math.max(10, intervalMs * this.factor * (1 + jitter * (2 * r - 1)));
  }

  private arm(state: TaskState, ms: number): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => void this.runNow(state.task.name), ms);
    state.timer.unref?.();
  }
}
