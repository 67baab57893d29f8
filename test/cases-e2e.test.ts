// The analyst's unit is the case, end to end: a real collector process (webhook and OCSF exports
// on), one laptop enrolled with its own certificate and streaming over mutual TLS on one stream,
// as an agent does. The laptop runs AnyDesk and RustDesk and has the Astrill client: one row in
// the queue (API and CLI), not one per finding, scored with the Astrill client counted; findings
// that arrive later go into that same case; a resolved case reopens on a new finding, one closed
// as a false positive only on evidence it never carried; the exports carry the case with its findings.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Category, Severity, type Event } from '@farmwatch/proto';
import { COLLECTOR_CLI, run, startCollector, type RunningCollector } from './helpers/processes.js';
import { makePki, type Pki } from './helpers/pki.js';
import { RawIngestClient } from './helpers/raw-client.js';
import { enrollLaptop, type EnrolledLaptop } from './helpers/enroll.js';

const HOME = '71.56.10.1'; // Comcast, near Cincinnati OH: where the laptop was shipped

interface Doc { id: number; change: string; rule: string; score: number; severity: string; status: string; details: { findings: { key: string }[]; explanation: { signal: string; weight: number }[] } }
interface Item { id: number; rule: string; key: string; severity: string; score: number; status: string; occurrences: number; deviceId: string }
interface Detail extends Item {
  details: { explanation: { signal: string; weight: number; title: string }[]; findings: { detector: string; key: string; title: string; severity: string; firstSeenMs: number; lastSeenMs: number; clearedAtMs: number | null }[] };
  findings: { key: string; evidence: { field: string; value: string }[] }[];
}

let pki: Pki;
let work: string;
let db: string;
let collector: RunningCollector;
let hook: Server;
let laptop: EnrolledLaptop;
let stream: ReturnType<RawIngestClient['open']>;
let client: RawIngestClient;
let sequence = 0;
let token = '';
const exported: Doc[] = [];

type Body = Omit<Event, 'sequence' | 'observedAtMs'>;
const finding = (detector: string, key: string, category: Category, severity: Severity, title: string, catalogEntry: string, evidence: { field: string; value: string }[]): Body =>
  ({ finding: { detector, key, category, severity, confidence: 85, title, catalogEntry, firstSeenMs: Date.now(), evidence } });
const role = (tool: string) => ({ field: 'remote_access.role', value: 'both', catalogEntry: tool, matched: `${tool}.exe: both` });
const anydesk = finding('remote_access.process', 'anydesk', Category.CATEGORY_REMOTE_ACCESS, Severity.SEVERITY_MEDIUM, 'AnyDesk is running', 'anydesk',
  [{ field: 'process.name', value: 'AnyDesk.exe' }, role('anydesk')]);
const rustdesk = finding('remote_access.process', 'rustdesk', Category.CATEGORY_REMOTE_ACCESS, Severity.SEVERITY_MEDIUM, 'RustDesk is running', 'rustdesk',
  [{ field: 'process.name', value: 'rustdesk.exe' }, role('rustdesk')]);
const vendors = finding('remote_access.multiple_vendors', 'active', Category.CATEGORY_REMOTE_ACCESS, Severity.SEVERITY_MEDIUM,
  '2 remote-access tools are active at once: anydesk, rustdesk', '', [{ field: 'remote_access.tool', value: 'anydesk' }, { field: 'remote_access.tool', value: 'rustdesk' }]);
// The Astrill client as the agent's VPN detector reports it: critical, the catalog's priority VPN.
const astrill = finding('vpn.client', 'astrill', Category.CATEGORY_VPN, Severity.SEVERITY_CRITICAL, 'Astrill VPN is running', 'astrill',
  [{ field: 'process.name', value: 'astrill.exe' }, { field: 'route.destination', value: '198.18.0.0/15 via Astrill' }]);
const session = finding('remote_access.session', 'anydesk:incoming', Category.CATEGORY_REMOTE_ACCESS, Severity.SEVERITY_HIGH,
  'Incoming AnyDesk session, unattended (password)', 'anydesk', [{ field: 'session.peer_id', value: '482913771' }, role('anydesk')]);
const jiggler = finding('mouse_jiggler.usb', '1-2', Category.CATEGORY_MOUSE_JIGGLER, Severity.SEVERITY_MEDIUM, 'Mouse Jiggler is plugged in', 'amazon-generic-jiggler',
  [{ field: 'usb.id', value: '0e90:0028' }]);
const pikvm = finding('kvm.usb_identity', '1-3', Category.CATEGORY_KVM, Severity.SEVERITY_HIGH, 'PiKVM is attached', 'pikvm',
  [{ field: 'usb.id', value: '1d6b:0104' }, { field: 'usb.product', value: 'PiKVM Composite Device' }]);

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${collector.api}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** One batch on the laptop's open stream; returns when the collector acknowledged it (stored and scored). */
async function send(...bodies: Body[]): Promise<void> {
  const events = bodies.map((b) => ({ ...b, sequence: ++sequence, observedAtMs: Date.now() }) as Event);
  stream.call.write({ batch: { events } });
  const deadline = Date.now() + 10_000;
  while (!stream.result.received.some((m) => m.ack?.sequence === sequence) && !stream.result.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(stream.result.error).toBeUndefined();
  expect(stream.result.received.some((m) => m.ack?.sequence === sequence)).toBe(true);
}

/** The export of a change of the case, once the webhook has it. */
async function exportOf(id: number, change: string): Promise<Doc> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const doc = exported.find((d) => d.id === id && d.change === change);
    if (doc) return doc;
    if (Date.now() > deadline) throw new Error(`no "${change}" export of case ${id}: got ${JSON.stringify(exported.map((d) => [d.id, d.change]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const theCase = async (): Promise<Detail> => {
  const list = await api<{ items: Item[]; total: number }>('GET', `/v1/alerts?device=${laptop.deviceId}&suppressed=true`);
  expect(list.body.total).toBe(1);
  return (await api<Detail>('GET', `/v1/alerts/${list.body.items[0]?.id ?? 0}`)).body;
};

beforeAll(async () => {
  pki = makePki();
  work = mkdtempSync(join(tmpdir(), 'farmwatch-cases-'));
  db = join(work, 'collector.db');
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      exported.push(JSON.parse(text) as Doc);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  collector = await startCollector(db, pki.dir, ['--trusted-proxy', '127.0.0.1/32', '--proxy-protocol', 'optional', '--webhook', `http://127.0.0.1:${(hook.address() as { port: number }).port}/cases`,
    '--ocsf', join(work, 'cases.ocsf.jsonl')]);
  token = (JSON.parse((await run(COLLECTOR_CLI, ['api-tokens', 'create', '--name', 'soc', '--role', 'analyst', '--json', '--db', db])).stdout) as { token: string }).token;
  laptop = await enrollLaptop(collector.address, db, pki.ca, {
    serial: 'CASE-1', assignee: 'Avery Brooks <avery.brooks@example.com>', shipTo: 'Cincinnati, Ohio, US', timeZone: 'America/New_York', hostname: 'LT-avery',
  });
  client = new RawIngestClient(collector.address, laptop, { forwardedFor: HOME });
  stream = client.open();
  stream.call.write({ hello: { ...laptop.hello, clockMs: Date.now() } });
  while (!stream.result.received.some((m) => m.helloAck) && !stream.result.error) await new Promise((r) => setTimeout(r, 10));
}, 60_000);

afterAll(async () => {
  stream?.call.end();
  client?.close();
  await collector?.stop();
  hook?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('one case per laptop', () => {
  it('a laptop with AnyDesk, RustDesk and the Astrill client is one row in the queue, and its score counts the Astrill client', async () => {
    await send(anydesk, rustdesk, vendors, astrill, { heartbeat: { uptimeMs: 1000 } });
    const queue = await api<{ items: Item[]; total: number }>('GET', '/v1/alerts');
    expect(queue.body.total).toBe(1);
    expect(queue.body.items).toEqual([expect.objectContaining({ rule: 'device.risk', key: 'risk', deviceId: laptop.deviceId, status: 'open', occurrences: 1 })]);
    const c = await theCase();
    // Remote access in its first days (25) and the scheme's VPN on the laptop (40, as an Astrill egress would).
    expect(c.details.explanation.map((s) => [s.signal, s.weight])).toEqual([['vpn.client.priority', 40], ['remote_access.early', 25]]);
    expect(c.details.explanation[0]?.title).toBe('Astrill VPN on the laptop');
    expect(c).toMatchObject({ score: 65, severity: 'high' });
    // Its findings are its evidence, each with what the agent matched.
    expect(c.details.findings.map((f) => [f.detector, f.key, f.severity]).sort()).toEqual([
      ['remote_access.multiple_vendors', 'active', 'medium'], ['remote_access.process', 'anydesk', 'medium'], ['remote_access.process', 'rustdesk', 'medium'],
      ['vpn.client', 'astrill', 'critical']]);
    expect(c.details.findings.every((f) => f.firstSeenMs > 0 && f.lastSeenMs >= f.firstSeenMs && f.clearedAtMs === null)).toBe(true);
    expect(c.findings.find((f) => f.key === 'astrill')?.evidence).toContainEqual({ field: 'process.name', value: 'astrill.exe' });
    // The CLI's queue: one row for the laptop too.
    const cli = await run(COLLECTOR_CLI, ['alerts', 'list', '--device', 'CASE-1', '--db', db]);
    expect(cli.stdout.trim().split('\n').slice(2)).toEqual([expect.stringMatching(/^\d+\s+high\s+65\s+open\s+LT-avery\s+Risk 65: Astrill VPN on the laptop; /)]);
    const show = await run(COLLECTOR_CLI, ['alerts', 'show', String(c.id), '--db', db]);
    expect(show.stdout).toMatch(/^Findings \(4\), the case's evidence:$/m);
    expect(show.stdout).toMatch(/^ {2}critical +vpn\.client \/ astrill: Astrill VPN is running \(seen /m);
  });

  it('exports the case with its findings: webhook and OCSF', async () => {
    const c = await theCase();
    const doc = await exportOf(c.id, 'new');
    expect(doc).toMatchObject({ rule: 'device.risk', score: 65, severity: 'high' });
    expect(doc.details.findings.map((f) => f.key).sort()).toEqual(['active', 'anydesk', 'astrill', 'rustdesk']);
    // No export of a finding of its own.
    expect(exported.every((d) => d.rule === 'device.risk' && d.id === c.id)).toBe(true);
    const ocsf = readFileSync(join(work, 'cases.ocsf.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { finding_info: { uid: string; types: string[] }; risk_score: number; unmapped: { details: Doc['details'] } });
    expect(ocsf[0]).toMatchObject({ finding_info: { uid: String(c.id), types: ['device.risk'] }, risk_score: 65 });
    expect(ocsf[0]?.unmapped.details.findings).toHaveLength(4);
  });

  it('a finding that arrives later goes into the same case', async () => {
    const before = await theCase();
    await send(session);
    const after = await theCase();
    expect(after.id).toBe(before.id);
    expect(after.occurrences).toBe(2);
    expect(after.details.findings.map((f) => f.key)).toContain('anydesk:incoming');
    // Remote access counts once: the session is more evidence of it, not more score.
    expect(after.score).toBe(65);
    expect((await exportOf(before.id, 'grew')).details.findings).toHaveLength(5);
  });

  it('a resolved case reopens on a new finding', async () => {
    const c = await theCase();
    expect((await api('POST', `/v1/alerts/${c.id}/resolve`, { note: 'IT took the laptop back' })).status).toBe(200);
    await send({ heartbeat: { uptimeMs: 2000 } });
    expect((await theCase()).status).toBe('resolved');
    await send(jiggler);
    const reopened = await theCase();
    expect(reopened).toMatchObject({ id: c.id, status: 'open', occurrences: 3, score: 75, severity: 'critical' });
    expect(reopened.details.explanation.map((s) => s.signal)).toContain('mouse_jiggler.present');
    expect(await exportOf(c.id, 'reopened')).toMatchObject({ status: 'open', score: 75 });
  });

  it('a case closed as a false positive stays closed when a finding it had comes back, and reopens on one it never had', async () => {
    const c = await theCase();
    expect((await api('POST', `/v1/alerts/${c.id}/false-positive`, { note: 'lab laptop' })).status).toBe(200);
    await send({ findingCleared: { detector: 'mouse_jiggler.usb', key: '1-2' } });
    expect((await theCase()).details.findings.find((f) => f.key === '1-2')?.clearedAtMs).toBeGreaterThan(0);
    await send(jiggler);
    expect(await theCase()).toMatchObject({ status: 'false_positive', occurrences: 4 });
    await send(pikvm);
    expect(await theCase()).toMatchObject({ id: c.id, status: 'open', score: 100 });
  });
});
