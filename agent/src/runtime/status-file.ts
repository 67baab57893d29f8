// What `farmwatch-agent status` shows: the running agent writes <state>/status.json every few
// seconds (atomically, never through a link: state/no-follow.ts), and the status command reads it
// without talking to the agent.
import { join } from 'node:path';
import { readFileNoFollow, writeFileSafely } from '../state/no-follow.js';

export interface AgentStatus {
  pid: number;
  version: string;
  startedAtMs: number;
  writtenAtMs: number;
  server: string;
  deviceId: string | undefined;
  connection: string;
  lastError: string | undefined;
  lastAckAtMs: number | undefined;
  lastAckedSequence: number;
  spool: { depth: number; bytes: number; lastError: string | undefined };
  sensors: { sensor: string; status: string; reason?: string; lastRunMs: number; items: number }[];
  throttle: number;
  rssBytes: number;
  /** CPU over the last cpuWindowS seconds, per mille of one core (one sampler's reading as the file was written). */
  cpuPermille: number;
  /** The span cpuPermille covers: a minute once the agent has run one; 0 when nothing was measured yet. */
  cpuWindowS: number;
  /** The span reaches back to the agent's start (start-up included). */
  cpuFromStart: boolean;
}

export const STATUS_FILE = 'status.json';

export function writeStatus(stateDir: string, status: AgentStatus): void {
  const path = join(stateDir, STATUS_FILE);
  writeFileSafely(path, JSON.stringify(status, null, 1), { mode: 0o600 });
}

export function readStatus(stateDir: string): AgentStatus | undefined {
  try {
    return JSON.parse(readFileNoFollow(join(stateDir, STATUS_FILE)).toString('utf8')) as AgentStatus;
  } catch {
    return undefined;
  }
}
