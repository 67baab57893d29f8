// EDIDs as analysts receive them: raw bytes, plain hex, `edid-decode` output (its hex block),
// `xrandr --verbose` (per output, "EDID:" then tab-indented hex lines), a Windows .reg export
// ("EDID"=hex:00,ff,...) or `reg query` output (EDID    REG_BINARY    00FFFFFF...).
import { hasEdidHeader } from '@farmwatch/shared';

export interface EdidBlob { label: string; bytes: Buffer }

const HEADER_HEX = '00ffffffffffff00';

function fromHex(hex: string): Buffer | undefined {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toLowerCase();
  if (!clean.startsWith(HEADER_HEX) || clean.length < 256) return undefined;
  return Buffer.from(clean.slice(0, clean.length - (clean.length % 256)), 'hex');
}

export function edidsFromText(text: string): { format: string; edids: EdidBlob[] } | undefined {
  // xrandr --verbose: "HDMI-1 connected ..." then "\tEDID:" and lines of 32 hex digits.
  if (/^\S+ (dis)?connected/m.test(text) && /^\s+EDID:\s*$/m.test(text)) {
    const edids: EdidBlob[] = [];
    let output = '';
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const o = /^(\S+) (connected|disconnected)/.exec(line);
      if (o?.[1]) output = o[1];
      if (!/^\s+EDID:\s*$/.test(line)) continue;
      let hex = '';
      while (i + 1 < lines.length && /^\s+[0-9a-f]{32}\s*$/i.test(lines[i + 1] ?? '')) hex += (lines[++i] ?? '').trim();
      const bytes = fromHex(hex);
      if (bytes) edids.push({ label: output || `EDID ${edids.length + 1}`, bytes });
    }
    return edids.length > 0 ? { format: 'xrandr --verbose', edids } : undefined;
  }
  // Windows .reg export or reg query.
  const reg = /"EDID"=hex:([0-9a-f,\\\s]+)/i.exec(text);
  if (reg?.[1]) {
    const bytes = fromHex(reg[1]);
    const key = /^\[([^\]]+)\]/m.exec(text)?.[1];
    return bytes ? { format: 'Windows registry export', edids: [{ label: key?.split('\\').slice(-4, -2).join('\\') || 'registry', bytes }] } : undefined;
  }
  const query = [...text.matchAll(/^\s*EDID\s+REG_BINARY\s+([0-9A-F]+)\s*$/gim)];
  if (query.length > 0) {
    const edids = query.map((m, i) => ({ label: `registry EDID ${i + 1}`, bytes: fromHex(m[1] ?? '') })).filter((e): e is EdidBlob => !!e.bytes);
    return edids.length > 0 ? { format: 'reg query', edids } : undefined;
  }
  // edid-decode prints "edid-decode (hex):" (newer) or "EDID (hex):" then the blocks.
  const decode = /(edid-decode|EDID) \(hex\):\s*\n((?:\s*[0-9a-f]{2}(?:\s+[0-9a-f]{2})*\s*\n?)+)/i.exec(text);
  if (decode?.[2]) {
    const bytes = fromHex(decode[2]);
    if (bytes) return { format: 'edid-decode', edids: [{ label: 'edid-decode', bytes }] };
  }
  // Plain hex.
  if (/^[\s0-9a-f:,x]+$/i.test(text)) {
    const bytes = fromHex(text.replace(/0x/gi, ''));
    if (bytes) return { format: 'EDID hex', edids: [{ label: 'EDID', bytes }] };
  }
  return undefined;
}

export function edidFromBinary(bytes: Buffer): EdidBlob[] | undefined {
  if (!hasEdidHeader(bytes) || bytes.length < 128) return undefined;
  return [{ label: 'EDID', bytes: bytes.subarray(0, bytes.length - (bytes.length % 128)) }];
}
