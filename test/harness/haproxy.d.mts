// The types of haproxy.mjs (plain JavaScript: scripts and benchmarks run by node use it as the tests do).
export interface HaproxyOptions {
  /** Backends as HOST:PORT (IPv4 or a name); at least one. Ignored when `config` is given. */
  backends?: string[];
  /**
   * A configuration of one's own instead of the generated one (e.g. the shipped one, adapted): given
   * the frontend's port and the admin socket's path, which it must bind and declare.
   */
  config?: (where: {
    port: number;
    socket: string;
  }) => string;
  /** Health check interval in ms (default 200); a backend is down after `fall` failed checks (default 2) */
  checkIntervalMs?: number;
  fall?: number;
  rise?: number;
  /** How to spread connections (default roundrobin) */
  balance?: 'roundrobin' | 'leastconn' | 'source';
  /** Start each connection to a backend with a PROXY protocol v2 header naming the client (send-proxy-v2; its health checks send LOCAL ones). */
  sendProxy?: boolean;
  /** Connect to the backends from this address (e.g. 127.0.0.5: any of 127/8 is this machine's on Linux). */
  source?: string;
  /** Also listen on [::1] (same port). */
  ipv6?: boolean;
}
export interface HaproxyServer {
  /** The frontend's port on 127.0.0.1 */
  port: number;
  address: string;
  /** The configuration it runs with */
  config: string;
  /** Each server's name (b1, b2, ... in the order given) to its HAProxy status (UP, DOWN, "UP 1/2", MAINT, ...) */
  backendStatus(): Promise<Map<string, string>>;
  /** Waits until backend `name` has status `status` (UP or DOWN), up to timeoutMs (default 10 s) */
  waitFor(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}
/** Why tests that need HAProxy cannot run here, or undefined when they can. */
export declare function haproxyUnavailable(): string | undefined;
/** The configuration: TCP mode, health checks, a failed connection retried on another backend. */
export declare function haproxyConfig(o: {
  port: number;
  socket: string;
  backends: string[];
  interval: number;
  fall: number;
  rise: number;
  balance: string;
  sendProxy?: boolean;
  source?: string;
  ipv6?: boolean;
}): string;
export declare function startHaproxy(opts: HaproxyOptions): Promise<HaproxyServer>;
