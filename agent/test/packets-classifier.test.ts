// Classifier rules that the captures cannot show on their own: real payloads from the captures seen
// on other ports or transports, and protocols this machine cannot run (TeamViewer, RustDesk, RDP
// over UDP, Cisco's pre-standard DTLS, PPTP's GRE data channel), whose bytes are laid out field by
// field from the specification named next to each.
import { describe, expect, it } from 'vitest';
import { packetsOf } from './packets-helpers.js';
import { inspectPacket, labelOf, newClassifierState, type ClassifierState } from '../src/packets/classify/classifier.js';
import { CatalogDomains } from '../src/packets/classify/domains.js';
import type { Direction, FlowLabel } from '../src/packets/classify/types.js';

const ctx = { domains: new CatalogDomains([]) };


interface Step { dir: Direction; payload: Uint8Array; length?: number }

function classify(proto: number, serverPort: number, steps: Step[], clientPort = 50123): FlowLabel {
  const state: ClassifierState = newClassifierState();
  steps.forEach((s, index) => inspectPacket(state, { proto, dir: s.dir, clientPort, serverPort, payload: s.payload, payloadLength: s.length ?? s.payload.length, index }, ctx));
  return labelOf(state, { proto, serverPort, serverIp: '203.0.113.7' }, ctx);
}

const hex = (s: string): Uint8Array => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('real payloads in other places', () => {
  it('ESP on its own IP protocol: the ESP packets of the NAT-T capture without their UDP wrapper', () => {
    const esp = packetsOf('ipsec-ikev2-natt.pcap').filter((p) => p.srcPort === 4500 && p.payload.length > 8 && Buffer.from(p.payload).readUInt32BE(0) !== 0);
    expect(esp.length).toBeGreaterThan(0);
    const label = classify(50, 0, [{ dir: 'c2s', payload: esp[0]?.payload ?? new Uint8Array() }]);
    expect(label).toMatchObject({ protocol: 'ipsec_esp', kind: 'vpn' });
    expect(label.features[0]).toMatch(/^IP protocol 50 \(ESP\): SPI 0x[0-9a-f]{8}, sequence 1$/);
  });

  it('WireGuard on tailscaled\'s port 41641 is Tailscale', () => {
    const wg = packetsOf('wireguard-ipv6.pcap').filter((p) => p.proto === 17);
    const steps = wg.slice(0, 2).map((p, i): Step => ({ dir: i === 0 ? 'c2s' : 's2c', payload: p.payload }));
    expect(classify(17, 41641, steps)).toMatchObject({ protocol: 'tailscale', kind: 'vpn', confidence: 98 });
    expect(classify(17, 51820, steps)).toMatchObject({ protocol: 'wireguard', confidence: 98 });
  });

  it('an SSH banner on port 443 is SSH, and an OpenVPN reset on port 53 is OpenVPN: ports do not decide', () => {
    const ssh = packetsOf('ssh.pcap').filter((p) => p.payloadLength > 0).slice(0, 2);
    expect(classify(6, 443, ssh.map((p) => ({ dir: p.srcPort === 22 ? 's2c' : 'c2s', payload: p.payload })))).toMatchObject({ protocol: 'ssh' });
    const ovpn = packetsOf('openvpn-udp.pcap').filter((p) => p.proto === 17).slice(0, 2);
    expect(classify(17, 53, ovpn.map((p) => ({ dir: p.dstPort === 1194 ? 'c2s' : 's2c', payload: p.payload })))).toMatchObject({ protocol: 'openvpn', confidence: 98 });
  });

  it("OpenVPN from the client's first reset alone when its layout is OpenVPN's, not from a first byte alone", () => {
    const [reset] = packetsOf('openvpn-udp.pcap').filter((p) => p.dstPort === 1194);
    expect(classify(17, 1194, [{ dir: 'c2s', payload: reset?.payload ?? new Uint8Array() }])).toMatchObject({
      protocol: 'openvpn', confidence: 70, features: [expect.stringContaining('P_CONTROL_HARD_RESET_CLIENT_V2'), 'tls-auth: 20-byte HMAC, replay packet id 1, empty ACK array'],
    });
    // A packet of the random download whose first byte happens to read as a client reset.
    const lookalike = packetsOf('web-http.pcapng').find((p) => p.srcPort === 80 && p.payloadLength > 100 && [1, 7, 10].includes((p.payload[0] ?? 0) >> 3));
    expect(lookalike).toBeDefined();
    const label = classify(17, 40000, [{ dir: 'c2s', payload: lookalike?.payload ?? new Uint8Array() }]);
    expect(label.protocol).toBe('unknown');
    expect(label.features[1]).toMatch(/^weak: openvpn 45/);
  });

  it('a flow on a VPN port whose bytes match nothing stays unknown, with the port as a hint only', () => {
    const body = packetsOf('web-http.pcapng').find((p) => p.srcPort === 80 && p.payloadLength > 1000);
    const label = classify(17, 1194, [{ dir: 'c2s', payload: body?.payload ?? new Uint8Array() }]);
    expect(label).toMatchObject({ protocol: 'unknown', kind: 'unknown', confidence: 0, portHint: 'openvpn: UDP port 1194' });
  });
});

describe('protocols laid out from their specifications', () => {
  it('TeamViewer: messages starting 0x17 0x24 on port 5938 (nDPI teamviewer.c)', () => {
    const msg = hex('17 24 0a 20 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(classify(6, 5938, [{ dir: 'c2s', payload: msg }])).toMatchObject({ protocol: 'teamviewer', kind: 'remote_access', confidence: 90 });
    // Off its port it takes three such messages.
    expect(classify(6, 443, [{ dir: 'c2s', payload: msg }]).protocol).toBe('unknown');
    expect(classify(6, 443, [{ dir: 'c2s', payload: msg }, { dir: 's2c', payload: msg }, { dir: 'c2s', payload: msg }]).protocol).toBe('teamviewer');
  });

  it('RDP over UDP: SYN padded to 1232 bytes, then SYN+ACK (MS-RDPEUDP 2.2.2.1, 2.2.2.5)', () => {
    const syn = new Uint8Array(1232);
    syn.set(hex('ffffffff 0040 0001'));
    const synack = new Uint8Array(1232);
    synack.set(hex('12345678 0040 0005'));
    expect(classify(17, 3389, [{ dir: 'c2s', payload: syn }, { dir: 's2c', payload: synack }])).toMatchObject({ protocol: 'rdp', confidence: 97 });
    expect(classify(17, 3389, [{ dir: 'c2s', payload: syn.subarray(0, 600) }]).protocol).toBe('unknown');
  });

  it('RustDesk: a BytesCodec frame to its rendezvous port (rustdesk hbb_common bytes_codec.rs)', () => {
    // Body of 20 bytes: one-byte header (20 << 2 | 0).
    const frame = new Uint8Array(21);
    frame[0] = 20 << 2;
    expect(classify(6, 21116, [{ dir: 'c2s', payload: frame }])).toMatchObject({ protocol: 'rustdesk', kind: 'remote_access' });
    expect(classify(6, 21116, [{ dir: 'c2s', payload: frame.subarray(0, 15) }]).protocol).toBe('unknown');
  });

  it('Cisco AnyConnect: DTLS records with version 0x0100 (OpenSSL DTLS1_BAD_VER)', () => {
    const record = hex('17 0100 0001 000000000001 0010' + '00'.repeat(16));
    expect(classify(17, 443, [{ dir: 'c2s', payload: record }])).toMatchObject({ protocol: 'anyconnect', kind: 'vpn', confidence: 90 });
  });

  it('PPTP data channel: enhanced GRE version 1 carrying PPP (RFC 2637 §4.1)', () => {
    const gre = hex('3001 880b 0010 0001 00000001' + 'ff03c021'.padEnd(32, '0'));
    expect(classify(47, 0, [{ dir: 'c2s', payload: gre }])).toMatchObject({ protocol: 'gre', kind: 'vpn', confidence: 95 });
  });

  it('Tailscale discovery messages by their magic (tailscale disco/disco.go)', () => {
    const disco = Buffer.concat([Buffer.from('TS💬'), new Uint8Array(40)]);
    expect(classify(17, 40000, [{ dir: 'c2s', payload: disco }])).toMatchObject({ protocol: 'tailscale', confidence: 95 });
  });
});
