// Helpers of the fault tests: register a fleet as IT does (a CSV through `devices import`), run
// virtual agents in their own process (agents.mjs), and count what the collector stored per
// device: every sequence once, every numbered heartbeat once.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pb } from '@farmwatch/proto';
import { COLLECTOR_CLI, ROOT, run } from '../../helpers/processes.js';

export interface Registered {
  serial: string;
  token: string;
}

/** `devices import` of `n` laptops; returns their one-time tokens. */
export async function importFleet(db: string, dir: string, n: number, prefix: string): Promise<Registered[]> {
  const file = join(dir, `${prefix}.csv`);
  writeFileSync(file, ['serial,assignee,ship_to,timezone', ...Array.from({ length: n }, (_, i) =>
    `${prefix}-${i},"Fault ${i} <${prefix.toLowerCase()}${i}@example.com>","Austin, Texas, US",America/Chicago`)].join('\n'));
  const r = await run(COLLECTOR_CLI, ['devices', 'import', file, '--json', '--db', db]);
  if (r.code !== 0) throw new Error(`devices import failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { registration: { serial: string }; token: string }[]).map((x) => ({ serial: x.registration.serial, token: x.token }));
}

export interface AgentStatus {
  serial: string;
  deviceId: string;
  pushed: number;
  pending: number;
  lastAcked: number;
  /** Reconnections where the collector had stored more than this agent had seen acknowledged. */
  resumedPastAck: number;
  state?: string;
  lastError?: string;
  spoolError?: string;
}

/** Virtual agents with durable spools in a process of their own. */
export class AgentsProcess {
  readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: Record<string, unknown>) => void>();
  error: string | undefined;

  constructor() {
    this.child = fork(join(ROOT, 'test', 'faults', 'helpers', 'agents.mjs'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, FARMWATCH_LOG_LEVEL: 'error' } });
    this.child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'error') this.error = String(m.message);
      const w = this.waiting.get(String(m.type));
      if (w) {
        this.waiting.delete(String(m.type));
        w(m);
      }
    });
  }

  next<T>(type: string): Promise<T> {
    return new Promise((resolve) => this.waiting.set(type, resolve as (m: Record<string, unknown>) => void));
  }

  start(o: { server: string; enrollServer: string; caPem: string; agents: (Registered & { ip?: string })[]; workDir: string; events: number; ratePerS: number }): Promise<{ agents: { serial: string; deviceId: string }[] }> {
    const p = this.next<{ agents: { serial: string; deviceId: string }[] }>('started');
    this.child.send({ type: 'start', ...o });
    return p;
  }

  async status(): Promise<AgentStatus[]> {
    const p = this.next<{ agents: AgentStatus[] }>('status');
    this.child.send({ type: 'status' });
    return (await p).agents;
  }

  /** Waits until every event was pushed and acknowledged (or the deadline passes); returns the last status. */
  async drained(events: number, timeoutMs: number): Promise<AgentStatus[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status();
      if (s.every((a) => a.pushed === events && a.pending === 0)) return s;
      if (Date.now() > deadline) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface DeviceAudit {
  deviceId: string;
  stored: number;
  distinct: number;
  /** Sequences 1..lastAcked the collector does not have. */
  missing: number[];
  /** Heartbeat numbers stored more than once / not at all. */
  heartbeatDuplicates: number;
  heartbeatsMissing: number[];
  lastSequence: number;
}

/** What the collector stored for each device, against what its agent pushed and had acknowledged. */
export function audit(db: string, expected: AgentStatus[], heartbeats: number): DeviceAudit[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = conn.prepare('SELECT sequence, kind, body FROM events WHERE device_id = ? ORDER BY sequence');
    const last = conn.prepare('SELECT last_sequence AS n FROM devices WHERE id = ?');
    return expected.map((a) => {
      const events = rows.all(a.deviceId) as { sequence: number; kind: string; body: Buffer }[];
      const seqs = new Set(events.map((e) => e.sequence));
      const counts = new Map<number, number>();
      for (const e of events.filter((x) => x.kind === 'heartbeat')) {
        const n = Number(pb.Event.decode(e.body).heartbeat?.uptimeMs ?? 0);
        counts.set(n, (counts.get(n) ?? 0) + 1);
      }
      const missing: number[] = [];
      for (let s = 1; s <= a.lastAcked; s++) if (!seqs.has(s)) missing.push(s);
      const heartbeatsMissing: number[] = [];
      for (let k = 1; k <= heartbeats; k++) if (!counts.has(k)) heartbeatsMissing.push(k);
      return {
        deviceId: a.deviceId, stored: events.length, distinct: seqs.size, missing,
        heartbeatDuplicates: [...counts.values()].filter((c) => c > 1).length, heartbeatsMissing,
        lastSequence: (last.get(a.deviceId) as { n: number } | undefined)?.n ?? 0,
      };
    });
  } finally {
    conn.close();
  }
}

export function integrity(db: string): string {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (conn.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
  } finally {
    conn.close();
  }
}
