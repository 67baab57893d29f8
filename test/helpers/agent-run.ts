// The built agent (`agent/dist/cli.js run`) as a long-running process with its own folder, its log
// lines (JSON) readable as they come, and a stop that says how it ended and how long that took.
import { join } from 'node:path';
import { AGENT_CLI, run } from './processes.js';
import { spawnProc, thisMachineSerial, waitFor, type Proc } from './field.js';
import { register } from './enroll.js';

export interface LogLine {
  level: string;
  component: string;
  message: string;
  [field: string]: unknown;
}

export interface RunningAgent {
  proc: Proc;
  lines(): LogLine[];
  /** The first log line `match` accepts, waiting for it up to `timeoutMs`. */
  waitForLog(match: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal` and waits for the exit: its code or signal, and the milliseconds it took. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

const started = new Set<Proc>();

/** Kills (SIGKILL) every agent this file started that is still running: for afterAll, when a test failed before its stop. */
export function killAgents(): void {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  started.clear();
}

export function startAgent(dir: string, server: string, extra: string[] = []): RunningAgent {
  const proc = spawnProc(process.execPath, [AGENT_CLI, 'run', '--dir', dir, '--server', server, '--no-network-probes', ...extra]);
  started.add(proc);
  const lines = (): LogLine[] => proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
  const ended = new Promise<NodeJS.Signals | null>((resolve) => proc.child.once('exit', (_code, signal) => resolve(signal)));
  return {
    proc,
    lines,
    async waitForLog(match, timeoutMs = 20_000) {
      await waitFor(() => lines().some(match) || proc.child.exitCode !== null || proc.child.signalCode !== null, timeoutMs,
        () => `no such log line from the agent:\n${proc.output()}`);
      const hit = lines().find(match);
      if (!hit) throw new Error(`the agent exited before the log line came:\n${proc.output()}`);
      return hit;
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      const started = Date.now();
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
      const [code, sig] = await Promise.all([proc.exited, ended]);
      clearTimeout(timer);
      return { code, signal: sig, ms: Date.now() - started };
    },
  };
}

/** IT registers this machine on the real collector, and the built agent enrolls into `dir` with the token. */
export async function enrollInto(db: string, collector: string, caFile: string, dir: string, name: string): Promise<string> {
  const { deviceId, token } = await register(db, {
    serial: thisMachineSerial(), assignee: `${name} <${name}@example.com>`, shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: name,
  });
  const r = await run(AGENT_CLI, ['enroll', '--server', collector, '--ca', caFile, '--token', token, '--dir', dir]);
  if (r.code !== 0) throw new Error(`enroll failed (${r.code}): ${r.stderr}`);
  return deviceId;
}

export const identityOf = (dir: string): { ca: string; cert: string; key: string } => ({ ca: join(dir, 'ca.pem'), cert: join(dir, 'agent.pem'), key: join(dir, 'agent-key.pem') });
