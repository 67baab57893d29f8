// Syslog transport: UDP (one datagram per line), TCP or TLS (RFC 6587 / RFC 5425 octet counting:
// "LENGTH SP MESSAGE"). Stream connections reconnect with backoff; lines wait in a bounded queue.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Logger } from '@farmwatch/shared';
import type { AlertDocument } from './document.js';
import { cef, rfc5424 } from './syslog-format.js';

export interface SyslogOptions {
  /** udp://host:514, tcp://host:514 or tls://host:6514 */
  url: string;
  format: '5424' | 'cef';
  /** CA certificate (PEM) that signs the receiver's certificate, for tls:// */
  ca?: Buffer;
}

export class SyslogExporter {
  private readonly protocol: 'udp' | 'tcp' | 'tls';
  private readonly host: string;
  private readonly port: number;
  private udp: UdpSocket | undefined;
  private stream: Socket | undefined;
  private connecting = false;
  private readonly queue: string[] = [];
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: SyslogOptions, private readonly log: Logger, private readonly count: (result: string) => void) {
    const u = new URL(opts.url);
    const p = u.protocol.replace(':', '');
    if (p !== 'udp' && p !== 'tcp' && p !== 'tls') throw new Error(`syslog URL ${opts.url}: use udp://, tcp:// or tls://`);
    this.protocol = p;
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || (p === 'tls' ? 6514 : 514));
  }

  line(doc: AlertDocument): string {
    return this.opts.format === 'cef' ? cef(doc) : rfc5424(doc);
  }

  send(doc: AlertDocument): void {
    const line = this.line(doc);
    if (this.protocol === 'udp') {
      this.udp ??= createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
      this.udp.send(Buffer.from(line), this.port, this.host, (err) => this.count(err ? 'failed' : 'delivered'));
      return;
    }
    if (this.queue.length >= 10_000) {
      this.queue.shift();
      this.count('dropped');
    }
    this.queue.push(line);
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    if (!this.stream) return this.connect();
    while (this.queue.length > 0) {
      const line = Buffer.from(this.queue.shift() as string);
      this.stream.write(`${line.length} `);
      this.stream.write(line);
      this.count('delivered');
    }
  }

  private connect(): void {
    if (this.connecting || this.closed) return;
    this.connecting = true;
    const onReady = (): void => {
      this.connecting = false;
      this.retryMs = 500;
      this.stream = socket;
      this.flush();
    };
    const socket: Socket = this.protocol === 'tls'
      ? tlsConnect({ host: this.host, port: this.port, ...(this.opts.ca ? { ca: this.opts.ca } : {}), ...(isIP(this.host) ? {} : { servername: this.host }) }, onReady)
      : tcpConnect({ host: this.host, port: this.port }, onReady);
    socket.on('error', (err) => {
      this.log.warn('syslog connection failed', { url: this.opts.url, error: err.message, retryInMs: this.retryMs });
    });
    socket.on('close', () => {
      this.stream = undefined;
      this.connecting = false;
      if (this.closed || this.queue.length === 0) return;
      this.timer = setTimeout(() => this.flush(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 60_000);
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stream?.end();
    this.udp?.close();
  }
}
