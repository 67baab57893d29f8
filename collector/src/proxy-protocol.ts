// The PROXY protocol, version 2 (the binary header HAProxy sends with `send-proxy-v2`): a load
// balancer in TCP mode writes it at the start of each connection it opens to a backend, naming the
// client it relays, so the backend learns the client's address although the TCP peer is the
// balancer. Written here from HAProxy's specification (doc/proxy-protocol.txt): the format is
// short, and the npm parsers looked at either took a whole buffer with no framing or depended on
// packages of their own, so reading it bounded from a socket was ours to write in any case.
//
// The header: 12 signature bytes; a byte whose high nibble is the version (2) and low nibble the
// command (0 LOCAL: the balancer's own connection, e.g. a health check, whose addresses are the
// real ones; 1 PROXY: a relayed one); a byte with the address family (high nibble: 0 UNSPEC,
// 1 INET, 2 INET6, 3 UNIX) and transport (low nibble: 0 UNSPEC, 1 STREAM, 2 DGRAM); the length of
// what follows (big endian, 2 bytes); then the addresses (INET: source, destination, 4 bytes each,
// then source and destination ports, 2 bytes each; INET6: the same with 16-byte addresses) and
// optional TLVs, which are skipped.
import type { Socket } from 'node:net';

export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** The fixed part: signature, version and command, family and transport, length. */
export const PROXY_V2_FIXED_BYTES = 16;
/** The longest header accepted: the fixed part and up to 520 bytes of addresses and TLVs. */
export const PROXY_V2_MAX_BYTES = 536;

/** Why a connection that had to start with a header was closed (the metric's label). */
export type ProxyHeaderFault = 'missing' | 'version-1' | 'malformed' | 'unsupported' | 'too-long' | 'incomplete' | 'timeout';

export class ProxyHeaderError extends Error {
  constructor(readonly fault: ProxyHeaderFault, message: string) {
    super(message);
  }
}

/**
 * What a header says: the client a balancer relays, or LOCAL (the connection's own addresses
 * stand); or, where a header is optional, that the connection started with something else.
 */
export type ProxyHeader = { command: 'local' } | { command: 'proxy'; family: 4 | 6; address: string; port: number } | { command: 'none' };

const FAMILY_INET = 0x1;
const FAMILY_INET6 = 0x2;
const TRANSPORT_STREAM = 0x1;

/**
 * Checks the fixed 16 bytes (or as many as have come: a wrong first byte is known at once) and,
 * when all 16 are there, returns the header's whole length.
 */
export function checkFixedPart(head: Buffer): number | undefined {
  const n = Math.min(head.length, PROXY_V2_SIGNATURE.length);
  if (!head.subarray(0, n).equals(PROXY_V2_SIGNATURE.subarray(0, n))) {
    if ('PROXY '.startsWith(head.subarray(0, 6).toString('latin1'))) {
      if (head.length < 6) return undefined;
      throw new ProxyHeaderError('version-1', 'the connection starts with a PROXY protocol version 1 (text) header; only version 2 is accepted: use `send-proxy-v2`, not `send-proxy`');
    }
    throw new ProxyHeaderError('missing', 'the connection does not start with a PROXY protocol v2 header');
  }
  if (head.length < PROXY_V2_FIXED_BYTES) return undefined;
  const version = (head[12] as number) >> 4;
  const command = (head[12] as number) & 0x0f;
  if (version !== 2) throw new ProxyHeaderError('malformed', `PROXY protocol version ${version} in the header; only version 2 is accepted`);
  if (command > 1) throw new ProxyHeaderError('malformed', `unknown PROXY protocol command ${command} (0 is LOCAL, 1 is PROXY)`);
  const length = PROXY_V2_FIXED_BYTES + head.readUInt16BE(14);
  if (length > PROXY_V2_MAX_BYTES) throw new ProxyHeaderError('too-long', `the PROXY header says it is ${length} bytes; at most ${PROXY_V2_MAX_BYTES} are accepted`);
  return length;
}

/** Reads a complete header (its length as checkFixedPart gave it). */
export function parseProxyHeader(header: Buffer): ProxyHeader {
  const length = checkFixedPart(header);
  if (length === undefined || header.length !== length) throw new ProxyHeaderError('malformed', 'the PROXY header is cut short');
  if (((header[12] as number) & 0x0f) === 0) return { command: 'local' };
  const familyNibble = (header[13] as number) >> 4;
  const transport = (header[13] as number) & 0x0f;
  const body = header.subarray(PROXY_V2_FIXED_BYTES);
  if (transport !== TRANSPORT_STREAM || (familyNibble !== FAMILY_INET && familyNibble !== FAMILY_INET6)) {
    throw new ProxyHeaderError('unsupported', `a PROXY header for address family ${familyNibble} over transport ${transport}; only TCP over IPv4 or IPv6 (0x11, 0x21) is accepted`);
  }
  if (familyNibble === FAMILY_INET) {
    if (body.length < 12) throw new ProxyHeaderError('malformed', `a PROXY header for IPv4 with ${body.length} bytes of addresses; it needs 12`);
    return { command: 'proxy', family: 4, address: [...body.subarray(0, 4)].join('.'), port: body.readUInt16BE(8) };
  }
  if (body.length < 36) throw new ProxyHeaderError('malformed', `a PROXY header for IPv6 with ${body.length} bytes of addresses; it needs 36`);
  return { command: 'proxy', family: 6, address: ipv6Text(body.subarray(0, 16)), port: body.readUInt16BE(32) };
}

/** 16 bytes as an IPv6 address in its canonical text (RFC 5952: lower case, longest zero run as "::"). */
function ipv6Text(bytes: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  let best = -1;
  let bestLen = 1; // a single zero group is not shortened
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * Reads the header at the start of `socket`, taking no byte past it (what follows, the client's TLS,
 * stays in the socket for whoever reads next). Reads only what the header still lacks, so it holds
 * at most PROXY_V2_MAX_BYTES; fails as soon as a byte is wrong, when the peer closes first, or
 * when the header is not complete within `timeoutMs`. With `optional`, a connection whose first
 * byte cannot begin a header is given back whole ({ command: 'none' }); one that begins like a
 * header must still be one.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number, optional = false): Promise<ProxyHeader> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    let want = PROXY_V2_FIXED_BYTES;
    const finish = (err: ProxyHeaderError | undefined, header?: ProxyHeader): void => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
      if (err) reject(err);
      else resolve(header as ProxyHeader);
    };
    const onEnd = (): void => finish(new ProxyHeaderError('incomplete', `the connection ended after ${got.length} bytes, before a complete PROXY header`));
    const onReadable = (): void => {
      try {
        while (got.length < want && socket.readableLength > 0) {
          const chunk = socket.read(Math.min(socket.readableLength, want - got.length)) as Buffer | null;
          if (!chunk) return;
          got = Buffer.concat([got, chunk]);
          if (optional && got[0] !== PROXY_V2_SIGNATURE[0]) {
            socket.unshift(got);
            return finish(undefined, { command: 'none' });
          }
          if (want === PROXY_V2_FIXED_BYTES) want = checkFixedPart(got) ?? PROXY_V2_FIXED_BYTES;
        }
        if (got.length === want) finish(undefined, parseProxyHeader(got));
      } catch (err) {
        if (err instanceof ProxyHeaderError) finish(err);
        else throw err;
      }
    };
    const timer = setTimeout(() => finish(new ProxyHeaderError('timeout', `no complete PROXY header within ${timeoutMs} ms (${got.length} bytes came)`)), timeoutMs);
    socket.on('readable', onReadable);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onEnd);
  });
}
