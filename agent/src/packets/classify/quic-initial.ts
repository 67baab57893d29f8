// The server name in a QUIC client's Initial packets. Initial packets are encrypted with keys
// anyone can derive from the destination connection id (they protect against tampering, not
// reading), so the ClientHello inside can be read like TLS's.
// Source: RFC 9001 §5.2 (initial secrets, v1 salt), §5.3 (AEAD_AES_128_GCM), §5.4 (header
// protection), §5.8; RFC 9000 §17.2.2 (Initial packet), §16 (variable-length integers), §19.6
// (CRYPTO frame); RFC 8446 §7.1 (HKDF-Expand-Label). QUIC v2 (RFC 9369) uses another salt and
// labels and is not read here.
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

const V1_SALT = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');

function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0, 1])]);
  return createHmac('sha256', secret).update(info).digest().subarray(0, length);
}

function clientKeys(dcid: Uint8Array): { key: Buffer; iv: Buffer; hp: Buffer } {
  const initial = createHmac('sha256', V1_SALT).update(dcid).digest();
  const client = expandLabel(initial, 'client in', 32);
  return { key: expandLabel(client, 'quic key', 16), iv: expandLabel(client, 'quic iv', 12), hp: expandLabel(client, 'quic hp', 16) };
}

function varint(b: Uint8Array, o: number): { value: number; next: number } | undefined {
  if (o >= b.length) return undefined;
  const len = 1 << ((b[o] as number) >> 6);
  if (o + len > b.length) return undefined;
  let v = (b[o] as number) & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + (b[o + i] as number);
  return { value: v, next: o + len };
}

/** The CRYPTO frames of one client Initial packet (v1), as (offset, data) pairs; undefined when
 *  the datagram is not a v1 Initial or does not decrypt. Coalesced packets after the first are
 *  ignored. */
export function initialCryptoFrames(d: Uint8Array): { offset: number; data: Buffer }[] | undefined {
  if (d.length < 7 || ((d[0] as number) & 0xf0) !== 0xc0) return undefined; // long header, type Initial (0)
  if (((d[1] as number) << 24 | (d[2] as number) << 16 | (d[3] as number) << 8 | (d[4] as number)) >>> 0 !== 1) return undefined;
  let o = 5;
  const dcidLen = d[o] as number;
  if (dcidLen > 20 || o + 1 + dcidLen >= d.length) return undefined;
  const dcid = d.subarray(o + 1, o + 1 + dcidLen);
  o += 1 + dcidLen;
  o += 1 + (d[o] as number); // source connection id
  const token = varint(d, o);
  if (!token) return undefined;
  const len = varint(d, token.next + token.value);
  if (!len) return undefined;
  const pnOffset = len.next;
  const end = pnOffset + len.value;
  if (end > d.length || len.value < 20 || pnOffset + 20 > d.length) return undefined;
  const { key, iv, hp } = clientKeys(dcid);
  const mask = createCipheriv('aes-128-ecb', hp, null).setAutoPadding(false).update(d.subarray(pnOffset + 4, pnOffset + 20));
  const first = (d[0] as number) ^ ((mask[0] as number) & 0x0f);
  const pnLen = (first & 0x03) + 1;
  const header = Buffer.from(d.subarray(0, pnOffset + pnLen));
  header[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    header[pnOffset + i] = (d[pnOffset + i] as number) ^ (mask[1 + i] as number);
    pn = pn * 256 + (header[pnOffset + i] as number);
  }
  const nonce = Buffer.from(iv);
  for (let i = 0; i < 6; i++) nonce[11 - i] = (nonce[11 - i] as number) ^ (Math.floor(pn / 2 ** (8 * i)) & 0xff);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-128-gcm', key, nonce);
    decipher.setAAD(header);
    decipher.setAuthTag(Buffer.from(d.subarray(end - 16, end)));
    plain = Buffer.concat([decipher.update(d.subarray(pnOffset + pnLen, end - 16)), decipher.final()]);
  } catch {
    return undefined;
  }
  const frames: { offset: number; data: Buffer }[] = [];
  for (let f = 0; f < plain.length;) {
    const type = plain[f] as number;
    if (type === 0x00 || type === 0x01) { f++; continue; } // PADDING, PING
    if (type === 0x06) { // CRYPTO: offset, length, data
      const off = varint(plain, f + 1);
      const l = off && varint(plain, off.next);
      if (!off || !l || l.next + l.value > plain.length) break;
      frames.push({ offset: off.value, data: plain.subarray(l.next, l.next + l.value) });
      f = l.next + l.value;
    } else if (type === 0x02 || type === 0x03) {
      // ACK: largest acknowledged, delay, range count, first range, (gap, length) per range, and
      // three ECN counts for type 0x03 (RFC 9000 §19.3).
      const largest = varint(plain, f + 1);
      const delay = largest && varint(plain, largest.next);
      const count = delay && varint(plain, delay.next);
      let v = count && varint(plain, count.next);
      const more = (count?.value ?? 0) * 2 + (type === 0x03 ? 3 : 0);
      for (let i = 0; v && i < more; i++) v = varint(plain, v.next);
      if (!v) break;
      f = v.next;
    } else break;
  }
  return frames;
}
