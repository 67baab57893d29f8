// EDID (VESA E-EDID 1.3/1.4) decoding: who made the "monitor", what it calls itself, how big it
// says it is, its preferred mode, and whether the bytes are intact. Both the agent (KVM detection)
// and the collector (display inventory) read EDIDs with this. It never throws: bytes that are not
// an EDID come back with `valid: false` and the reason.
import { createHash } from 'node:crypto';

export interface DetailedTiming {
  width: number;
  height: number;
  /** Vertical refresh in Hz, two decimals. */
  refreshHz: number;
  pixelClockKhz: number;
  interlaced: boolean;
}

export interface DecodedEdid {
  /** Header and every block checksum correct. */
  valid: boolean;
  problems: string[];
  /** PNP id, three letters: "DEL", "LNX". */
  manufacturerId: string;
  productCode: number;
  serialNumber: number;
  /** serialNumber as 8 upper-case hex digits, as the catalog writes it. */
  serialNumberHex: string;
  week: number;
  year: number;
  version: string;
  digital: boolean;
  /** 0 x 0 means the size is not given (projectors, and the sample EDIDs KVMs ship). */
  widthCm: number;
  heightCm: number;
  monitorName?: string;
  serialString?: string;
  texts: string[];
  preferred?: DetailedTiming;
  detailedTimings: DetailedTiming[];
  /** Extension blocks the base block announces, and how many are present. */
  extensionCount: number;
  blocksPresent: number;
  checksumsOk: boolean[];
}

const HEADER = [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];

export function hasEdidHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HEADER.every((b, i) => bytes[i] === b);
}

function pnpId(hi: number, lo: number): string {
  const word = (hi << 8) | lo;
  const letter = (n: number): string => (n >= 1 && n <= 26 ? String.fromCharCode(64 + n) : '?');
  return letter((word >> 10) & 0x1f) + letter((word >> 5) & 0x1f) + letter(word & 0x1f);
}

function descriptorText(d: Uint8Array): string {
  let end = 18;
  for (let i = 5; i < 18; i++) if (d[i] === 0x0a) { end = i; break; }
  return Buffer.from(d.subarray(5, end)).toString('latin1').replace(/[^\x20-\x7e]/g, '').trim();
}

function detailedTiming(d: Uint8Array): DetailedTiming | undefined {
  const b = (i: number): number => d[i] ?? 0;
  const clock = b(0) | (b(1) << 8);
  if (clock === 0) return undefined;
  const width = b(2) | ((b(4) >> 4) << 8);
  const hBlank = b(3) | ((b(4) & 0x0f) << 8);
  const height = b(5) | ((b(7) >> 4) << 8);
  const vBlank = b(6) | ((b(7) & 0x0f) << 8);
  const total = (width + hBlank) * (height + vBlank);
  const refresh = total === 0 ? 0 : (clock * 10_000) / total;
  return { width, height, refreshHz: Math.round(refresh * 100) / 100, pixelClockKhz: clock * 10, interlaced: (b(17) & 0x80) !== 0 };
}

export function modeText(t: DetailedTiming): string {
  return `${t.width}x${t.height}${t.interlaced ? 'i' : ''}@${Number.isInteger(t.refreshHz) ? t.refreshHz : t.refreshHz.toFixed(2).replace(/0$/, '')}`;
}

export function decodeEdid(input: Uint8Array): DecodedEdid {
  const bytes = Uint8Array.from(input);
  const problems: string[] = [];
  const out: DecodedEdid = {
    valid: false, problems, manufacturerId: '', productCode: 0, serialNumber: 0, serialNumberHex: '00000000', week: 0, year: 0,
    version: '', digital: false, widthCm: 0, heightCm: 0, texts: [], detailedTimings: [], extensionCount: 0, blocksPresent: 0, checksumsOk: [],
  };
  if (bytes.length < 128) {
    problems.push(`${bytes.length} bytes: an EDID block is 128 bytes`);
    return out;
  }
  if (!hasEdidHeader(bytes)) problems.push('the 8-byte EDID header (00 ff ff ff ff ff ff 00) is missing');
  if (bytes.length % 128 !== 0) problems.push(`${bytes.length} bytes is not a whole number of 128-byte blocks`);
  const b = (i: number): number => bytes[i] ?? 0;
  out.manufacturerId = pnpId(b(8), b(9));
  out.productCode = b(10) | (b(11) << 8);
  out.serialNumber = (b(12) | (b(13) << 8) | (b(14) << 16) | (b(15) << 24)) >>> 0;
  out.serialNumberHex = out.serialNumber.toString(16).toUpperCase().padStart(8, '0');
  out.week = b(16);
  out.year = b(17) + 1990;
  out.version = `${b(18)}.${b(19)}`;
  out.digital = (b(20) & 0x80) !== 0;
  out.widthCm = b(21);
  out.heightCm = b(22);
  for (let off = 54; off < 126; off += 18) {
    const d = bytes.subarray(off, off + 18);
    if (d[0] !== 0 || d[1] !== 0) {
      const t = detailedTiming(d);
      if (t) out.detailedTimings.push(t);
      continue;
    }
    const tag = d[3];
    if (tag === 0xfc) out.monitorName = descriptorText(d);
    else if (tag === 0xff) out.serialString = descriptorText(d);
    else if (tag === 0xfe) out.texts.push(descriptorText(d));
  }
  // The first detailed timing is the preferred mode (mandatory since EDID 1.3).
  if (out.detailedTimings[0]) out.preferred = out.detailedTimings[0];
  out.extensionCount = b(126);
  out.blocksPresent = Math.floor(bytes.length / 128);
  for (let block = 0; block < out.blocksPresent; block++) {
    let sum = 0;
    for (let i = block * 128; i < block * 128 + 128; i++) sum = (sum + b(i)) & 0xff;
    out.checksumsOk.push(sum === 0);
    if (sum !== 0) problems.push(`block ${block} checksum is wrong (bytes sum to ${sum}, not 0 mod 256)`);
  }
  if (out.extensionCount > out.blocksPresent - 1) {
    problems.push(`the base block announces ${out.extensionCount} extension block(s) but ${out.blocksPresent - 1} follow`);
  }
  out.valid = hasEdidHeader(bytes) && out.checksumsOk.every(Boolean);
  return out;
}

/** sha256 hex of the EDID's whole blocks with each block's checksum byte zeroed: a re-checksummed copy is the same EDID. */
export function edidFingerprint(bytes: Uint8Array): string {
  const whole = bytes.length - (bytes.length % 128);
  const copy = Buffer.from(bytes.subarray(0, whole));
  for (let i = 127; i < copy.length; i += 128) copy[i] = 0;
  return createHash('sha256').update(copy).digest('hex');
}
