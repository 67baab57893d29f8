// The classic libpcap file format: a 24-byte file header, then 16-byte record headers each followed
// by the captured bytes. Magic 0xa1b2c3d4 (microsecond stamps) or 0xa1b23c4d (nanosecond stamps),
// written in the byte order of the machine that wrote it.
// Source: draft-ietf-opsawg-pcap (File Header, Packet Record), tcpdump.org/manpages/pcap-savefile.5.html
import { u16be, u16le, u32be, u32le } from '../bytes.js';
import { CaptureFileError, MAX_RECORD, type PacketSink } from './types.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;

export class ClassicPcapReader {
  private readonly le: boolean;
  private readonly tsDivisor: number;
  readonly linkType: number;
  readonly snaplen: number;
  readonly version: string;

  /** `head` holds at least the 24-byte file header. */
  constructor(head: Uint8Array) {
    const be = u32be(head, 0);
    this.le = be !== PCAP_MAGIC_US && be !== PCAP_MAGIC_NS;
    const magic = this.le ? u32le(head, 0) : be;
    this.tsDivisor = magic === PCAP_MAGIC_NS ? 1e6 : 1e3;
    const u16 = this.le ? u16le : u16be;
    const u32 = this.le ? u32le : u32be;
    this.version = `${u16(head, 4)}.${u16(head, 6)}`;
    this.snaplen = u32(head, 16);
    // The link type is the low 28 bits; the top 4 say how many FCS bytes frames carry (draft §4).
    this.linkType = u32(head, 20) & 0x0fffffff;
    if (u16(head, 4) !== 2) {
      throw new CaptureFileError(`pcap file version ${this.version} is not supported (only 2.x is): the file may be damaged`, 4, 'format');
    }
  }

  static readonly headerLength = FILE_HEADER;

  /** Reads every whole record in buf[off..]; returns the offset of the first byte not consumed. */
  read(buf: Uint8Array, off: number, base: number, emit: PacketSink): number {
    const u32 = this.le ? u32le : u32be;
    const limit = Math.max(this.snaplen, MAX_RECORD);
    while (buf.length - off >= RECORD_HEADER) {
      const incl = u32(buf, off + 8);
      if (incl > limit) {
        throw new CaptureFileError(
          `damaged record at byte ${base + off}: it claims ${incl} captured bytes, more than the file's snap length ${this.snaplen}`,
          base + off, 'damaged');
      }
      if (buf.length - off < RECORD_HEADER + incl) break;
      const sec = u32(buf, off);
      const frac = u32(buf, off + 4);
      const start = off + RECORD_HEADER;
      emit({ linkType: this.linkType, tsMs: sec * 1000 + frac / this.tsDivisor, data: buf.subarray(start, start + incl), origLen: u32(buf, off + 12) });
      off = start + incl;
    }
    return off;
  }

  /** How many more bytes the incomplete record at buf[off..] needs, for the truncation message. */
  missing(buf: Uint8Array, off: number): { have: number; need: number } {
    const have = buf.length - off;
    if (have < RECORD_HEADER) return { have, need: RECORD_HEADER };
    const u32 = this.le ? u32le : u32be;
    return { have, need: RECORD_HEADER + u32(buf, off + 8) };
  }
}
