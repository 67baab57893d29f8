// Link layers and IP headers: the frames of real Ethernet captures re-framed as the other link
// types a laptop's captures come in (BSD/macOS loopback, 802.1Q VLAN, PPPoE, raw IP) must decode to
// the same packets; and addresses print in their canonical forms.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureParser } from '../src/packets/read/capture-parser.js';
import { decodePacket, type PacketInfo } from '../src/packets/decode/packet.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW, LINKTYPE_IPV6 } from '../src/packets/decode/link.js';
import { formatIp, isInternetAddress } from '../src/packets/decode/address.js';

const dir = join(import.meta.dirname, 'fixtures', 'pcap');

function framesOf(file: string): Buffer[] {
  const out: Buffer[] = [];
  const parser = new CaptureParser((raw) => out.push(Buffer.from(raw.data)));
  parser.push(readFileSync(join(dir, file)));
  parser.finish();
  return out;
}

function summary(p: PacketInfo | string): unknown {
  if (typeof p === 'string') return p;
  return [p.ipVersion, formatIp(p.src), formatIp(p.dst), p.proto, p.srcPort, p.dstPort, p.tcpFlags, p.payloadLength, Buffer.from(p.payload).toString('hex')];
}

function reframe(file: string, linkType: number, header: (etherType: number) => Buffer | undefined): void {
  for (const frame of framesOf(file)) {
    const etherType = frame.readUInt16BE(12);
    const head = header(etherType);
    if (!head) continue;
    const original = decodePacket(LINKTYPE_ETHERNET, frame, 0);
    const re = decodePacket(linkType, Buffer.concat([head, frame.subarray(14)]), 0);
    expect(summary(re)).toEqual(summary(original));
  }
}

describe('link layers', () => {
  it('BSD loopback (DLT_NULL): the address family in the writer\'s byte order, AF_INET6 as each OS numbers it', () => {
    const le = (n: number): Buffer => Buffer.from([n, 0, 0, 0]);
    const be = (n: number): Buffer => Buffer.from([0, 0, 0, n]);
    reframe('rdp.pcap', LINKTYPE_NULL, (t) => (t === 0x0800 ? le(2) : undefined));
    reframe('rdp.pcap', LINKTYPE_NULL, (t) => (t === 0x0800 ? be(2) : undefined));
    for (const af6 of [10, 24, 28, 30]) reframe('wireguard-ipv6.pcap', LINKTYPE_NULL, (t) => (t === 0x86dd ? le(af6) : undefined));
  });

  it('OpenBSD loopback (DLT_LOOP): the address family in network byte order', () => {
    reframe('ssh.pcap', LINKTYPE_LOOP, (t) => (t === 0x0800 ? Buffer.from([0, 0, 0, 2]) : undefined));
  });

  it('802.1Q and QinQ tagged Ethernet', () => {
    const tagged = (tags: number[]) => (t: number): Buffer => {
      const h = Buffer.alloc(12 + tags.length * 4 + 2);
      tags.forEach((tpid, i) => { h.writeUInt16BE(tpid, 12 + i * 4); h.writeUInt16BE(100 + i, 14 + i * 4); });
      h.writeUInt16BE(t, 12 + tags.length * 4);
      return h;
    };
    reframe('openvpn-udp.pcap', LINKTYPE_ETHERNET, (t) => (t === 0x0800 ? tagged([0x8100])(t) : undefined));
    reframe('wireguard-ipv6.pcap', LINKTYPE_ETHERNET, (t) => (t === 0x86dd ? tagged([0x88a8, 0x8100])(t) : undefined));
  });

  it('PPPoE sessions (RFC 2516) carrying IPv4 and IPv6', () => {
    const pppoe = (t: number): Buffer => {
      const h = Buffer.alloc(14 + 8);
      h.writeUInt16BE(0x8864, 12);
      h.writeUInt8(0x11, 14);
      h.writeUInt16BE(0x1234, 16);
      h.writeUInt16BE(t === 0x0800 ? 0x0021 : 0x0057, 20);
      return h;
    };
    reframe('tls-sni.pcap', LINKTYPE_ETHERNET, (t) => (t === 0x0800 ? pppoe(t) : undefined));
    reframe('wireguard-ipv6.pcap', LINKTYPE_ETHERNET, (t) => (t === 0x86dd ? pppoe(t) : undefined));
  });

  it('raw IP, as captured on a tunnel interface, and the IPv6-only link type', () => {
    const inner = framesOf('wireguard-inner-raw.pcap');
    expect(inner.map((f) => summary(decodePacket(LINKTYPE_RAW, f, 0))).every((s) => Array.isArray(s) && s[3] === 1)).toBe(true);
    reframe('wireguard-ipv6.pcap', LINKTYPE_IPV6, (t) => (t === 0x86dd ? Buffer.alloc(0) : undefined));
  });

  it('says why a frame is not decoded', () => {
    expect(decodePacket(LINKTYPE_ETHERNET, Buffer.from('ffffffffffff0000000000010806', 'hex'), 0)).toBe('not-ip');
    expect(decodePacket(LINKTYPE_ETHERNET, Buffer.from('ffffffffffff', 'hex'), 0)).toBe('truncated');
    expect(decodePacket(147, Buffer.alloc(40), 0)).toBe('unsupported-link');
  });
});

describe('addresses', () => {
  it('prints IPv6 in the RFC 5952 form', () => {
    const v6 = (s: string): Uint8Array => Buffer.from(s.replace(/:/g, ''), 'hex');
    expect(formatIp(v6('2001:0db8:0007:0000:0000:0000:0000:0007'))).toBe('2001:db8:7::7');
    expect(formatIp(v6('2001:0db8:0000:0000:0001:0000:0000:0001'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(v6('0000:0000:0000:0000:0000:ffff:c633:6409'))).toBe('::ffff:198.51.100.9');
    expect(formatIp(v6('fe80:0000:0000:0000:0000:0000:0000:0001'))).toBe('fe80::1');
  });

  it('tells Internet peers from private, shared and local ones', () => {
    for (const ip of ['203.0.113.7', '8.8.8.8', '2001:db8:7::7', '2606:4700::1111']) expect(isInternetAddress(ip), ip).toBe(true);
    for (const ip of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '224.0.0.1', 'fd00::1', 'fe80::1', '::1', 'ff02::1', 'nonsense']) {
      expect(isInternetAddress(ip), ip).toBe(false);
    }
  });
});
