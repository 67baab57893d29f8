// gRPC below grpc-js: one HTTP/2 request over TLS with whatever bytes the caller gives as the body,
// so fuzz tests can send frames no gRPC library would (a length prefix that lies, the compressed
// flag without an encoding, a prefix cut in half). Returns the status the server answered with.
import { connect, constants } from 'node:http2';

export interface RawAnswer {
  httpStatus?: number;
  grpcStatus?: number;
  grpcMessage?: string;
  /** The request failed below gRPC (reset stream, TLS or connection error). */
  error?: string;
  /** No answer within the deadline. */
  timedOut: boolean;
  ms: number;
}

/** A gRPC frame: compressed flag, 4-byte big-endian length, message. `length` may lie. */
export function grpcFrame(message: Buffer, opts: { compressed?: boolean; length?: number } = {}): Buffer {
  const head = Buffer.alloc(5);
  head[0] = opts.compressed ? 1 : 0;
  head.writeUInt32BE(opts.length ?? message.length, 1);
  return Buffer.concat([head, message]);
}

export function rawGrpc(port: number, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }, path: string, body: Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const answer: RawAnswer = { timedOut: false, ms: 0 };
    const session = connect(`https://127.0.0.1:${port}`, { ca: tls.ca, ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}) });
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      answer.ms = Date.now() - t0;
      session.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => {
      answer.timedOut = true;
      finish();
    }, timeoutMs);
    session.on('error', (err: Error) => {
      answer.error = err.message;
      finish();
    });
    const req = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST', [constants.HTTP2_HEADER_PATH]: path, 'content-type': 'application/grpc', te: 'trailers',
    });
    const take = (h: Record<string, unknown>): void => {
      if (h[':status'] !== undefined) answer.httpStatus = Number(h[':status']);
      if (h['grpc-status'] !== undefined) answer.grpcStatus = Number(h['grpc-status']);
      if (typeof h['grpc-message'] === 'string') answer.grpcMessage = decodeURIComponent(h['grpc-message']);
    };
    req.on('response', take);
    req.on('trailers', take);
    req.on('data', () => {});
    req.on('error', (err: Error) => {
      answer.error = err.message;
    });
    req.on('close', finish);
    req.end(body);
  });
}
