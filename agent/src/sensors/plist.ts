// Property lists (macOS Info.plist, launchd plists, preferences) read in-process, XML or binary
// ("bplist00"), so the macOS sensors need no plutil process per file. Only what the sensors read is
// decoded: dicts, arrays, strings, numbers, booleans, dates (as ISO text) and data (as Buffer).
// Bad input gives undefined, never an exception.

export type PlistValue = string | number | boolean | Buffer | PlistValue[] | { [key: string]: PlistValue };

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };
const unescape = (s: string): string => s.replace(/&(lt|gt|amp|quot|apos);|&#(\d+);|&#x([0-9a-f]+);/gi, (m, _n: string, d?: string, h?: string) => (
  d ? String.fromCodePoint(Number(d)) : h ? String.fromCodePoint(Number.parseInt(h, 16)) : ENTITIES[m] ?? m));

function parseXml(text: string): PlistValue | undefined {
  const tokens = [...text.matchAll(/<(\/?)(dict|array|key|string|integer|real|true|false|date|data)\s*(\/?)>|([^<]+)/g)];
  let i = 0;
  const next = (): RegExpExecArray | RegExpMatchArray | undefined => {
    while (i < tokens.length && tokens[i]?.[4] !== undefined) i++; // skip text between tags
    return tokens[i++];
  };
  const textUntilClose = (): string => {
    let s = '';
    while (i < tokens.length && tokens[i]?.[4] !== undefined) s += tokens[i++]?.[4] ?? '';
    i++; // the closing tag
    return unescape(s);
  };
  const value = (tok: RegExpExecArray | RegExpMatchArray | undefined): PlistValue | undefined => {
    if (!tok || tok[1]) return undefined;
    const tag = tok[2];
    const selfClosing = tok[3] === '/';
    switch (tag) {
      case 'true': if (!selfClosing) i++; return true;
      case 'false': if (!selfClosing) i++; return false;
      case 'string': case 'date': return selfClosing ? '' : textUntilClose();
      case 'integer': case 'real': return Number(textUntilClose().trim());
      case 'data': return Buffer.from(textUntilClose().replace(/\s+/g, ''), 'base64');
      case 'array': {
        const out: PlistValue[] = [];
        if (selfClosing) return out;
        for (;;) {
          const t = next();
          if (!t || (t[1] && t[2] === 'array')) return out;
          const v = value(t);
          if (v !== undefined) out.push(v);
        }
      }
      case 'dict': {
        const out: Record<string, PlistValue> = {};
        if (selfClosing) return out;
        for (;;) {
          const k = next();
          if (!k || (k[1] && k[2] === 'dict')) return out;
          if (k[2] !== 'key') return out;
          const key = textUntilClose();
          const v = value(next());
          if (v !== undefined) out[key] = v;
        }
      }
      default: return undefined;
    }
  };
  return value(next());
}

function parseBinary(b: Buffer): PlistValue | undefined {
  if (b.length < 40) return undefined;
  const t = b.length - 32;
  const offsetSize = b[t + 6] ?? 0;
  const refSize = b[t + 7] ?? 0;
  const count = Number(b.readBigUInt64BE(t + 8));
  const top = Number(b.readBigUInt64BE(t + 16));
  const tableAt = Number(b.readBigUInt64BE(t + 24));
  if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8 || tableAt + count * offsetSize > t || count > 1_000_000) return undefined;
  const uint = (at: number, size: number): number => {
    let v = 0;
    for (let k = 0; k < size; k++) v = v * 256 + (b[at + k] ?? 0);
    return v;
  };
  const offsetOf = (ref: number): number => uint(tableAt + ref * offsetSize, offsetSize);
  const depthLimit = 64;
  const read = (ref: number, depth: number): PlistValue | undefined => {
    if (ref >= count || depth > depthLimit) return undefined;
    const at = offsetOf(ref);
    const marker = b[at] ?? 0;
    const kind = marker >> 4;
    const low = marker & 0x0f;
    let len = low;
    let body = at + 1;
    if ((kind === 0x4 || kind === 0x5 || kind === 0x6 || kind === 0xa || kind === 0xd) && low === 0x0f) {
      const intMarker = b[body] ?? 0;
      const size = 1 << (intMarker & 0x0f);
      len = uint(body + 1, size);
      body += 1 + size;
    }
    switch (kind) {
      case 0x0: return marker === 0x09 ? true : marker === 0x08 ? false : undefined;
      case 0x1: { const size = 1 << low; return size <= 8 ? uint(body, size) : undefined; }
      case 0x2: return low === 3 ? b.readDoubleBE(body) : low === 2 ? b.readFloatBE(body) : undefined;
      case 0x3: return new Date((978307200 + b.readDoubleBE(body)) * 1000).toISOString();
      case 0x4: return Buffer.from(b.subarray(body, body + len));
      case 0x5: return b.toString('latin1', body, body + len);
      case 0x6: return Buffer.from(b.subarray(body, body + len * 2)).swap16().toString('utf16le');
      case 0xa: {
        const out: PlistValue[] = [];
        for (let k = 0; k < len; k++) { const v = read(uint(body + k * refSize, refSize), depth + 1); if (v !== undefined) out.push(v); }
        return out;
      }
      case 0xd: {
        const out: Record<string, PlistValue> = {};
        for (let k = 0; k < len; k++) {
          const key = read(uint(body + k * refSize, refSize), depth + 1);
          const v = read(uint(body + (len + k) * refSize, refSize), depth + 1);
          if (typeof key === 'string' && v !== undefined) out[key] = v;
        }
        return out;
      }
      default: return undefined;
    }
  };
  return read(top, 0);
}

/** A property list from a file's bytes, XML or binary; undefined when it is neither. */
export function parsePlist(bytes: Buffer): PlistValue | undefined {
  try {
    if (bytes.subarray(0, 8).toString('latin1') === 'bplist00') return parseBinary(bytes);
    const text = bytes.toString('utf8');
    return text.includes('<plist') ? parseXml(text.slice(text.indexOf('<plist'))) : undefined;
  } catch {
    return undefined;
  }
}

export function plistDict(v: PlistValue | undefined): Record<string, PlistValue> | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) ? v : undefined;
}

export const plistString = (v: PlistValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
