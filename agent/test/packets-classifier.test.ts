// Classifier rules that the captures cannot show on their own: real payloads from the captures seen
// on other ports or transports, and protocols this machine cannot run (TeamViewer, RustDesk, RDP
// over UDP, Cisco's pre-standard DTLS, PPTP's GRE data channel, Radmin, NoMachine), whose bytes are
// laid out field by field from the specification named next to each.
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

describe('remote displays recorded here, seen elsewhere', () => {
  const firstPayloads = (file: string, serverPort: number, n: number): Step[] =>
    packetsOf(file).filter((p) => p.payloadLength > 0).slice(0, n).map((p) => ({ dir: p.dstPort === serverPort ? 'c2s' : 's2c', payload: p.payload, length: p.payloadLength }));

  it('SPICE on port 5900 is SPICE, not VNC, and on any other port too: the link header decides', () => {
    const steps = firstPayloads('spice.pcap', 5900, 2);
    expect(steps.map((s) => s.dir)).toEqual(['c2s', 's2c']);
    expect(classify(6, 5900, steps)).toMatchObject({ protocol: 'spice', kind: 'remote_access', confidence: 98 });
    expect(classify(6, 443, steps)).toMatchObject({ protocol: 'spice', confidence: 98 });
    // The client's link message alone is a label; a "REDQ" whose size field is shorter than what
    // follows it is not.
    expect(classify(6, 5930, steps.slice(0, 1))).toMatchObject({ protocol: 'spice', confidence: 85 });
    const bad = Uint8Array.from(steps[0]?.payload ?? []);
    bad[12] = 4;
    expect(classify(6, 5930, [{ dir: 'c2s', payload: bad }]).protocol).toBe('unknown');
  });

  it("xpra's hello on another port is xpra; the same bytes with a text first byte are not", () => {
    const steps = firstPayloads('xpra.pcap', 14500, 1);
    expect(classify(6, 8080, steps)).toMatchObject({ protocol: 'xpra', confidence: 80, features: [expect.stringContaining('zlib level 1 stream')] });
    const post = Uint8Array.from(steps[0]?.payload ?? []);
    post.set(Buffer.from('POST'));
    expect(classify(6, 8080, [{ dir: 'c2s', payload: post, length: steps[0]?.length }]).protocol).toBe('unknown');
  });

  it('NX: one proxy greeting is a label, both make it sure; the cookie that follows is never a feature', () => {
    const steps = firstPayloads('nx.pcap', 4054, 2);
    const label = classify(6, 4054, steps);
    expect(label).toMatchObject({ protocol: 'nx', confidence: 98 });
    expect(label.features.join(' ')).not.toMatch(/cookie/);
    expect(classify(6, 22, steps.slice(0, 1))).toMatchObject({ protocol: 'nx', confidence: 90 });
  });

  it('no new rule fires on the ordinary captures, whatever port they are moved to', () => {
    for (const file of ['web-http.pcapng', 'tls-chromium.pcap', 'quic.pcap', 'dns.pcap', 'ssh.pcap', 'rdp.pcap', 'vnc.pcap']) {
      const payloads = packetsOf(file).filter((p) => p.payloadLength > 0);
      for (const p of payloads) {
        for (const port of [4000, 4899, 5900, 14500]) {
          const label = classify(p.proto, port, [{ dir: 'c2s', payload: p.payload, length: p.payloadLength }]);
          expect(['xpra', 'spice', 'nx', 'nomachine', 'radmin'], `${file} on ${port}`).not.toContain(label.protocol);
        }
      }
    }
  });
});

describe('remote-support tools laid out from public sources', () => {
  it('Radmin: the viewer hello and the server answer (nDPI radmin.c)', () => {
    const hello = hex('01000000 01 000000 0808');
    const answer = new Uint8Array(46);
    answer.set(hex('01000000 25 0000 02120802 0000 0a'));
    expect(classify(6, 4899, [{ dir: 'c2s', payload: hello }, { dir: 's2c', payload: answer }])).toMatchObject({ protocol: 'radmin', kind: 'remote_access', confidence: 95 });
    // The hello alone is too short a pattern for a label; the port makes a hint.
    expect(classify(6, 4899, [{ dir: 'c2s', payload: hello }])).toMatchObject({ protocol: 'unknown', portHint: 'radmin: TCP port 4899' });
    // An answer of another length is not Radmin's.
    expect(classify(6, 4899, [{ dir: 'c2s', payload: hello }, { dir: 's2c', payload: answer.subarray(0, 40) }]).protocol).toBe('unknown');
  });

  it('Radmin: two 14-byte messages 01 00 00 00 05 ... 27 27 (nDPI radmin.c)', () => {
    const msg = hex('01000000 05 000000 2727 00000000');
    expect(msg.length).toBe(14);
    expect(classify(6, 4899, [{ dir: 'c2s', payload: msg }]).protocol).toBe('unknown');
    expect(classify(6, 4899, [{ dir: 'c2s', payload: msg }, { dir: 's2c', payload: msg }])).toMatchObject({ protocol: 'radmin', confidence: 90 });
  });

  it('NoMachine: the NXSH / NXD handshake before TLS (nDPI nomachine.c)', () => {
    // nDPI takes 11 to 14 bytes: the tag, a version, a line end.
    const client = Buffer.from('NXSH-8.14.2\n');
    const server = Buffer.from('NXD-8.14.2\n');
    expect(classify(6, 4000, [{ dir: 's2c', payload: Buffer.from('NXD-8.4.2\n') }]).protocol).toBe('unknown');
    expect(classify(6, 4000, [{ dir: 'c2s', payload: client }, { dir: 's2c', payload: server }])).toMatchObject({
      protocol: 'nomachine', kind: 'remote_access', confidence: 97, features: ['NoMachine client handshake "NXSH-8.14.2"', 'NoMachine server handshake "NXD-8.14.2"'],
    });
    expect(classify(6, 443, [{ dir: 'c2s', payload: client }])).toMatchObject({ protocol: 'nomachine', confidence: 85 });
    // Longer text that starts the same way is not the handshake.
    expect(classify(6, 4000, [{ dir: 'c2s', payload: Buffer.from('NXSH-is a word in a longer line\n') }]).protocol).toBe('unknown');
  });

  it('NoMachine: UDP multimedia datagrams, three before a label (nDPI nomachine.c)', () => {
    const datagram = (n: number): Uint8Array => {
      const d = new Uint8Array(n);
      d.set(hex(`0000 0100 ${(n & 0xff).toString(16).padStart(2, '0')}${(n >> 8).toString(16).padStart(2, '0')} 1234 0000`));
      return d;
    };
    expect(classify(17, 4000, [{ dir: 'c2s', payload: datagram(120) }]).protocol).toBe('unknown');
    expect(classify(17, 4000, [{ dir: 'c2s', payload: datagram(120) }, { dir: 's2c', payload: datagram(300) }, { dir: 'c2s', payload: datagram(64) }]))
      .toMatchObject({ protocol: 'nomachine', confidence: 80 });
    // A length field that disagrees with the datagram is not NoMachine's header.
    const wrong = datagram(120);
    wrong[4] = 0x10;
    expect(classify(17, 4000, [{ dir: 'c2s', payload: wrong }, { dir: 'c2s', payload: wrong }, { dir: 'c2s', payload: wrong }]).protocol).toBe('unknown');
  });
});
