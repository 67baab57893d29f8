// Reading big-endian and little-endian integers out of packet bytes. Callers check lengths first;
// these only read (an out-of-range read gives 0 bits, never a throw, so a bad length check cannot
// crash the agent on a hostile packet).

export function u8(b: Uint8Array, i: number): number {
  return (b[i] as number) | 0;
}

export function u16be(b: Uint8Array, i: number): number {
  return (((b[i] as number) << 8) | (b[i + 1] as number)) & 0xffff;
}

export function u32be(b: Uint8Array, i: number): number {
  return ((((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0);
}

export function u16le(b: Uint8Array, i: number): number {
  return (((b[i + 1] as number) << 8) | (b[i] as number)) & 0xffff;
}

export function u32le(b: Uint8Array, i: number): number {
  return ((((b[i + 3] as number) << 24) | ((b[i + 2] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i] as number)) >>> 0);
}

export function hex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end && i < b.length; i++) s += (b[i] as number).toString(16).padStart(2, '0');
  return s;
}

/** Whether `b` holds `ascii` at `offset`. */
export function startsWithAscii(b: Uint8Array, ascii: string, offset = 0): boolean {
  if (b.length < offset + ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (b[offset + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/** Printable ASCII of a short byte run, for features ("SSH-2.0-OpenSSH_9.2p1"). */
export function printable(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end && i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0x0d || c === 0x0a) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  return s;
}
