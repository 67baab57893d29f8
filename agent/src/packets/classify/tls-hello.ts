// The parts of a TLS ClientHello a classifier needs: server name and ALPN. Reads only the handshake
// message structure, stops at the first inconsistency, never throws.
// Source: RFC 8446 §4.1.2 (ClientHello), §4.2 (extensions); RFC 6066 §3 (server_name = 0,
// host_name = 0); RFC 7301 §3.1 (application_layer_protocol_negotiation = 16).
import { u16be } from '../bytes.js';

export interface ClientHello {
  serverName?: string;
  alpn: string[];
}

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/** `hs` starts at the handshake header (type 1, 3-byte length). `sessionIdExtra` is 0 for TLS and
 *  the cookie field for DTLS (RFC 6347 §4.2.1 adds a cookie after the session id). */
export function parseClientHello(hs: Uint8Array, dtls = false): ClientHello | undefined {
  if (hs.length < 4 || hs[0] !== 1) return undefined;
  // DTLS handshake headers carry message_seq, fragment_offset and fragment_length: 8 more bytes.
  let o = 4 + (dtls ? 8 : 0) + 2 + 32;
  const need = (n: number): boolean => o + n <= hs.length;
  if (!need(1)) return undefined;
  o += 1 + (hs[o] as number); // session id
  if (dtls) {
    if (!need(1)) return undefined;
    o += 1 + (hs[o] as number); // cookie
  }
  if (!need(2)) return undefined;
  o += 2 + u16be(hs, o); // cipher suites
  if (!need(1)) return undefined;
  o += 1 + (hs[o] as number); // compression methods
  const out: ClientHello = { alpn: [] };
  if (!need(2)) return out;
  const end = Math.min(hs.length, o + 2 + u16be(hs, o));
  o += 2;
  while (o + 4 <= end) {
    const type = u16be(hs, o);
    const len = u16be(hs, o + 2);
    const body = o + 4;
    if (body + len > end) break;
    if (type === EXT_SERVER_NAME && len >= 5 && hs[body + 2] === 0) {
      const nameLen = u16be(hs, body + 3);
      if (body + 5 + nameLen <= body + len) out.serverName = ascii(hs, body + 5, body + 5 + nameLen);
    } else if (type === EXT_ALPN && len >= 2) {
      for (let a = body + 2; a < body + len;) {
        const l = hs[a] as number;
        out.alpn.push(ascii(hs, a + 1, a + 1 + l));
        a += 1 + l;
      }
    }
    o = body + len;
  }
  return out;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end && i < b.length; i++) {
    const c = b[i] as number;
    s += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}
