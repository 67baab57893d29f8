// The PROXY protocol v2 reader: headers built byte by byte as the specification lays them out
// (HAProxy's doc/proxy-protocol.txt), parsed; malformed ones refused with the reason; and the
// bounded read from a real TCP connection, which leaves what follows the header in the socket.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PROXY_V2_MAX_BYTES, PROXY_V2_SIGNATURE, ProxyHeaderError, checkFixedPart, parseProxyHeader, readProxyHeader } from '../src/proxy-protocol.js';

/** A header: version 2, the command (0 LOCAL, 1 PROXY), family/transport byte, and the bytes after the fixed part. */
function header(command: number, familyTransport: number, body: Buffer): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = 0x20 | command;
  fixed[1] = familyTransport;
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, body]);
}

function inet(src: number[], dst: number[], srcPort: number, dstPort: number): Buffer {
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(srcPort, 0);
  ports.writeUInt16BE(dstPort, 2);
  return Buffer.concat([Buffer.from(src), Buffer.from(dst), ports]);
}

const fault = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof ProxyHeaderError) return `${err.fault}: ${err.message}`;
    throw err;
  }
  return 'no error';
};

describe('PROXY protocol v2 headers', () => {
  it('reads the client of a relayed IPv4 TCP connection, skipping TLVs after the addresses', () => {
    const tlv = Buffer.from([0x04, 0x00, 0x03, 0x00, 0x00, 0x00]); // a NOOP TLV of 3 bytes
    const h = header(1, 0x11, Buffer.concat([inet([203, 0, 113, 7], [10, 0, 0, 11], 51234, 7443), tlv]));
    expect(checkFixedPart(h.subarray(0, 16))).toBe(16 + 12 + 6);
    expect(parseProxyHeader(h)).toEqual({ command: 'proxy', family: 4, address: '203.0.113.7', port: 51234 });
  });

  it('reads an IPv6 client in canonical text: the longest zero run as ::, lower case; and an IPv4-mapped one', () => {
    const v6 = (src: number[]): Buffer => header(1, 0x21, Buffer.concat([Buffer.from(src), Buffer.alloc(16), Buffer.from([0x9c, 0x40, 0x1d, 0x13])]));
    expect(parseProxyHeader(v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]))).toEqual({ command: 'proxy', family: 6, address: '2001:db8::5', port: 40000 });
    expect(parseProxyHeader(v6([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0xab, 0xcd, 0, 0, 0, 0]))).toMatchObject({ address: '2001:db8:1::abcd:0:0' });
    expect(parseProxyHeader(v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toMatchObject({ address: '::1' });
    expect(parseProxyHeader(v6([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6]))).toMatchObject({ address: '2001:db8:1:2:3:4:5:6' });
    expect(parseProxyHeader(v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 4]))).toMatchObject({ address: '::ffff:198.51.100.4' });
  });

  it('takes LOCAL (a health check) as the connection\'s own, whatever family and length it gives', () => {
    expect(parseProxyHeader(header(0, 0x00, Buffer.alloc(0)))).toEqual({ command: 'local' });
    expect(parseProxyHeader(header(0, 0x11, inet([1, 2, 3, 4], [5, 6, 7, 8], 1, 2)))).toEqual({ command: 'local' });
  });

  it('refuses what is not a v2 header, saying what it is', () => {
    expect(fault(() => checkFixedPart(Buffer.from([0x16, 0x03, 0x01])))).toMatch(/^missing: .*does not start with a PROXY protocol v2 header/);
    expect(fault(() => checkFixedPart(PROXY_V2_SIGNATURE.subarray(0, 5)))).toBe('no error');
    expect(fault(() => checkFixedPart(Buffer.from('PROX')))).toBe('no error');
    expect(fault(() => checkFixedPart(Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 5 6\r\n')))).toMatch(/^version-1: .*use `send-proxy-v2`/);
    const v1Nibble = header(1, 0x11, inet([1, 2, 3, 4], [5, 6, 7, 8], 1, 2));
    v1Nibble[12] = 0x11;
    expect(fault(() => checkFixedPart(v1Nibble))).toMatch(/^malformed: PROXY protocol version 1 in the header/);
    expect(fault(() => parseProxyHeader(header(2, 0x11, inet([1, 2, 3, 4], [5, 6, 7, 8], 1, 2))))).toMatch(/^malformed: unknown PROXY protocol command 2/);
  });

  it('refuses a header longer than the limit as soon as its length is read', () => {
    const fixed = header(1, 0x11, Buffer.alloc(PROXY_V2_MAX_BYTES - 16 + 1)).subarray(0, 16);
    expect(fault(() => checkFixedPart(fixed))).toMatch(/^too-long: the PROXY header says it is 537 bytes; at most 536/);
    expect(checkFixedPart(header(1, 0x11, Buffer.alloc(PROXY_V2_MAX_BYTES - 16)).subarray(0, 16))).toBe(PROXY_V2_MAX_BYTES);
  });

  it('refuses a PROXY command for UDP, UNIX sockets or an unspecified family, and address blocks too short', () => {
    expect(fault(() => parseProxyHeader(header(1, 0x12, inet([1, 2, 3, 4], [5, 6, 7, 8], 1, 2))))).toMatch(/^unsupported: .*family 1 over transport 2/);
    expect(fault(() => parseProxyHeader(header(1, 0x31, Buffer.alloc(216))))).toMatch(/^unsupported: .*family 3/);
    expect(fault(() => parseProxyHeader(header(1, 0x00, Buffer.alloc(0))))).toMatch(/^unsupported/);
    expect(fault(() => parseProxyHeader(header(1, 0x11, Buffer.alloc(8))))).toMatch(/^malformed: .*IPv4 with 8 bytes of addresses; it needs 12/);
    expect(fault(() => parseProxyHeader(header(1, 0x21, Buffer.alloc(12))))).toMatch(/^malformed: .*IPv6 with 12 bytes of addresses; it needs 36/);
  });
});

describe('reading the header from a connection', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /** A server whose first connection is handed to `onSocket`; returns a client connected to it. */
  async function pair(onSocket: (s: Socket) => void): Promise<Socket> {
    server = createServer(onSocket);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const client = connect(typeof address === 'object' && address ? address.port : 0, '127.0.0.1');
    client.on('error', () => undefined);
    await once(client, 'connect');
    return client;
  }

  it('reads a header sent in pieces and leaves the bytes after it for the next reader', async () => {
    let result: Promise<{ header: unknown; after: string }> | undefined;
    const client = await pair((s) => {
      result = readProxyHeader(s, 5000).then(async (h) => {
        s.setEncoding('latin1');
        let after = '';
        s.on('data', (d: string) => (after += d));
        await once(s, 'end');
        return { header: h, after };
      });
    });
    const h = header(1, 0x11, inet([198, 51, 100, 4], [10, 0, 0, 1], 40000, 7443));
    client.write(h.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 50));
    client.write(h.subarray(3, 20));
    await new Promise((r) => setTimeout(r, 50));
    client.end(Buffer.concat([h.subarray(20), Buffer.from('\x16\x03\x01 the client hello')]));
    const r = await (result as NonNullable<typeof result>);
    expect(r.header).toEqual({ command: 'proxy', family: 4, address: '198.51.100.4', port: 40000 });
    expect(r.after).toBe('\x16\x03\x01 the client hello');
  });

  it('where a header is optional, gives back a connection that starts otherwise whole, and still requires one that starts like a header to be one', async () => {
    const read = async (bytes: Buffer): Promise<{ header: unknown; after: string }> => {
      let result: Promise<{ header: unknown; after: string }> | undefined;
      const client = await pair((s) => {
        result = readProxyHeader(s, 5000, true).then(async (h) => {
          s.setEncoding('latin1');
          let after = '';
          s.on('data', (d: string) => (after += d));
          await once(s, 'end');
          return { header: h, after };
        }, (err: ProxyHeaderError) => ({ header: err.fault, after: '' }));
      });
      client.end(bytes);
      const r = await (result as NonNullable<typeof result>);
      server?.close();
      return r;
    };
    expect(await read(Buffer.from('\x16\x03\x01 a client hello'))).toEqual({ header: { command: 'none' }, after: '\x16\x03\x01 a client hello' });
    const h = header(1, 0x11, inet([198, 51, 100, 4], [10, 0, 0, 1], 40000, 7443));
    expect(await read(Buffer.concat([h, Buffer.from('after')]))).toEqual({ header: { command: 'proxy', family: 4, address: '198.51.100.4', port: 40000 }, after: 'after' });
    const broken = Buffer.from(h);
    broken[5] = 0;
    expect((await read(broken)).header).toBe('missing');
  });

  it('fails at the first wrong byte, at the deadline, or when the peer closes first', async () => {
    const outcome = async (send: (c: Socket) => void, timeoutMs: number): Promise<{ error: string; ms: number }> => {
      let result: Promise<{ error: string; ms: number }> | undefined;
      const started = Date.now();
      const client = await pair((s) => {
        result = readProxyHeader(s, timeoutMs).then(() => ({ error: 'none', ms: Date.now() - started }),
          (err: ProxyHeaderError) => ({ error: err.fault, ms: Date.now() - started }));
      });
      send(client);
      await new Promise((r) => setTimeout(r, 20));
      const r = await (result as NonNullable<typeof result>);
      client.destroy();
      server?.close();
      return r;
    };
    const wrong = await outcome((c) => c.write('GET / HTTP/1.1\r\n'), 5000);
    expect(wrong.error).toBe('missing');
    expect(wrong.ms).toBeLessThan(1000);
    const slow = await outcome((c) => c.write(PROXY_V2_SIGNATURE.subarray(0, 10)), 400);
    expect(slow.error).toBe('timeout');
    expect(slow.ms).toBeGreaterThanOrEqual(380);
    const closed = await outcome((c) => c.end(PROXY_V2_SIGNATURE), 5000);
    expect(closed.error).toBe('incomplete');
    expect(closed.ms).toBeLessThan(1000);
  });
});
