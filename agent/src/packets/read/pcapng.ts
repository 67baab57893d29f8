// The pcapng file format: a sequence of blocks (type, total length, body, total length again), in
// sections that each start with a Section Header Block giving the section's byte order. Packets come
// in Enhanced, Simple or (obsolete) Packet Blocks that name an interface described earlier by an
// Interface Description Block (link type, snap length, timestamp resolution and offset).
// Source: draft-ietf-opsawg-pcapng (§4 General Block Structure, §4.1 SHB, §4.2 IDB, §4.3 EPB,
// §4.4 SPB, Appendix A Packet Block; option if_tsresol = 9, if_tsoffset = 14).
import { u16be, u16le, u32be, u32le } from '../bytes.js';
import { CaptureFileError, MAX_RECORD, type PacketSink } from './types.js';

export const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 0x00000001;
const OBSOLETE_PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const OPT_END = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/** Largest non-packet block we step over (name resolution, statistics, custom): 16 MiB. */
const MAX_BLOCK = 16 * 1024 * 1024;

interface Iface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per millisecond. */
  unitsPerMs: number;
  offsetMs: number;
}

export class PcapngReader {
  private le = true;
  private ifaces: Iface[] = [];
  private lastTsMs = 0;
  readonly linkTypes = new Set<number>();

  /** Reads every whole block in buf[off..]; returns the offset of the first byte not consumed. */
  read(buf: Uint8Array, off: number, base: number, emit: PacketSink): number {
    while (buf.length - off >= 12) {
      const type = this.le ? u32le(buf, off) : u32be(buf, off);
      if (type === SHB_TYPE || u32be(buf, off) === SHB_TYPE) {
        // The byte order of a section is known only from its own header's magic.
        const bom = u32be(buf, off + 8);
        if (bom !== BYTE_ORDER_MAGIC && u32le(buf, off + 8) !== BYTE_ORDER_MAGIC) {
          throw new CaptureFileError(`damaged pcapng section header at byte ${base + off}: byte-order magic is 0x${bom.toString(16)}`, base + off, 'damaged');
        }
        this.le = bom !== BYTE_ORDER_MAGIC;
      }
      const len = this.le ? u32le(buf, off + 4) : u32be(buf, off + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
        throw new CaptureFileError(`damaged pcapng block at byte ${base + off}: length ${len} is not a multiple of 4 between 12 and ${MAX_BLOCK}`, base + off, 'damaged');
      }
      if (buf.length - off < len) break;
      const t = this.le ? u32le(buf, off) : u32be(buf, off);
      const body = buf.subarray(off + 8, off + len - 4);
      if (t === SHB_TYPE) {
        this.ifaces = [];
      } else if (t === IDB) {
        this.ifaces.push(this.interfaceOf(body, base + off));
      } else if (t === EPB || t === OBSOLETE_PB) {
        this.packet(body, t === EPB, base + off, emit);
      } else if (t === SPB) {
        this.simplePacket(body, base + off, emit);
      }
      off += len;
    }
    return off;
  }

  missing(buf: Uint8Array, off: number): { have: number; need: number } {
    const have = buf.length - off;
    if (have < 8) return { have, need: 12 };
    return { have, need: this.le ? u32le(buf, off + 4) : u32be(buf, off + 4) };
  }

  private u16(b: Uint8Array, i: number): number {
    return this.le ? u16le(b, i) : u16be(b, i);
  }

  private u32(b: Uint8Array, i: number): number {
    return this.le ? u32le(b, i) : u32be(b, i);
  }

  private interfaceOf(body: Uint8Array, at: number): Iface {
    if (body.length < 8) throw new CaptureFileError(`damaged interface description block at byte ${at}`, at, 'damaged');
    const iface: Iface = { linkType: this.u16(body, 0), snaplen: this.u32(body, 4), unitsPerMs: 1000, offsetMs: 0 };
    for (let o = 8; o + 4 <= body.length;) {
      const code = this.u16(body, o);
      const olen = this.u16(body, o + 2);
      if (code === OPT_END || o + 4 + olen > body.length) break;
      if (code === IF_TSRESOL && olen >= 1) {
        const v = body[o + 4] as number;
        const unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
        iface.unitsPerMs = unitsPerSecond / 1000;
      } else if (code === IF_TSOFFSET && olen >= 8) {
        const hi = this.le ? this.u32(body, o + 8) : this.u32(body, o + 4);
        const lo = this.le ? this.u32(body, o + 4) : this.u32(body, o + 8);
        iface.offsetMs = (hi * 4294967296 + lo) * 1000;
      }
      o += 4 + olen + ((4 - (olen % 4)) % 4);
    }
    this.linkTypes.add(iface.linkType);
    return iface;
  }

  private packet(body: Uint8Array, enhanced: boolean, at: number, emit: PacketSink): void {
    if (body.length < 20) throw new CaptureFileError(`damaged packet block at byte ${at}: ${body.length} bytes is too short`, at, 'damaged');
    const ifIndex = enhanced ? this.u32(body, 0) : this.u16(body, 0);
    const iface = this.ifaces[ifIndex];
    if (!iface) {
      throw new CaptureFileError(`packet block at byte ${at} names interface ${ifIndex}, but the section describes ${this.ifaces.length}`, at, 'damaged');
    }
    const caplen = this.u32(body, 12);
    if (caplen > body.length - 20 || caplen > MAX_RECORD) {
      throw new CaptureFileError(`damaged packet block at byte ${at}: it claims ${caplen} captured bytes in a ${body.length}-byte body`, at, 'damaged');
    }
    const ticks = this.u32(body, 4) * 4294967296 + this.u32(body, 8);
    this.lastTsMs = ticks / iface.unitsPerMs + iface.offsetMs;
    emit({ linkType: iface.linkType, tsMs: this.lastTsMs, data: body.subarray(20, 20 + caplen), origLen: this.u32(body, 16) });
  }

  private simplePacket(body: Uint8Array, at: number, emit: PacketSink): void {
    const iface = this.ifaces[0];
    if (!iface || body.length < 4) throw new CaptureFileError(`simple packet block at byte ${at} comes before any interface description`, at, 'damaged');
    const origLen = this.u32(body, 0);
    let caplen = Math.min(origLen, body.length - 4);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    // A simple packet block has no timestamp: it takes the last one seen.
    emit({ linkType: iface.linkType, tsMs: this.lastTsMs, data: body.subarray(4, 4 + caplen), origLen });
  }
}
