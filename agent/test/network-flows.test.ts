// The network-flows detector: golden findings and remote peers from the captures, seen from the
// laptop's side of each connection; and its rules (policy, grouping, evidence bounds, which peers
// go to the collector).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packetsOf } from './packets-helpers.js';
import { builtinCatalog } from '@farmwatch/shared';
import { ObservationKind } from '@farmwatch/proto';
import { analyzeCaptureFile } from '../src/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../src/packets/classify/domains.js';
import type { FlowSummary } from '../src/packets/flows/flow-table.js';
import { detectNetworkFlows, remotePeerObservations } from '../src/detectors/network-flows.js';
import { inspectPacket, labelOf, newClassifierState } from '../src/packets/classify/classifier.js';
import { EMPTY_POLICY } from '../src/detectors/finding.js';

const dir = join(import.meta.dirname, 'fixtures', 'pcap');
const catalog = builtinCatalog();
const domains = new CatalogDomains(domainRulesFromCatalog(catalog));
interface GoldenEntry { capture: string; laptop: string[]; findings: unknown; peers: unknown }
const golden = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as GoldenEntry[];


async function flowsOf(file: string): Promise<FlowSummary[]> {
  return (await analyzeCaptureFile(join(dir, file), { domains })).flows;
}

describe('golden findings', () => {
  it.each(golden.map((g) => [`${g.capture} on laptop ${g.laptop[0]}`, g] as const))('%s', async (_name, g) => {
    const flows = await flowsOf(g.capture);
    const ctx = { localAddresses: g.laptop };
    expect(JSON.parse(JSON.stringify(detectNetworkFlows(flows, catalog, EMPTY_POLICY, ctx)))).toEqual(g.findings);
    expect(JSON.parse(JSON.stringify(remotePeerObservations(flows, ctx)))).toEqual(g.peers);
  });

  it('names tunnels and sessions the way the issue asks', () => {
    const titles = golden.flatMap((g) => (g.findings as { title: string }[]).map((f) => f.title));
    expect(titles).toContain('OpenVPN tunnel to 203.0.113.7:1194');
    expect(titles).toContain('inbound RDP from 198.51.100.9');
    expect(titles).toContain('WireGuard tunnel to [2001:db8:7::7]:51820');
  });

  it('makes no finding of ordinary traffic', async () => {
    for (const file of ['web-http.pcapng', 'quic.pcap']) {
      const flows = await flowsOf(file);
      expect(detectNetworkFlows(flows, catalog, EMPTY_POLICY, { localAddresses: ['198.51.100.9'] })).toEqual([]);
      expect(remotePeerObservations(flows, { localAddresses: ['198.51.100.9'] })).toEqual([]);
    }
  });
});

describe('rules', () => {
  it('an inbound remote desktop is high severity; the same session opened by the laptop is low', async () => {
    const flows = await flowsOf('vnc.pcap');
    const inbound = detectNetworkFlows(flows, catalog, EMPTY_POLICY, { localAddresses: ['203.0.113.7'] });
    const outbound = detectNetworkFlows(flows, catalog, EMPTY_POLICY, { localAddresses: ['198.51.100.9'] });
    expect(inbound.map((f) => [f.title, f.severity])).toEqual([['inbound VNC from 198.51.100.9', 'high']]);
    expect(outbound.map((f) => [f.title, f.severity])).toEqual([['outbound VNC to 203.0.113.7:5900', 'low']]);
  });

  it('outbound SSH is no finding (developers use it all day); inbound SSH is', async () => {
    const flows = await flowsOf('ssh.pcap');
    expect(detectNetworkFlows(flows, catalog, EMPTY_POLICY, { localAddresses: ['198.51.100.9'] })).toEqual([]);
    expect(detectNetworkFlows(flows, catalog, EMPTY_POLICY, { localAddresses: ['203.0.113.7'] })[0]?.title).toBe('inbound SSH from 198.51.100.9');
  });

  it('lowers the company\'s own tool to information', async () => {
    const flows = await flowsOf('tls-sni.pcap');
    const findings = detectNetworkFlows(flows, catalog, { sanctionedTools: ['teamviewer'] });
    const tv = findings.find((f) => f.catalogEntry === 'teamviewer');
    expect(tv).toMatchObject({ sanctioned: true, severity: 'info', title: 'TeamViewer session through 203.0.113.7:443 (sanctioned by policy)' });
    expect(findings.find((f) => f.catalogEntry === 'anydesk')).toMatchObject({ sanctioned: false, severity: 'medium' });
  });

  it('one finding for many flows to the same tunnel end, with bounded evidence', async () => {
    const [flow] = await flowsOf('openvpn-udp.pcap');
    if (!flow) throw new Error('no flow');
    const many = Array.from({ length: 12 }, (_, i) => ({ ...flow, client: { ...flow.client, port: 40000 + i } }));
    const findings = detectNetworkFlows(many, catalog, EMPTY_POLICY);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.filter((e) => e.field === 'flow')).toHaveLength(3);
    expect(findings[0]?.evidence).toContainEqual({ field: 'flow.count', value: '12' });
  });

  it('a flow to an address the catalog lists for a tool is a finding, whatever its protocol', async () => {
    // The HTTP download of the web capture, as if its server were Ammyy Admin's address in LOLRMM.
    const [flow] = await flowsOf('web-http.pcapng');
    const body = packetsOf('web-http.pcapng').find((p) => p.dstPort === 80 && p.payloadLength > 0);
    if (!flow || !body) throw new Error('no flow');
    const state = newClassifierState();
    inspectPacket(state, { proto: 6, dir: 'c2s', clientPort: body.srcPort, serverPort: 80, payload: body.payload, payloadLength: body.payloadLength, index: 0 }, { domains });
    const server = { ip: '136.243.104.235', port: 80 };
    const label = labelOf(state, { proto: 6, serverPort: 80, serverIp: server.ip }, { domains });
    expect(label).toMatchObject({ protocol: 'http', kind: 'other', catalog: { entryId: 'ammyy-admin', via: 'ip', value: server.ip } });
    const moved = { ...flow, server, label };
    const [finding] = detectNetworkFlows([moved], catalog, EMPTY_POLICY);
    expect(finding).toMatchObject({ key: 'ammyy-admin:136.243.104.235', category: 'remote_access', catalogEntry: 'ammyy-admin', severity: 'low' });
    expect(finding?.title).toBe('connection to 136.243.104.235:80, an address of Ammyy Admin');
    expect(remotePeerObservations([moved])).toEqual([{ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '136.243.104.235', via: 'ammyy-admin' }]);
  });

  it('sends public peers only: private, loopback and CGNAT (Tailscale) addresses have nothing to enrich', async () => {
    const [flow] = await flowsOf('wireguard-ipv6.pcap');
    if (!flow) throw new Error('no flow');
    const at = (ip: string): FlowSummary => ({ ...flow, server: { ...flow.server, ip } });
    const peers = remotePeerObservations([at('10.1.2.3'), at('100.100.1.1'), at('fe80::1'), at('127.0.0.1'), at('8.8.8.8'), at('2606:4700::1111')]);
    expect(peers).toEqual([
      { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '2606:4700::1111', via: 'wireguard' },
      { kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: '8.8.8.8', via: 'wireguard' },
    ]);
  });
});
