// The agent's health as the console shows it: reporting, silent (no message for longer than the
// heartbeat-loss rule allows, and no stop announced: unplugged, firewalled or killed), stopped (it
// said so, and why), or enrolled and never reported; with its spool depth, resources and RTT.
import type { DeviceRow } from '../../store/records.js';

export type AgentStatus = 'online' | 'silent' | 'stopped' | 'never_reported' | 'not_enrolled';

export interface AgentHealth {
  status: AgentStatus;
  /** A stream from the agent is open right now. */
  connected: boolean;
  lastSeenMs: number | null;
  silentAfterMs: number;
  stoppedAtMs: number | null;
  stopReason: string | null;
  spoolDepth: number | null;
  /** The agent's CPU, per mille of one core, over the cpuWindowS seconds up to cpuAtMs (cpuWindowS 0: since its previous report, an older agent). */
  cpuPermille: number | null;
  cpuWindowS: number | null;
  cpuAtMs: number | null;
  rssBytes: number | null;
  rttMs: number | null;
  agentVersion: string;
  catalogVersion: string;
  eventsStored: number;
}

export function agentStatus(d: DeviceRow | undefined | null, connected: boolean, silentAfterMs: number, nowMs: number): AgentStatus {
  if (!d) return 'not_enrolled';
  if (d.stoppedAtMs !== null && !connected) return 'stopped';
  if (connected) return 'online';
  if (d.lastSequence === 0) return 'never_reported';
  return nowMs - d.lastSeenMs > silentAfterMs ? 'silent' : 'online';
}

export function agentHealth(d: DeviceRow | undefined | null, connected: boolean, silentAfterMs: number, nowMs: number): AgentHealth {
  return {
    status: agentStatus(d, connected, silentAfterMs, nowMs), connected,
    lastSeenMs: d?.lastSeenMs ?? null, silentAfterMs, stoppedAtMs: d?.stoppedAtMs ?? null, stopReason: d?.stopReason ?? null,
    spoolDepth: d?.spoolDepth ?? null, cpuPermille: d?.cpuPermille ?? null, cpuWindowS: d?.cpuWindowS ?? null, cpuAtMs: d?.cpuAtMs ?? null, rssBytes: d?.rssBytes ?? null, rttMs: d?.rttMs ?? null,
    agentVersion: d?.agentVersion ?? '', catalogVersion: d?.catalogVersion ?? '', eventsStored: d?.lastSequence ?? 0,
  };
}
