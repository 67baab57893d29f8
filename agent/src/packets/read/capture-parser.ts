// Reads a capture file fed in chunks of any size: tells pcap from pcapng by the first bytes, keeps
// the tail of a record split across chunks, and says clearly what is wrong with a file that is not
// a capture, is damaged, or ends in the middle of a packet.
import { hex, u32be, u32le } from '../bytes.js';
import { ClassicPcapReader, PCAP_MAGIC_NS, PCAP_MAGIC_US } from './pcap-classic.js';
import { PcapngReader, SHB_TYPE } from './pcapng.js';
import { CaptureFileError, type PacketSink } from './types.js';

export type CaptureFormat = 'pcap' | 'pcapng';

const HOW_TO = 'give a file written by tcpdump -w, dumpcap or Wireshark (pcap or pcapng)';

function formatOf(head: Uint8Array): CaptureFormat | undefined {
  const be = u32be(head, 0);
  const le = u32le(head, 0);
  if (be === SHB_TYPE) return 'pcapng';
  if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) return 'pcap';
  return undefined;
}

function describe(head: Uint8Array): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return ' (a gzip file: gunzip it first)';
  if (head[0] === 0x50 && head[1] === 0x4b) return ' (a zip archive: unzip it first)';
  if (head.subarray(0, 4).every((c) => c >= 0x20 && c < 0x7f)) return ' (text, not a capture)';
  return '';
}

export class CaptureParser {
  private pending: Uint8Array = new Uint8Array(0);
  private reader: ClassicPcapReader | PcapngReader | undefined;
  private consumed = 0;
  format: CaptureFormat | undefined;
  packets = 0;

  constructor(private readonly emit: PacketSink) {}

  /** Bytes of the file fully read so far. */
  get offset(): number {
    return this.consumed;
  }

  /** Link types seen in the file's headers. */
  linkTypes(): number[] {
    if (this.reader instanceof ClassicPcapReader) return [this.reader.linkType];
    return this.reader ? [...this.reader.linkTypes] : [];
  }

  /** Feeds the next bytes of the file. The chunk may be reused by the caller afterwards. */
  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending, 0);
      buf.set(chunk, this.pending.length);
    }
    let off = 0;
    if (!this.reader) {
      // The magic number (4 bytes) tells a capture from anything else; the header needs 24.
      if (buf.length >= 4 && !formatOf(buf)) {
        throw new CaptureFileError(`not a pcap or pcapng file: it starts with bytes ${hex(buf, 0, 8)}${describe(buf)}; ${HOW_TO}`, 0, 'format');
      }
      if (buf.length < 24) {
        this.pending = buf.slice();
        return;
      }
      this.format = formatOf(buf);
      if (!this.format) throw new CaptureFileError(`not a pcap or pcapng file; ${HOW_TO}`, 0, 'format');
      if (this.format === 'pcap') {
        this.reader = new ClassicPcapReader(buf);
        off = ClassicPcapReader.headerLength;
      } else {
        this.reader = new PcapngReader();
      }
    }
    const count: PacketSink = (p) => {
      this.packets++;
      this.emit(p);
    };
    const end = this.reader.read(buf, off, this.consumed, count);
    this.consumed += end;
    // Whatever is left is the start of a record that continues in the next chunk: keep a copy,
    // since the caller reuses its buffer.
    this.pending = end < buf.length ? buf.slice(end) : new Uint8Array(0);
  }

  /** Ends the file: throws when it stopped in the middle of a record. */
  finish(): void {
    if (!this.reader) {
      if (this.pending.length === 0) throw new CaptureFileError(`the file is empty; ${HOW_TO}`, 0, 'format');
      throw new CaptureFileError(`the file is only ${this.pending.length} bytes long, too short for a capture file header; ${HOW_TO}`, 0, 'truncated');
    }
    if (this.pending.length > 0) {
      const { have, need } = this.reader.missing(this.pending, 0);
      throw new CaptureFileError(
        `the file ends in the middle of a packet record at byte ${this.consumed} (${have} of ${need} bytes present): ` +
          `the capture was cut short (tcpdump killed before it flushed, or the copy is incomplete); the ${this.packets} packets before it were read`,
        this.consumed, 'truncated');
    }
  }
}
