// Alert exports: RFC 5424 and CEF lines whose structure an alert title cannot break, an OCSF
// Detection Finding, and syslog over TLS to a receiver that checks the collector's CA.
import { createServer as createTlsServer } from 'node:tls';
import { createSocket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@farmwatch/shared';
import { cef, ocsfFinding, rfc5424 } from '../src/index.js';
import { SyslogExporter } from '../src/export/syslog.js';
import type { AlertDocument } from '../src/export/document.js';

const doc: AlertDocument = {
  id: 7, change: 'new', rule: 'fleet.colocation', key: 'cluster:dev_a', scope: 'cluster', severity: 'critical', status: 'open', score: 100,
  title: 'Farm | "4 laptops" = one house\nsecond line]', firstSeenMs: 1795800000000, lastSeenMs: 1795800060000, occurrences: 1,
  devices: [{ id: 'dev_a', hostname: 'LT-a', serial: 'S1', assignee: 'A <a@x.com>', publicIp: '73.162.10.1' }, { id: 'dev_b', hostname: 'LT-b', serial: 'S2', assignee: 'B <b@x.com>', publicIp: '73.162.10.1' }],
  details: { edges: [] },
};
const at = Date.UTC(2026, 10, 27, 12);

describe('syslog lines', () => {
  it('RFC 5424: priority from severity, structured data escaped, one line', () => {
    const line = rfc5424(doc, at);
    expect(line).toMatch(/^<82>1 2026-11-27T12:00:00\.000Z \S+ farmwatch-collector \d+ ALERT \[farmwatch@32473 alert="7" rule="fleet\.colocation" severity="critical" score="100" status="open" change="new" devices="dev_a,dev_b"\] Farm \| "4 laptops" = one house second line\]$/);
    expect(rfc5424({ ...doc, rule: 'x"]y' }, at)).toContain('rule="x\\"\\]y"');
  });

  it('CEF: pipes escaped in the header, equals signs and newlines in extensions', () => {
    const line = cef(doc, at);
    const body = line.slice(line.indexOf('CEF:'));
    expect(body.startsWith('CEF:0|farmwatch|farmwatch-collector|')).toBe(true);
    expect(body).toContain('|fleet.colocation|Farm \\| "4 laptops" = one house second line]|10|');
    expect(body).toContain('msg=Farm | "4 laptops" \\= one house\\nsecond line]');
    expect(body).toContain('cs2=dev_a LT-a A <a@x.com>; dev_b LT-b B <b@x.com>');
    expect(body).toContain('src=73.162.10.1');
  });

  it('OCSF: a Detection Finding with severity, status and the laptops as resources', () => {
    expect(ocsfFinding(doc, at)).toMatchObject({
      class_uid: 2004, category_uid: 2, activity_id: 1, type_uid: 200401, severity_id: 5, status_id: 1, risk_score: 100, time: at,
      finding_info: { uid: '7', types: ['fleet.colocation'] }, resources: [{ uid: 'dev_a', name: 'LT-a' }, { uid: 'dev_b' }],
    });
  });
});

describe('syslog transports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-syslog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = createLogger('test', 'silent');

  it('sends octet-counted frames over TLS to a receiver whose certificate the collector CA signed', async () => {
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'make-certs.mjs'), '--dir', dir, '--quiet']);
    const frames: string[] = [];
    const server = createTlsServer({ cert: readFileSync(join(dir, 'server.pem')), key: readFileSync(join(dir, 'server-key.pem')) }, (s) => {
      s.on('data', (d: Buffer) => frames.push(d.toString()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const results: string[] = [];
    const ex = new SyslogExporter({ url: `tls://127.0.0.1:${port}`, format: 'cef', ca: readFileSync(join(dir, 'ca.pem')) }, log, (r) => results.push(r));
    ex.send(doc);
    ex.send({ ...doc, id: 8 });
    for (let i = 0; i < 100 && frames.join('').split('CEF:0').length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    ex.close();
    server.close();
    // RFC 5425 framing: "LENGTH SP MESSAGE", LENGTH in octets.
    let rest = Buffer.from(frames.join(''));
    const messages: string[] = [];
    while (rest.length > 0) {
      const space = rest.indexOf(0x20);
      const n = Number(rest.subarray(0, space).toString());
      messages.push(rest.subarray(space + 1, space + 1 + n).toString());
      rest = rest.subarray(space + 1 + n);
    }
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m).toMatch(/^<82>1 \S+ \S+ farmwatch-collector \d+ CEF - CEF:0\|farmwatch\|.*\|10\|rt=\d+ externalId=\d /);
    expect(messages.map((m) => /externalId=(\d+)/.exec(m)?.[1])).toEqual(['7', '8']);
    expect(results).toEqual(['delivered', 'delivered']);
  });

  it('sends one datagram per alert over UDP', async () => {
    const sock = createSocket('udp4');
    const got: string[] = [];
    sock.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const ex = new SyslogExporter({ url: `udp://127.0.0.1:${sock.address().port}`, format: '5424' }, log, () => undefined);
    ex.send(doc);
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    ex.close();
    sock.close();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^<82>1 .* ALERT \[farmwatch@32473 alert="7"/);
  });

  it('refuses a URL it cannot send to', () => {
    expect(() => new SyslogExporter({ url: 'http://siem:514', format: '5424' }, log, () => undefined)).toThrow('syslog URL http://siem:514: use udp://, tcp:// or tls://');
  });
});
