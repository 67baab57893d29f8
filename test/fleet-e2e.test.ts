// The fleet, end to end, through a real collector process behind a trusted proxy (so it sees each
// laptop's public address from X-Forwarded-For) and real clients that enroll and stream Hello and
// event batches over mutual TLS, with findings and co-location observations hashed with the fleet
// key the collector pushes after HelloAck. Addresses are real ones from the GeoIP / ASN databases:
// a Comcast home in Fairfield CA for the farm, Astrill VPN exits (LevelBlue 2026 IOC list, via
// reference/vpn-clients.json) for the operator's AnyDesk sessions.
import { createHmac } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Category, ObservationKind, Severity, type Event } from '@farmwatch/proto';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from './helpers/processes.js';
import { makePki, type Pki } from './helpers/pki.js';
import { RawIngestClient } from './helpers/raw-client.js';
import { enrollLaptop, type EnrolledLaptop, type Laptop } from './helpers/enroll.js';

const FARM_HOME = '73.162.10.1';        // Comcast, Fairfield CA
const COUPLE_HOME = '24.5.1.1';         // Comcast, Sunnyvale CA
const HELPDESK_HOME = '71.56.10.1';     // Comcast, near Cincinnati OH
const CORPORATE_EGRESS = '12.0.0.0/24'; // the company's own (AT&T) egress, excluded by the admin
const ASTRILL_EXIT = '142.214.202.2';   // Astrill VPN node (AS7393 CyberCon)

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let webhook: HttpServer;
let syslog: TcpServer;
const webhookBodies: { rule: string; devices: { id: string }[]; severity: string }[] = [];
let webhookCalls = 0;
const syslogFrames: string[] = [];
const tokens: Record<string, string> = {};
const farm: EnrolledLaptop[] = [];
const couple: EnrolledLaptop[] = [];
let helpdesk: EnrolledLaptop;
let quiet: EnrolledLaptop;

const listen = (s: HttpServer | TcpServer): Promise<number> => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
const hash = (key: Buffer, value: string): Buffer => createHmac('sha256', key).update(value.toLowerCase()).digest().subarray(0, 16);

async function api<T>(role: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${collector.api}${path}`, {
    method, headers: { ...(tokens[role] ? { authorization: `Bearer ${tokens[role]}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Enrolls, then streams Hello from `home` and one batch built with the fleet key the collector sent. */
async function report(l: Laptop, home: string, events: (key: Buffer) => Omit<Event, 'sequence' | 'observedAtMs'>[]): Promise<EnrolledLaptop> {
  const me = await enrollLaptop(collector.address, db, pki.ca, l);
  const client = new RawIngestClient(collector.address, me, { forwardedFor: home });
  const { call, result, ended } = client.open();
  call.write({ hello: { ...me.hello, clockMs: Date.now() } });
  while (result.config.length === 0 && !result.error) await new Promise((r) => setTimeout(r, 10));
  const key = Buffer.from(result.config[0]?.config?.settings?.observationKey ?? []);
  expect(key).toHaveLength(32);
  const now = Date.now();
  call.write({ batch: { events: events(key).map((e, i) => ({ ...e, sequence: i + 1, observedAtMs: now }) as Event) } });
  while (result.received.length < 2 && !result.error) await new Promise((r) => setTimeout(r, 10));
  expect(result.error).toBeUndefined();
  expect(result.received[1]?.ack?.sequence).toBe(events(key).length);
  call.end();
  await ended;
  client.close();
  return me;
}

const anydesk = { finding: { detector: 'remote_access.process', key: 'anydesk', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM,
  confidence: 80, title: 'AnyDesk is running', catalogEntry: 'anydesk', firstSeenMs: Date.now(),
  evidence: [{ field: 'process.name', value: 'AnyDesk.exe', catalogEntry: 'anydesk', matched: 'anydesk.exe' }] } };
const teamviewer = { finding: { detector: 'remote_access.process', key: 'teamviewer', category: Category.CATEGORY_REMOTE_ACCESS, severity: Severity.SEVERITY_MEDIUM,
  confidence: 80, title: 'TeamViewer is running', catalogEntry: 'teamviewer', firstSeenMs: Date.now(),
  evidence: [{ field: 'process.name', value: 'TeamViewer.exe', catalogEntry: 'teamviewer', matched: 'teamviewer.exe' }] } };
const observation = (kind: ObservationKind, value: string, via: string, key?: Buffer) =>
  ({ observation: { kind, via, ...(key ? { valueHash: hash(key, value) } : { value }) } });

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-fleet-'));
  db = join(work, 'collector.db');
  webhook = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      webhookCalls++;
      // The receiver is down for the first call: the collector must retry.
      if (webhookCalls === 1) return res.writeHead(503).end();
      webhookBodies.push(JSON.parse(body) as (typeof webhookBodies)[number]);
      res.writeHead(204).end();
    });
  });
  syslog = createTcpServer((socket) => {
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      // RFC 6587 octet counting: "LENGTH SP MESSAGE".
      for (let m = /^(\d+) /.exec(buf); m?.[1] && buf.length >= m[0].length + Number(m[1]); m = /^(\d+) /.exec(buf)) {
        syslogFrames.push(buf.slice(m[0].length, m[0].length + Number(m[1])));
        buf = buf.slice(m[0].length + Number(m[1]));
      }
    });
  });
  const [webhookPort, syslogPort] = [await listen(webhook), await listen(syslog)];
  collector = await startCollector(db, pki.dir, [
    '--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional', '--sanctioned', 'teamviewer',
    '--webhook', `http://127.0.0.1:${webhookPort}/hooks/farmwatch`, '--webhook-retry-ms', '50',
    '--syslog', `tcp://127.0.0.1:${syslogPort}`, '--ocsf', join(work, 'alerts.ocsf.jsonl'),
  ]);
  for (const role of ['admin', 'analyst', 'it']) {
    const r = await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', `test ${role}`, '--role', role, '--json', '--db', db]);
    tokens[role] = (JSON.parse(r.stdout) as { token: string }).token;
  }
  const ex = await run(COLLECTOR_CLI, ['exclusions', 'add', 'network', CORPORATE_EGRESS, '--reason', 'corporate egress (helpdesk)', '--db', db]);
  expect(ex.code).toBe(0);

  // Four employees' laptops in one house, driven over AnyDesk by one operator behind Astrill.
  const people: [string, string, string, string][] = [
    ['Avery Brooks', 'Austin, Texas, US', 'America/Chicago', 'America/Chicago'],
    ['Jordan Ellis', 'Seattle, Washington, US', 'America/Los_Angeles', 'America/Los_Angeles'],
    ['Riley Chen', 'Miami, Florida, US', 'America/New_York', 'Asia/Shanghai'],
    ['Morgan Patel', 'Chicago, Illinois, US', 'America/Chicago', 'America/Chicago'],
  ];
  for (const [i, [name, shipTo, tz, clock]] of people.entries()) {
    const email = name.toLowerCase().replace(' ', '.');
    farm.push(await report({ serial: `FARM-${i}`, assignee: `${name} <${email}@example.com>`, shipTo, timeZone: tz, hostname: `LT-${email}` }, FARM_HOME, (key) => [
      anydesk,
      observation(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, ASTRILL_EXIT, 'anydesk'),
      observation(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, '482913771', 'anydesk', key),
      observation(ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, 'a0:40:a0:5b:12:9c', 'eth0', key),
      { heartbeat: { uptimeMs: 1000 } },
    ]).then((l) => ({ ...l, hello: { ...l.hello, timeZone: clock } })));
  }
  // A couple who both work here: one home, nothing else in common.
  for (const [i, name] of ['Sam Rivera', 'Alex Rivera'].entries()) {
    couple.push(await report({ serial: `HOME-${i}`, assignee: `${name} <${name.toLowerCase().replace(' ', '.')}@example.com>`, shipTo: 'San Jose, California, US', timeZone: 'America/Los_Angeles', hostname: `LT-couple-${i}` },
      COUPLE_HOME, () => [{ heartbeat: { uptimeMs: 1000 } }]));
  }
  // IT's helpdesk on TeamViewer (sanctioned by policy), connecting from the corporate egress.
  helpdesk = await report({ serial: 'HELP-0', assignee: 'Casey Nguyen <casey.nguyen@example.com>', shipTo: 'Cincinnati, Ohio, US', timeZone: 'America/New_York', hostname: 'LT-casey' },
    HELPDESK_HOME, () => [teamviewer, observation(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, '12.0.0.1', 'teamviewer'), { heartbeat: { uptimeMs: 1000 } }]);
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  webhook?.close();
  syslog?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

interface AlertItem { id: number; rule: string; severity: string; score: number; scope: string; deviceId: string; status: string }
interface AlertDetail extends AlertItem {
  members: string[];
  details: { explanation: { signal: string; weight: number; evidence: string[] }[]; edges?: { a: string; b: string; kind: string; value: string; firstMs: number; lastMs: number }[] };
}

describe('a laptop farm', () => {
  it('raises one farm alert with exactly the four laptops and the evidence of every link', async () => {
    const list = await api<{ items: AlertItem[] }>('analyst', 'GET', '/v1/alerts?rule=fleet.colocation&suppressed=true');
    const farmIds = farm.map((l) => l.deviceId).sort();
    const farmAlerts = [];
    for (const a of list.body.items) {
      const d = await api<AlertDetail>('analyst', 'GET', `/v1/alerts/${a.id}`);
      if (d.body.members.some((m) => farmIds.includes(m))) farmAlerts.push(d.body);
    }
    expect(farmAlerts).toHaveLength(1);
    const alert = farmAlerts[0] as AlertDetail;
    expect(alert.members).toEqual(farmIds);
    expect(alert.severity).toBe('critical');
    const kinds = new Set(alert.details.edges?.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['gateway_mac', 'public_ip', 'remote_peer_id', 'remote_peer_ip']);
    // Four laptops sharing a value: six pairs per kind, each with its value and time span.
    expect(alert.details.edges?.filter((e) => e.kind === 'public_ip')).toHaveLength(6);
    for (const e of alert.details.edges ?? []) {
      expect(farmIds).toContain(e.a);
      expect(farmIds).toContain(e.b);
      expect(e.firstMs).toBeGreaterThan(0);
      expect(e.lastMs).toBeGreaterThanOrEqual(e.firstMs);
    }
    expect(alert.details.edges?.find((e) => e.kind === 'remote_peer_ip')?.value).toBe(ASTRILL_EXIT);
    const vpn = alert.details.explanation.find((s) => s.signal === 'shared.remote_peer_ip.vpn_or_hosting');
    expect(vpn?.evidence.join()).toMatch(/142\.214\.202\.2: Astrill VPN \(AS7393 CYBERCON, INC\.\)/);
  });

  it('scores each farm laptop, signal by signal: Astrill peer first', async () => {
    for (const l of farm) {
      const d = await api<{ risk: { score: number; signals: { id: string; weight: number; title: string; evidence: string[] }[] } }>('analyst', 'GET', `/v1/devices/${l.deviceId}`);
      expect(d.body.risk.signals[0]).toMatchObject({ id: 'peer.vpn.priority', weight: 45, title: 'Remote-access peer on Astrill VPN' });
      expect(d.body.risk.signals.map((s) => s.id)).toContain('remote_access.early');
      expect(d.body.risk.score).toBe(Math.min(100, d.body.risk.signals.reduce((n, s) => n + s.weight, 0)));
    }
    // Shipped to Austin, online in Fairfield CA: far from where IT sent it.
    const austin = await api<{ risk: { signals: { id: string; evidence: string[] }[] } }>('analyst', 'GET', `/v1/devices/${farm[0]?.deviceId ?? ''}`);
    expect(austin.body.risk.signals.find((s) => s.id === 'location.far')?.evidence[0]).toMatch(/73\.162\.10\.1 \(Fairfield, California, US; AS7922 Comcast.*\) is \d+ km from ship-to Austin, Texas, US/);
  });

  it('shows the alert to analysts in the CLI with its score explained', async () => {
    const list = await api<{ items: AlertItem[] }>('analyst', 'GET', '/v1/alerts?rule=fleet.colocation');
    const id = list.body.items.find((a) => a.severity === 'critical')?.id ?? 0;
    const show = await run(COLLECTOR_CLI, ['alerts', 'show', String(id), '--db', db]);
    expect(show.stdout).toMatch(/Score 100, signal by signal:/);
    expect(show.stdout).toMatch(/\+ +40 {2}shared\.remote_peer_id/);
    expect(show.stdout).toContain(`device LT-avery.brooks (${farm[0]?.deviceId ?? ''}): Avery Brooks <avery.brooks@example.com>, serial FARM-0, shipped to Austin, Texas, US, public IP ${FARM_HOME}`);
    const device = await run(COLLECTOR_CLI, ['devices', 'show', 'FARM-0', '--db', db]);
    expect(device.stdout).toContain(`public IP ${FARM_HOME}: Fairfield, California, US, AS7922 Comcast Cable Communications, LLC`);
    const clusters = await run(COLLECTOR_CLI, ['clusters', 'list', '--json', '--db', db]);
    const cl = (JSON.parse(clusters.stdout) as { clusters: { members: string[]; farmCandidate: boolean }[] }).clusters;
    expect(cl.find((c) => c.members.length === 4)?.farmCandidate).toBe(true);
  });

  it('exports it: webhook (after a retry), syslog RFC 5424 over TCP, OCSF JSON lines', async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !webhookBodies.some((b) => b.rule === 'fleet.colocation' && b.devices.length === 4)) await new Promise((r) => setTimeout(r, 50));
    expect(webhookCalls).toBeGreaterThan(webhookBodies.length);
    expect(webhookBodies.find((b) => b.rule === 'fleet.colocation' && b.devices.length === 4)?.devices.map((d) => d.id).sort()).toEqual(farm.map((l) => l.deviceId).sort());
    expect(syslogFrames.some((f) => /^<8[2-6]>1 \S+ \S+ farmwatch-collector \d+ ALERT \[farmwatch@32473 alert="\d+" rule="fleet\.colocation" severity="critical"/.test(f))).toBe(true);
    const ocsf = readFileSync(join(work, 'alerts.ocsf.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { class_uid: number; finding_info: { types: string[] }; resources: unknown[] });
    expect(ocsf.find((o) => o.finding_info.types[0] === 'fleet.colocation' && o.resources.length === 4)).toMatchObject({ class_uid: 2004 });
  });
});

describe('innocent explanations', () => {
  it('a couple sharing a home IP and nothing else: at most a low-severity note', async () => {
    const ids = couple.map((l) => l.deviceId).sort();
    // The collector did link them (same home), and scored the link low.
    const clusters = await api<{ items: { members: string[]; score: number; severity: string; edges: { kind: string }[] }[] }>('analyst', 'GET', '/v1/clusters');
    const home = clusters.body.items.find((c) => c.members.includes(ids[0] ?? ''));
    expect(home).toMatchObject({ members: ids, score: 10, severity: 'info' });
    expect(home?.edges.map((e) => e.kind)).toEqual(['public_ip']);
    for (const l of couple) {
      const r = await api<{ items: AlertItem[] }>('analyst', 'GET', `/v1/alerts?device=${l.deviceId}&suppressed=true`);
      expect(r.body.items.map((a) => [a.rule, a.severity])).toEqual([['fleet.colocation', 'info']]);
    }
  });

  it('helpdesk TeamViewer that policy sanctions, from the corporate egress: nothing', async () => {
    const r = await api<{ items: AlertItem[]; total: number }>('analyst', 'GET', `/v1/alerts?device=${helpdesk.deviceId}&suppressed=true`);
    expect(r.body.items).toEqual([]);
    const d = await api<{ risk: { score: number }; findings: { key: string; sanctioned: boolean }[] }>('analyst', 'GET', `/v1/devices/${helpdesk.deviceId}`);
    expect(d.body.findings).toEqual([expect.objectContaining({ key: 'teamviewer', sanctioned: true })]);
    expect(d.body.risk.score).toBe(0);
  });

  it('a suppression keeps a known exception out of lists and exports until it is lifted', async () => {
    // A detector suppressed for the fleet: its findings are stored and shown, and left out of the laptop's case.
    const s = await api<{ id: number }>('analyst', 'POST', '/v1/suppressions', { rule: 'remote_access.process', reason: 'QA lab laptop runs AnyDesk', for: '7d' });
    expect(s.status).toBe(201);
    quiet = await report({ serial: 'QA-0', assignee: 'Quinn Lab <quinn.lab@example.com>', shipTo: 'Newark, New Jersey, US', timeZone: 'America/New_York', hostname: 'LT-qa' },
      '67.165.10.20', () => [anydesk]);
    expect((await api<{ items: AlertItem[] }>('analyst', 'GET', `/v1/alerts?device=${quiet.deviceId}&suppressed=true`)).body.items).toEqual([]);
    const d = await api<{ risk: { score: number }; findings: { key: string }[] }>('analyst', 'GET', `/v1/devices/${quiet.deviceId}`);
    expect(d.body.findings.map((f) => f.key)).toEqual(['anydesk']);
    expect(d.body.risk.score).toBe(0);
    // Lifted: the laptop's case opens with the finding.
    expect((await api('analyst', 'DELETE', `/v1/suppressions/${s.body.id}`)).status).toBe(200);
    const opened = await api<{ items: AlertItem[] }>('analyst', 'GET', `/v1/alerts?device=${quiet.deviceId}`);
    expect(opened.body.items).toEqual([expect.objectContaining({ rule: 'device.risk', status: 'open', score: 25 })]);
    // The laptop's case suppressed: recorded, marked, and out of the default list.
    const onCase = await api<{ id: number }>('analyst', 'POST', '/v1/suppressions', { rule: 'device.risk', device: quiet.deviceId, reason: 'QA lab laptop', for: '7d' });
    expect((await api<{ items: AlertItem[] }>('analyst', 'GET', `/v1/alerts?device=${quiet.deviceId}`)).body.items).toEqual([]);
    const all = await api<{ items: (AlertItem & { suppressedBy: number })[] }>('analyst', 'GET', `/v1/alerts?device=${quiet.deviceId}&suppressed=true`);
    expect(all.body.items).toEqual([expect.objectContaining({ rule: 'device.risk', suppressedBy: onCase.body.id })]);
  });
});

describe('the HTTP API', () => {
  it('streams alert changes as server-sent events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${collector.api}/v1/alerts/stream`, { headers: { authorization: `Bearer ${tokens.analyst ?? ''}` }, signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const l = await report({ serial: 'SSE-0', assignee: 'Sky Eden <sky.eden@example.com>', shipTo: 'Columbus, Ohio, US', timeZone: 'America/New_York', hostname: 'LT-sse' },
      '71.56.10.1', () => [{ ...anydesk, finding: { ...anydesk.finding, key: 'rustdesk', catalogEntry: 'rustdesk', title: 'RustDesk is running' } }]);
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes('RustDesk is running') && Date.now() < deadline) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += Buffer.from(chunk.value).toString();
    }
    ac.abort();
    const event = text.split('\n\n').find((e) => e.includes('RustDesk is running')) ?? '';
    expect(event).toMatch(/^id: \d+-\d+\nevent: alert\ndata: \{/);
    // The laptop's case, opened by its finding and carrying it.
    const data = JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { change: string; rule: string; devices: { id: string }[]; details: { findings: { key: string }[] } };
    expect(data).toMatchObject({ change: 'new', rule: 'device.risk', devices: [{ id: l.deviceId }], details: { findings: [{ key: 'rustdesk' }] } });
  });

  it('refuses a missing token, an unknown token and an analyst on an admin endpoint, saying why', async () => {
    const none = await fetch(`${collector.api}/v1/alerts`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/^no API token: send "Authorization: Bearer <token>"/);
    const unknown = await fetch(`${collector.api}/v1/alerts`, { headers: { authorization: `Bearer fwa_${'x'.repeat(32)}` } });
    expect(unknown.status).toBe(401);
    const analyst = await api<{ error: { message: string } }>('analyst', 'POST', `/v1/devices/${farm[0]?.deviceId ?? ''}/revoke`, { reason: 'test' });
    expect(analyst.status).toBe(403);
    expect(analyst.body.error.message).toBe('POST /v1/devices/:id/revoke needs the role admin; the token "test analyst" has the role analyst');
    const it = await api<{ error: { message: string } }>('it', 'GET', '/v1/alerts');
    expect(it.status).toBe(403);
  });

  it('lets IT register a laptop, rejects bad input with the field, and serves OpenAPI and metrics', async () => {
    const ok = await api<{ registration: { deviceId: string }; token: string }>('it', 'POST', '/v1/devices',
      { serial: 'API-0', assignee: 'Robin Park <robin.park@example.com>', shipTo: 'Denver, Colorado, US', timeZone: 'America/Denver' });
    expect(ok.status).toBe(201);
    expect(ok.body.token).toMatch(/^fwe_/);
    const bad = await api<{ error: { message: string } }>('it', 'POST', '/v1/devices', { serial: 'API-1', assignee: 'Robin', shipTo: 'Denver, Colorado, US', timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/assignee "Robin" should be "Name <email>"/);
    const dup = await api<{ error: { message: string } }>('it', 'POST', '/v1/devices', { serial: 'API-0', assignee: 'Robin Park <robin.park@example.com>', shipTo: 'Denver, Colorado, US', timeZone: 'America/Denver' });
    expect(dup.status).toBe(409);
    const openapi = await (await fetch(`${collector.api}/v1/openapi.json`)).json() as { openapi: string; paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(openapi.paths['/v1/devices/{id}/revoke']?.post?.['x-roles']).toEqual(['admin']);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/alerts', '/v1/alerts/{id}/ack', '/v1/clusters', '/v1/suppressions', '/metrics']));
    const metrics = await fetch(`${collector.api}/metrics`, { headers: { authorization: `Bearer ${tokens.admin ?? ''}` } });
    const text = await metrics.text();
    expect(Number(/^farmwatch_events_stored_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(10);
    expect(text).toMatch(/^farmwatch_enrollments_total\{call="enroll",result="ok"\} \d+$/m);
  });

  it('runs the alert lifecycle with notes and an audit trail', async () => {
    const list = await api<{ items: AlertItem[] }>('analyst', 'GET', '/v1/alerts?rule=fleet.colocation&severity=critical');
    const id = list.body.items[0]?.id ?? 0;
    expect((await api('analyst', 'POST', `/v1/alerts/${id}/ack`, { note: 'calling HR' })).status).toBe(200);
    const twice = await api<{ error: { message: string } }>('analyst', 'POST', `/v1/alerts/${id}/ack`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe(`alert ${id} is acknowledged; "ack" applies to open alerts`);
    const resolved = await run(COLLECTOR_CLI, ['alerts', 'resolve', String(id), '--note', 'devices recovered', '--db', db]);
    expect(resolved.stdout).toBe(`Alert ${id} is resolved.\n`);
    const d = await api<{ status: string; notes: { author: string; text: string }[] }>('analyst', 'GET', `/v1/alerts/${id}`);
    expect(d.body.status).toBe('resolved');
    expect(d.body.notes.map((n) => [n.author, n.text])).toEqual([['api:test analyst', 'calling HR'], [expect.stringMatching(/^cli:/) as unknown, 'devices recovered']]);
    const audit = await api<{ action: string; target: string }[]>('admin', 'GET', '/v1/audit?limit=50');
    expect(audit.body.filter((a) => a.target === `alert:${id}`).map((a) => a.action)).toEqual(['alert.resolve', 'alert.ack']);
  });
});
