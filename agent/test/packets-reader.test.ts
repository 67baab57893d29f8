// The capture file reader on real captures and on the ways files go wrong: cut short, not a
// capture at all, damaged headers; and the same packets in the other byte order and timestamp
// resolution.
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { CaptureParser } from '../src/packets/read/capture-parser.js';
import { CaptureFileError, type RawPacket } from '../src/packets/read/types.js';
import { analyzeCaptureFile } from '../src/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../src/packets/classify/domains.js';

const dir = join(import.meta.dirname, 'fixtures', 'pcap');
const tmp = mkdtempSync(join(tmpdir(), 'fw-pcap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));

function parseAll(bytes: Uint8Array, chunk = bytes.length): { packets: RawPacket[]; parser: CaptureParser } {
  const packets: RawPacket[] = [];
  const parser = new CaptureParser((p) => packets.push({ ...p, data: p.data.slice() }));
  for (let o = 0; o < bytes.length; o += chunk) parser.push(bytes.subarray(o, o + chunk));
  parser.finish();
  return { packets, parser };
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe('reading', () => {
  it('gives the same packets whatever the chunk size (records split across reads)', () => {
    const bytes = readFileSync(join(dir, 'rdp.pcap'));
    const whole = parseAll(bytes).packets;
    for (const chunk of [1, 7, 16, 1000]) {
      const split = parseAll(bytes, chunk).packets;
      expect(split.length).toBe(whole.length);
      expect(split.map((p) => Buffer.from(p.data).toString('hex'))).toEqual(whole.map((p) => Buffer.from(p.data).toString('hex')));
    }
  });

  it('reads pcapng written by dumpcap (section header, interface description, enhanced packets)', () => {
    const { packets, parser } = parseAll(readFileSync(join(dir, 'web-http.pcapng')));
    expect(parser.format).toBe('pcapng');
    expect(parser.linkTypes()).toEqual([1]);
    expect(packets.length).toBeGreaterThan(40);
    expect(packets.every((p) => p.data.length === p.origLen)).toBe(true);
  });

  it('reads nanosecond-resolution pcap with the same times as the microsecond original', () => {
    const us = parseAll(readFileSync(join(dir, 'openvpn-udp.pcap'))).packets;
    const ns = parseAll(readFileSync(join(dir, 'openvpn-udp-nanosecond.pcap'))).packets;
    expect(ns.map((p) => p.tsMs)).toEqual(us.map((p) => p.tsMs));
    expect(ns[0]?.tsMs).toBeGreaterThan(1.7e12);
  });

  it('reads a big-endian pcap (the same capture with every header field byte-swapped)', () => {
    const le = Buffer.from(readFileSync(join(dir, 'ssh.pcap')));
    const be = Buffer.from(le);
    for (const [o, size] of [[0, 4], [4, 2], [6, 2], [8, 4], [12, 4], [16, 4], [20, 4]] as const) {
      if (size === 4) be.writeUInt32BE(le.readUInt32LE(o), o);
      else be.writeUInt16BE(le.readUInt16LE(o), o);
    }
    for (let o = 24; o < le.length;) {
      const incl = le.readUInt32LE(o + 8);
      for (let f = 0; f < 16; f += 4) be.writeUInt32BE(le.readUInt32LE(o + f), o + f);
      o += 16 + incl;
    }
    expect(parseAll(be).packets.map((p) => [p.tsMs, p.data.length])).toEqual(parseAll(le).packets.map((p) => [p.tsMs, p.data.length]));
  });
});

describe('bad files', () => {
  it('a file cut in the middle of a packet: the flows before the cut, and an error that says so', async () => {
    const bytes = readFileSync(join(dir, 'openvpn-tcp443.pcap'));
    const r = await analyzeCaptureFile(write('cut.pcap', bytes.subarray(0, bytes.length - 30)), { domains });
    expect(r.error).toBeInstanceOf(CaptureFileError);
    expect(r.error?.kind).toBe('truncated');
    expect(r.error?.message).toMatch(/ends in the middle of a packet record at byte \d+ \(\d+ of \d+ bytes present\)/);
    expect(r.flows).toHaveLength(1);
    expect(r.flows[0]?.label.protocol).toBe('openvpn');
  });

  it('a file cut inside the pcap header', async () => {
    const r = await analyzeCaptureFile(write('head.pcap', readFileSync(join(dir, 'vnc.pcap')).subarray(0, 10)), { domains });
    expect(r.error?.message).toMatch(/only 10 bytes long, too short for a capture file header/);
    expect(r.flows).toEqual([]);
  });

  it('something that is not a capture says what it looks like and what to give instead', async () => {
    const r = await analyzeCaptureFile(write('notes.txt', Buffer.from('these are not packets, just some text\n')), { domains });
    expect(r.error?.kind).toBe('format');
    expect(r.error?.message).toMatch(/not a pcap or pcapng file: it starts with bytes 7468657365206172 \(text, not a capture\); give a file written by tcpdump -w/);
  });

  it('an empty file', async () => {
    const r = await analyzeCaptureFile(write('empty.pcap', new Uint8Array(0)), { domains });
    expect(r.error?.message).toMatch(/the file is empty/);
  });

  it('a record claiming more bytes than any snap length is damage, found at its offset', async () => {
    const bytes = Buffer.from(readFileSync(join(dir, 'dns.pcap')));
    const second = 24 + 16 + bytes.readUInt32LE(24 + 8);
    bytes.writeUInt32LE(0x7fffffff, second + 8);
    const r = await analyzeCaptureFile(write('damaged.pcap', bytes), { domains });
    expect(r.error?.kind).toBe('damaged');
    expect(r.error?.offset).toBe(second);
    expect(r.error?.message).toContain(`damaged record at byte ${second}`);
    expect(r.packets).toBe(1);
  });

  it('a pcapng block with an impossible length', () => {
    const bytes = Buffer.from(readFileSync(join(dir, 'web-http.pcapng')));
    bytes.writeUInt32LE(13, 4);
    expect(() => parseAll(bytes)).toThrow(/damaged pcapng block at byte 0: length 13 is not a multiple of 4/);
  });
});
