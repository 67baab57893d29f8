// Golden tests for the packet classifier on captures made with real software (see
// fixtures/pcap/README.md): every capture's labelled flows equal the reviewed golden file, every
// VPN and remote-desktop flow is labelled as nDPI labels it (or better, for the reason written
// below), and no ordinary flow is called a VPN or remote access.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { analyzeCaptureFile, type AnalyzeResult } from '../src/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../src/packets/classify/domains.js';
import type { ProtocolId } from '../src/packets/classify/types.js';

const dir = join(import.meta.dirname, 'fixtures', 'pcap');
const captures = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));

async function analyze(file: string): Promise<AnalyzeResult> {
  return analyzeCaptureFile(join(dir, file), { domains });
}

function asGolden(r: AnalyzeResult): unknown {
  const { error, ...rest } = r;
  return JSON.parse(JSON.stringify({ ...rest, ...(error ? { error: error.message } : {}) }));
}

describe('golden flows', () => {
  it('has the captures the README lists', () => {
    expect(captures.length).toBeGreaterThanOrEqual(15);
  });
  it.each(captures)('%s gives its reviewed labelled flows', async (file) => {
    const golden: unknown = JSON.parse(readFileSync(join(dir, `${file}.flows.json`), 'utf8'));
    expect(asGolden(await analyze(file))).toEqual(golden);
  });
});

// nDPI's names for our protocols (nDPI src/lib/ndpi_main.c), as in scripts/compare-ndpi.mjs.
const NDPI: Record<ProtocolId, string> = {
  openvpn: 'OpenVPN', wireguard: 'WireGuard', ike: 'IPsec', ipsec_esp: 'IPsec', l2tp: 'L2TP', pptp: 'PPTP', gre: 'GRE',
  anyconnect: 'CiscoVPN', tailscale: 'Tailscale', rdp: 'RDP', vnc: 'VNC', teamviewer: 'TeamViewer', anydesk: 'AnyDesk',
  rustdesk: 'RustDesk', xpra: 'Xpra', spice: 'SPICE', nx: 'NX', nomachine: 'NoMachine', radmin: 'Radmin', ssh: 'SSH', tls: 'TLS', dtls: 'DTLS', dns: 'DNS', quic: 'QUIC', http: 'HTTP', unknown: 'Unknown',
};

interface NdpiFlow { transport: string; a: string; b: string; master: string; app: string | null; confidence: string; category: string | null }
const ndpi = JSON.parse(readFileSync(join(dir, 'ndpi-labels.json'), 'utf8')) as { ndpi: string; files: Record<string, NdpiFlow[]> };

// Where farmwatch and nDPI 4.2 differ on a VPN or remote-access flow, and why ours is right.
const BETTER_THAN_NDPI: Record<string, string> = {
  'openvpn-tcp443.pcap tcp OpenVPN':
    'nDPI says TLS from port 443 alone ("Match by port"); the packets are OpenVPN: a 2-byte length prefix, ' +
    'P_CONTROL_HARD_RESET_CLIENT_V2 and a server reset acknowledging the client\'s session id',
  'l2tp.pcap udp L2TP': 'nDPI 4.2 has no L2TP dissector and says Unknown; the datagrams are L2TPv2 control messages (SCCRQ...)',
  'anyconnect.pcap udp DTLS':
    'same protocol (DTLS); farmwatch also calls it a VPN tunnel because DTLS to UDP 443 is how SSL VPNs carry traffic (the capture is openconnect to ocserv)',
  'spice.pcap tcp SPICE':
    'nDPI 4.2 has no SPICE dissector and calls these flows VNC from port 5900 alone ("Match by port"); each opens with a SPICE ' +
    'link message "REDQ" version 2.2 naming its channel, answered by a "REDQ" link reply (QEMU to spicy)',
  'xpra.pcap tcp Xpra': "nDPI 4.2 has no xpra dissector (Unknown); the client's hello has xpra's 8-byte 'P' header and a zlib stream",
  'nx.pcap tcp NX': 'nDPI 4.2 does not know the nx-libs NX link (Unknown); both proxies open it with their "NXPROXY-3.5.0-3.5.99" greeting',
  'tls-relays.pcap tcp TLS':
    'same protocol (TLS); nDPI 4.2 names the application GoogleServices from the googleapis.com suffix, farmwatch the catalog\'s ' +
    'Chrome Remote Desktop entry, whose API host remotedesktop-pa.googleapis.com this is',
  'vnc.pcap tcp Unknown':
    'nDPI labels a flow with no payload VNC from port 5900 alone ("Match by port"); farmwatch does not label without packet evidence (it gives the port as a hint)',
};

const key = (t: string, x: string, y: string): string => `${t} ${[x, y].sort().join(' ')}`;
const end = (e: { ip: string; port: number }): string => `${e.ip}:${e.port}`;

describe(`agreement with nDPI ${ndpi.ndpi}`, () => {
  const interesting = (category: string | null, kind: string): boolean =>
    category === 'VPN' || category === 'RemoteAccess' || kind === 'vpn' || kind === 'remote_access' || kind === 'remote_shell';

  it.each(Object.keys(ndpi.files))('%s: VPN and remote-access flows labelled as nDPI does, or better for a written reason', async (file) => {
    const ours = await analyze(file);
    const byKey = new Map(ours.flows.map((f) => [key(f.transport, end(f.client), end(f.server)), f]));
    const disagreements: string[] = [];
    for (const n of ndpi.files[file] ?? []) {
      const f = byKey.get(key(n.transport, n.a, n.b));
      if (!f) {
        if (!/^ICMP/.test(n.master)) disagreements.push(`${n.transport} ${n.a} <-> ${n.b}: nDPI ${n.master}, no such flow here`);
        continue;
      }
      if (!interesting(n.category, f.label.kind)) continue;
      const same = NDPI[f.label.protocol] === n.master && (!n.app || f.label.catalog?.entryId === n.app.toLowerCase());
      if (same && f.label.kind !== 'vpn' === (n.category !== 'VPN')) continue;
      const reason = BETTER_THAN_NDPI[`${file} ${f.transport} ${NDPI[f.label.protocol]}`];
      if (!reason) disagreements.push(`${n.transport} ${n.a} <-> ${n.b}: nDPI ${n.master}${n.app ? `.${n.app}` : ''} (${n.confidence}), farmwatch ${f.label.protocol} ${f.label.kind}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('every VPN and remote-desktop capture has its tunnel or session labelled', async () => {
    const expected: Record<string, ProtocolId> = {
      'openvpn-udp.pcap': 'openvpn', 'openvpn-udp-nanosecond.pcap': 'openvpn', 'openvpn-udp-tlscrypt.pcap': 'openvpn', 'openvpn-tcp443.pcap': 'openvpn', 'wireguard-ipv6.pcap': 'wireguard',
      'ipsec-ikev2-natt.pcap': 'ike', 'l2tp.pcap': 'l2tp', 'pptp.pcap': 'pptp', 'anyconnect.pcap': 'dtls', 'rdp.pcap': 'rdp', 'vnc.pcap': 'vnc', 'ssh.pcap': 'ssh',
      'xpra.pcap': 'xpra', 'spice.pcap': 'spice', 'nx.pcap': 'nx',
    };
    for (const [file, protocol] of Object.entries(expected)) {
      const flows = (await analyze(file)).flows.filter((f) => f.label.protocol === protocol);
      expect(flows.length, file).toBeGreaterThan(0);
      expect(Math.min(...flows.map((f) => f.label.confidence)), file).toBeGreaterThanOrEqual(70);
    }
  });
});

describe('ordinary traffic', () => {
  it.each(['web-http.pcapng', 'quic.pcap', 'dns.pcap', 'dns-sll2.pcap', 'tls-chromium.pcap'])('%s: nothing is called a VPN or remote access', async (file) => {
    const r = await analyze(file);
    expect(r.flows.length).toBeGreaterThan(0);
    for (const f of r.flows) {
      expect(['vpn', 'remote_access', 'remote_shell']).not.toContain(f.label.kind);
      expect(f.label.protocol).not.toBe('unknown');
    }
  });

  it('a TLS session to an ordinary site stays TLS; the same handshake to a remote-access relay name is that tool', async () => {
    const r = await analyze('tls-sni.pcap');
    const bySni = new Map(r.flows.map((f) => [f.label.features.find((x) => x.startsWith('server name'))?.slice(12), f.label]));
    expect(bySni.get('www.example.org')).toMatchObject({ protocol: 'tls', kind: 'other' });
    expect(bySni.get('www.example.org')?.catalog).toBeUndefined();
    expect(bySni.get('relay-0a1b2c3d.net.anydesk.com')).toMatchObject({ kind: 'remote_access', catalog: { entryId: 'anydesk', via: 'tls.sni' } });
    expect(bySni.get('router15.teamviewer.com')).toMatchObject({ kind: 'remote_access', catalog: { entryId: 'teamviewer' } });
  });

  it('remote-support relays are known by the names their clients send: Splashtop, ScreenConnect, Chrome Remote Desktop, Parsec', async () => {
    const r = await analyze('tls-relays.pcap');
    const bySni = new Map(r.flows.map((f) => [f.label.features.find((x) => x.startsWith('server name'))?.slice(12), f.label]));
    expect(bySni.size).toBe(4);
    expect(bySni.get('st-relay-1.relay.splashtop.com')).toMatchObject({ protocol: 'tls', kind: 'remote_access', catalog: { entryId: 'splashtop-remote', pattern: '*.relay.splashtop.com' } });
    expect(bySni.get('instance-0a1b2c-relay.screenconnect.com')).toMatchObject({ kind: 'remote_access', catalog: { entryId: 'screenconnect', via: 'tls.sni' } });
    expect(bySni.get('remotedesktop-pa.googleapis.com')).toMatchObject({ kind: 'remote_access', catalog: { entryId: 'chrome-remote-desktop' } });
    expect(bySni.get('kessel-ws.parsec.app')).toMatchObject({ kind: 'remote_access', catalog: { entryId: 'parsec' } });
  });

  it("reads the server name from Chromium's encrypted QUIC Initial packets", async () => {
    const [flow] = (await analyze('quic.pcap')).flows;
    expect(flow?.label).toMatchObject({ protocol: 'quic', kind: 'other' });
    expect(flow?.label.features).toEqual(expect.arrayContaining(['server name www.example.org', 'ALPN h3']));
  });

  it("finds the server name in Chromium's ClientHello, which spans two TCP segments", async () => {
    const r = await analyze('tls-chromium.pcap');
    for (const f of r.flows) {
      expect(f.label.features[0]).toMatch(/^TLS ClientHello \(record version 3\.1, \d+ bytes over 2 segments\)$/);
      expect(f.label.features).toContain('server name www.example.org');
    }
  });
});
