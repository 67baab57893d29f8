import type { MonitorSnapshot } from '../../packets/capture/monitor.js';
import type { DomainMatcher } from '../../packets/classify/types.js';

/** What the packets sensor reports each run: notable flows since the last run, with counters. */
export type PacketFacts = MonitorSnapshot;

export interface PacketCaptureConfig {
  /** Off unless configured: capture needs privilege, and some fleets forbid it. */
  enabled: boolean;
  /** libpcap device; "any" (the default) sees every interface, tunnels included. */
  device?: string;
  /** Most flows tracked at once (default 4096). */
  maxFlows?: number;
  /** Catalog domains for TLS/DNS/HTTP names (default: the built-in catalog's). */
  domains?: DomainMatcher;
}
