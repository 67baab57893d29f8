// The agent as it runs in the field: the single executable (build/agent/, made by bootstrap),
// started as a long-running process with its own state folder, against a collector that tests
// can kill and start again on the same port.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import Database from 'better-sqlite3';
import { COLLECTOR_CLI, ROOT } from './processes.js';
import { register } from './enroll.js';

export const AGENT_BIN = join(ROOT, 'build', 'agent', `farmwatch-agent-${process.platform}-${process.arch}`);

/**
 * A test file's work folder and the processes it starts: after all its tests, the processes still
 * running are killed (and awaited) and the folder is removed.
 */
export function fieldWork(prefix: string): { work: string; running: Proc[] } {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const running: Proc[] = [];
  afterAll(async () => {
    for (const p of running) {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    rmSync(work, { recursive: true, force: true });
  });
  return { work, running };
}

/** Writes one file per entry into `dir` (made if missing), each value followed by `end`: a machine laid out as a folder. */
export function writeFiles(dir: string, values: Record<string, string>, end = ''): void {
  mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(values)) writeFileSync(join(dir, k), `${v}${end}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

export function spawnProc(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(command, args, { env: { ...process.env, FARMWATCH_LOG_FORMAT: 'json', ...env } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function collectorOn(port: number, db: string, tlsDir: string): Promise<Proc> {
  const p = spawnProc(process.execPath, [COLLECTOR_CLI, 'serve', '--listen', `127.0.0.1:${port}`, '--http', 'off', '--db', db, '--tls-dir', tlsDir]);
  await waitFor(() => /listening on/.test(p.output()), 20_000, () => `collector did not start:\n${p.output()}`);
  return p;
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function query<T>(db: string, sql: string, ...args: unknown[]): T[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).all(...args) as T[];
  } finally {
    conn.close();
  }
}

/** Sequences stored for the only device, in order. */
export function storedSequences(db: string): number[] {
  try {
    return query<{ sequence: number }>(db, 'SELECT sequence FROM events ORDER BY sequence').map((r) => r.sequence);
  } catch {
    return [];
  }
}

const machines = new Map<string, string>();

/**
 * This machine's serial as IT records it (and as `npm start` registers it): the firmware's serial,
 * or `machine-` and 16 hex digits of the machine id hash when the firmware has none. The collector
 * checks the enrolling agent against it.
 */
export function thisMachineSerial(root = ''): string {
  const known = machines.get(root);
  if (known) return known;
  const r = spawnSync(AGENT_BIN, ['scan', '--json', '--no-network-probes', ...(root ? ['--root', root] : [])], { encoding: 'utf8' });
  const host = (JSON.parse(r.stdout || '{}') as { host?: { hardwareSerial?: string; machineIdHash?: string } }).host ?? {};
  if (!host.hardwareSerial && !host.machineIdHash) throw new Error(`the agent's scan named no serial or machine id:\n${r.stderr}`);
  const serial = host.hardwareSerial || `machine-${(host.machineIdHash ?? '').slice(0, 16)}`;
  machines.set(root, serial);
  return serial;
}

/**
 * IT registers this laptop and the agent executable enrolls with the token, as on a real laptop:
 * the identity lands in <stateDir>/identity, where `run --state-dir` looks for it.
 */
export async function enrollAgent(db: string, port: number, caFile: string, stateDir: string, extra: string[] = []): Promise<string> {
  const { deviceId, token } = await register(db, {
    serial: thisMachineSerial(extra.includes('--root') ? extra[extra.indexOf('--root') + 1] : ''), assignee: 'Field Test <field@example.com>', shipTo: 'Austin, Texas, US',
    timeZone: 'America/Chicago', hostname: 'field',
  });
  const p = spawnProc(AGENT_BIN, ['enroll', '--server', `127.0.0.1:${port}`, '--ca', caFile, '--token', token, '--dir', join(stateDir, 'identity'), ...extra]);
  if ((await p.exited) !== 0) throw new Error(`enroll failed: ${p.output()}`);
  return deviceId;
}
