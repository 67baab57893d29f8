// Telling "stopped" from "crashed" from "offline". While the agent runs, <state>/run.json says so;
// a clean stop removes it. Finding it at start means the previous run ended without stopping:
// a crash (same boot) or a power loss / hard reset (another boot), reported to the collector as
// the previous run's stop. Package scripts write <state>/stop-reason ("uninstall", "upgrade")
// before they stop the service, so the stop event carries the real reason.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { StopReason } from '@farmwatch/proto';
import { describeLink, isLinkRefusal, noticeLink, readFileNoFollow, writeFileSafely } from '../state/no-follow.js';

interface Marker {
  pid: number;
  bootId: string;
  startedAtMs: number;
}

export interface PreviousRun {
  reason: StopReason;
  detail: string;
}

export function markRunning(stateDir: string, bootId: string, nowMs = Date.now()): PreviousRun | undefined {
  const path = join(stateDir, 'run.json');
  let previous: PreviousRun | undefined;
  try {
    const m = JSON.parse(readFileNoFollow(path).toString('utf8')) as Marker;
    const since = new Date(m.startedAtMs).toISOString();
    previous = m.bootId && bootId && m.bootId !== bootId
      ? { reason: StopReason.STOP_REASON_SHUTDOWN, detail: `the previous run (pid ${m.pid}, started ${since}) ended with the machine, without a clean stop (power loss or hard reset)` }
      : { reason: StopReason.STOP_REASON_CRASH, detail: `the previous run (pid ${m.pid}, started ${since}) ended without stopping cleanly` };
  } catch (err) {
    // No marker: the previous run stopped cleanly, or there was none. A link is not the agent's.
    if (isLinkRefusal(err)) noticeLink(path, describeLink(path));
  }
  writeFileSafely(path, JSON.stringify({ pid: process.pid, bootId, startedAtMs: nowMs } satisfies Marker), { mode: 0o600 });
  return previous;
}

export function markStopped(stateDir: string): void {
  rmSync(join(stateDir, 'run.json'), { force: true });
}

const REASONS: Record<string, StopReason> = {
  uninstall: StopReason.STOP_REASON_UNINSTALL,
  upgrade: StopReason.STOP_REASON_UPGRADE,
  shutdown: StopReason.STOP_REASON_SHUTDOWN,
};

/** The reason a package script left for this stop, if any (read once, then removed). */
export function takeStopReason(stateDir: string): StopReason | undefined {
  const path = join(stateDir, 'stop-reason');
  try {
    const word = readFileNoFollow(path).toString('utf8').trim().toLowerCase();
    rmSync(path, { force: true });
    return REASONS[word];
  } catch {
    return undefined;
  }
}
