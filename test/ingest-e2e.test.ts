// The first real path, end to end: a collector process on 127.0.0.1 (port 0) with a SQLite file
// in a temp folder; IT registers this machine (`devices add`), the agent CLI enrolls with the
// one-time token, scans this machine and streams over mutual TLS gRPC with the certificate it was
// issued, and the collector CLI shows what arrived.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { status as Status } from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '@farmwatch/proto';
import { describeCertificate } from '@farmwatch/shared';
import { AGENT_CLI, COLLECTOR_CLI, run, startCollector, type RunningCollector } from './helpers/processes.js';
import { makePki, type Pki } from './helpers/pki.js';
import { RawIngestClient } from './helpers/raw-client.js';
import { enrollLaptop, register, type EnrolledLaptop } from './helpers/enroll.js';
import { thisMachineSerial } from './helpers/field.js';

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let tool: ChildProcess;

let agentDir: string;
const agentArgs = (): string[] => ['run', '--once', '--dir', agentDir];

const rows = <T>(sql: string, ...args: unknown[]): T[] => {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(sql).all(...args) as T[];
  } finally {
    conn.close();
  }
};

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-e2e-'));
  db = join(work, 'collector.db');
  collector = await startCollector(db, pki.dir);
  // A real program running under a name the catalog knows (tmate, from LOLRMM).
  copyFileSync('/bin/sleep', join(work, 'tmate'));
  tool = spawn(join(work, 'tmate'), ['300'], { stdio: 'ignore' });
  agentDir = join(work, 'agent');
});

afterAll(async () => {
  tool?.kill('SIGKILL');
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('agent to collector over TLS gRPC', () => {
  it('enrolls with a one-time token and keeps its key and certificate private', async () => {
    const { deviceId, token } = await register(db, { serial: thisMachineSerial(), assignee: 'Test Runner <runner@example.com>', shipTo: 'London, England, GB', timeZone: 'Europe/London', hostname: hostname() });
    const r = await run(AGENT_CLI, ['enroll', '--server', collector.address, '--ca', join(pki.dir, 'ca.pem'), '--token', token, '--dir', agentDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Enrolled as ${deviceId}`);
    expect(statSync(join(agentDir, 'agent-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(agentDir, 'agent.pem')).mode & 0o777).toBe(0o600);
    expect(describeCertificate(readFileSync(join(agentDir, 'agent.pem'))).subjectCommonName).toBe(deviceId);
    const again = await run(AGENT_CLI, ['enroll', '--server', collector.address, '--ca', join(pki.dir, 'ca.pem'), '--token', token, '--dir', join(work, 'again')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/refused the enrollment: enrollment token already used at .*: tokens work once; ask IT for a new one/);
  });

  it('delivers this machine\'s scan, acknowledged after it is stored', async () => {
    const r = await run(AGENT_CLI, agentArgs());
    expect(r.stderr).not.toMatch(/"level":"error"/);
    expect(r.code).toBe(0);

    const devices = rows<{ id: string; hostname: string; os_platform: string; last_sequence: number }>("SELECT d.* FROM devices d JOIN registrations r ON r.device_id = d.id WHERE r.serial = ?", thisMachineSerial());
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ hostname: hostname(), os_platform: 'linux' });
    const kinds = rows<{ kind: string }>('SELECT kind FROM events WHERE device_id = ? ORDER BY sequence', devices[0]?.id).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['finding', 'health', 'inventoryChange', 'inventoryComplete', 'heartbeat']));
    expect(devices[0]?.last_sequence).toBe(kinds.length);

    const findings = rows<{ key: string; severity: string; evidence: string }>("SELECT * FROM findings WHERE detector = 'remote_access.process'");
    expect(findings.map((f) => f.key)).toContain('tmate');
    expect(JSON.parse(findings.find((f) => f.key === 'tmate')?.evidence ?? '[]')).toContainEqual({ field: 'process.path', value: join(work, 'tmate') });
    const sensors = rows<{ sensor: string; status: string }>('SELECT sensor, status FROM sensor_states');
    expect(sensors.find((s) => s.sensor === 'processes')?.status).toBe('ok');
  });

  it("shows the laptop's case in the CLI, as a table and as JSON, with the finding as its evidence", async () => {
    const table = await run(COLLECTOR_CLI, ['alerts', 'list', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+SEVERITY\s+SCORE\s+STATUS\s+DEVICE\s+ALERT/m);
    // One row for this machine (under the header and its rule): its case.
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
    expect(table.stdout).toMatch(/open\s+\S+\s+Risk \d+: /);
    const json = await run(COLLECTOR_CLI, ['alerts', 'list', '--json', '--db', db]);
    const alerts = JSON.parse(json.stdout) as { rule: string; key: string; status: string; hostname: string; occurrences: number }[];
    expect(alerts).toEqual([expect.objectContaining({ rule: 'device.risk', key: 'risk', status: 'open', hostname: hostname(), occurrences: 1 })]);
    const show = await run(COLLECTOR_CLI, ['alerts', 'show', '1', '--db', db]);
    expect(show.stdout).toMatch(/^Case 1 \(one laptop\): Risk \d+/);
    expect(show.stdout).toMatch(/^ {2}\w+ +remote_access\.process \/ tmate: tmate is running \(seen /m);
    expect(show.stdout).toContain(`process.path = ${join(work, 'tmate')}`);
  });

  it('continues the sequence on the next run and does not count the same finding twice in the case', async () => {
    const before = rows<{ n: number }>('SELECT COUNT(*) AS n FROM events')[0]?.n ?? 0;
    const r = await run(AGENT_CLI, agentArgs());
    expect(r.code).toBe(0);
    const after = rows<{ n: number; max: number; min: number }>('SELECT COUNT(*) AS n, MAX(sequence) AS max, MIN(sequence) AS min FROM events')[0];
    expect(after?.n).toBeGreaterThan(before);
    expect(after?.max).toBe(after?.n); // 1..n, no gap, no overlap
    expect(rows('SELECT * FROM devices')).toHaveLength(1);
    expect(rows<{ kind: string }>("SELECT kind FROM observations WHERE kind = 'public_ip'")).toEqual([]); // 127.0.0.1 is no place
    const alerts = rows<{ rule: string; occurrences: number }>('SELECT rule, occurrences FROM alerts');
    expect(alerts).toEqual([{ rule: 'device.risk', occurrences: 1 }]);
  });

  it('does not start without an identity, saying how to get one', async () => {
    const stateDir = join(work, 'no-identity');
    const r = await run(AGENT_CLI, ['run', '--once', '--server', collector.address, '--ca', join(pki.dir, 'ca.pem'), '--state-dir', stateDir, '--timeout', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`this agent is not enrolled (there is no ${join(stateDir, 'identity', 'agent.pem')}): run \`farmwatch-agent enroll\``);
  });
});

describe('the ingest stream, message by message', () => {
  const laptops = new Map<string, EnrolledLaptop>();
  /** An enrolled test laptop per name; its Hello is the one it enrolled with. */
  const laptop = async (name: string): Promise<EnrolledLaptop> => {
    let l = laptops.get(name);
    if (!l) {
      l = await enrollLaptop(collector.address, db, pki.ca, { serial: `RAW-${name}`, assignee: `${name} <${name}@example.com>`, shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: `raw-${name}` });
      laptops.set(name, l);
    }
    return l;
  };
  const hello = (name: string): AgentMessage => ({ hello: { ...laptops.get(name)?.hello, clockMs: Date.now() } });
  const clientFor = async (name: string): Promise<RawIngestClient> => new RawIngestClient(collector.address, await laptop(name));
  const batch = (...sequences: number[]): AgentMessage => ({
    batch: { events: sequences.map((sequence) => ({ sequence, observedAtMs: Date.now(), heartbeat: { uptimeMs: sequence } })) },
  });
  const eventsOf = (name: string): number[] =>
    rows<{ sequence: number }>('SELECT e.sequence FROM events e WHERE e.device_id = ? ORDER BY 1', laptops.get(name)?.deviceId)
      .map((r) => r.sequence);

  it('acknowledges a batch after storing it, and stores a replayed batch once', async () => {
    const client = await clientFor('replay');
    const first = await client.exchange([hello('replay'), batch(1, 2, 3)]);
    expect(first.error).toBeUndefined();
    expect(first.received[0]?.helloAck).toMatchObject({ lastSequence: 0, inventoryWanted: true });
    expect(first.received[1]?.ack?.sequence).toBe(3);
    // The same batch again on a new stream (as after a lost ack), then again on the same stream.
    const again = await client.exchange([hello('replay'), batch(1, 2, 3), batch(1, 2, 3)]);
    expect(again.received[0]?.helloAck?.lastSequence).toBe(3);
    expect(again.received.slice(1).map((m) => m.ack?.sequence)).toEqual([3, 3]);
    expect(eventsOf('replay')).toEqual([1, 2, 3]);
    // A batch that overlaps: only the new part is stored.
    await client.exchange([hello('replay'), batch(2, 3, 4, 5)]);
    expect(eventsOf('replay')).toEqual([1, 2, 3, 4, 5]);
    client.close();
  });

  it('ends the stream with INVALID_ARGUMENT on a malformed frame, and keeps serving others', async () => {
    const client = await clientFor('malformed');
    const r = await client.exchange([hello('malformed'), Buffer.from([0x12, 0xff, 0xff, 0x01, 0x02])]);
    expect(r.error?.code).toBe(Status.INVALID_ARGUMENT);
    expect(r.error?.details).toMatch(/^malformed farmwatch\.v1\.AgentMessage \(5 bytes\): truncated/);
    const other = await clientFor('after-malformed');
    const next = await other.exchange([hello('after-malformed'), batch(1)]);
    other.close();
    expect(next.error).toBeUndefined();
    expect(next.received[1]?.ack?.sequence).toBe(1);
    client.close();
  });

  it('stores nothing of a batch whose sequences go backwards', async () => {
    const client = await clientFor('backwards');
    const r = await client.exchange([hello('backwards'), batch(1, 2), batch(5, 4)]);
    expect(r.received[1]?.ack?.sequence).toBe(2);
    expect(r.error?.code).toBe(Status.INVALID_ARGUMENT);
    expect(r.error?.details).toBe('events[1].sequence 4 does not follow 5: sequences must increase within a batch');
    expect(eventsOf('backwards')).toEqual([1, 2]);
    client.close();
  });

  it('wants Hello before anything else', async () => {
    const client = await clientFor('no-hello');
    const r = await client.exchange([batch(1)]);
    expect(r.error?.code).toBe(Status.FAILED_PRECONDITION);
    expect(r.error?.details).toMatch(/must say Hello first/);
    client.close();
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED', async () => {
    const client = await clientFor('huge');
    const huge: AgentMessage = { batch: { events: [{ sequence: 1, observedAtMs: Date.now(), stopped: { detail: 'x'.repeat(5 * 1024 * 1024) } }] } };
    const r = await client.exchange([hello('huge'), huge]);
    expect(r.error?.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(eventsOf('huge')).toEqual([]);
    client.close();
  });

  it('refuses a connection without a client certificate, saying how to get one', async () => {
    const client = new RawIngestClient(collector.address, { ca: pki.ca });
    const r = await client.exchange([{ hello: { machineId: 'anonymous', hostname: 'anonymous' } }]);
    expect(r.error?.code).toBe(Status.UNAUTHENTICATED);
    expect(r.error?.details).toMatch(/^client certificate required: .*enroll the agent with `farmwatch-agent enroll`/);
    expect(rows('SELECT * FROM devices WHERE machine_id = ?', 'anonymous')).toEqual([]);
    client.close();
  });
});

describe('per-device rate limit, X-Forwarded-For and round-trip time', () => {
  let limited: RunningCollector;
  let limitedDb: string;
  beforeAll(async () => {
    limitedDb = join(work, 'limited.db');
    limited = await startCollector(limitedDb, pki.dir, ['--rate', '2', '--burst', '5']);
  });
  afterAll(async () => {
    await limited?.stop();
  });
  const events = (from: number, n: number): AgentMessage => ({
    batch: { events: Array.from({ length: n }, (_, i) => ({ sequence: from + i, observedAtMs: Date.now(), heartbeat: { uptimeMs: i } })) },
  });

  it('refuses a burst above the limit, storing none of it, and keeps serving within it', async () => {
    const l = await enrollLaptop(limited.address, limitedDb, pki.ca, { serial: 'RATE-0', assignee: 'Rae Te <rae@example.com>', shipTo: 'Austin, Texas, US', timeZone: 'America/Chicago', hostname: 'rate' });
    const client = new RawIngestClient(limited.address, l, { forwardedFor: '73.162.10.1' });
    const over = await client.exchange([{ hello: { ...l.hello, clockMs: Date.now() } }, events(1, 6)]);
    expect(over.error?.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(over.error?.details).toMatch(new RegExp(`^rate limit: device ${l.deviceId} sent more than 2 events/s, bursts of 5; nothing of this batch was stored: resend it after \\d+ ms$`));
    const within = await client.exchange([{ hello: { ...l.hello, clockMs: Date.now() } }, events(1, 5)]);
    expect(within.error).toBeUndefined();
    expect(within.received[1]?.ack?.sequence).toBe(5);
    expect(within.pings).toBeGreaterThan(0);
    client.close();
    const conn = new Database(limitedDb, { readonly: true });
    const row = conn.prepare('SELECT public_ip AS ip, rtt_ms AS rtt, last_sequence AS seq FROM devices WHERE id = ?').get(l.deviceId) as { ip: string; rtt: number | null; seq: number };
    conn.close();
    // This collector trusts no proxy: the header is ignored and the TCP peer is the address.
    expect(row).toMatchObject({ ip: '127.0.0.1', seq: 5 });
    expect(row.rtt).toBeGreaterThanOrEqual(0);
    expect(row.rtt).toBeLessThan(1000);
  });
});
