// Shared by the packet tests: the capture fixtures folder and a capture's decoded packets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureParser } from '../src/packets/read/capture-parser.js';
import { decodePacket, type PacketInfo } from '../src/packets/decode/packet.js';

export const pcapDir = join(import.meta.dirname, 'fixtures', 'pcap');

/** Every IP packet of a fixture capture, decoded (each with its own copy of the bytes). */
export function packetsOf(file: string): PacketInfo[] {
  const out: PacketInfo[] = [];
  const parser = new CaptureParser((raw) => {
    const p = decodePacket(raw.linkType, raw.data.slice(), raw.tsMs);
    if (typeof p !== 'string') out.push(p);
  });
  parser.push(readFileSync(join(pcapDir, file)));
  parser.finish();
  return out;
}
