// One agent per state folder. Two agents on one folder append to and trim one spool at once and
// corrupt it (a second `run` started by hand beside the service did exactly that), so `run` takes
// <state>/agent.lock before it opens anything there:
// - the lock is created with O_CREAT|O_EXCL|O_NOFOLLOW, holding the holder's pid and, on Linux,
//   its start time (field 22 of /proc/PID/stat), so a pid the kernel gave to another program
//   later is not taken for the agent;
// - a lock whose holder is gone (a crash, a power loss) is taken over: renamed aside atomically,
//   then created afresh, so of two agents finding it stale only one gets it;
// - a lock whose holder runs is refused with what to do;
// - the holder removes it when it stops (a crash leaves it, and the next start takes it over).
import { closeSync, constants, mkdirSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@farmwatch/shared';
import { readFileNoFollow } from './no-follow.js';

const POSIX = process.platform !== 'win32';
const NOFOLLOW = POSIX ? constants.O_NOFOLLOW : 0;

interface Holder {
  pid: number;
  /** Linux: the process's start time in clock ticks since boot; empty elsewhere. */
  start: string;
  sinceMs: number;
}

/** The start time of PID (Linux), or '' where it cannot be read. */
function startTimeOf(pid: number): string {
  if (process.platform !== 'linux') return '';
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function alive(h: Holder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    // EPERM: a process of another user has the pid, so it runs (and is not ours to judge: refuse).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!h.start) return true;
  return startTimeOf(h.pid) === h.start;
}

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileNoFollow(path).toString('utf8')) as Partial<Holder>;
    if (typeof h.pid !== 'number' || !Number.isInteger(h.pid) || h.pid <= 0) return undefined;
    return { pid: h.pid, start: typeof h.start === 'string' ? h.start : '', sinceMs: typeof h.sinceMs === 'number' ? h.sinceMs : 0 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    return undefined; // unreadable or not ours: treated as stale
  }
}

function create(path: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

export interface FolderLock {
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/** Takes <dir>/agent.lock for this process, or throws a UsageError naming the agent that holds it. */
export function lockStateFolder(dir: string, nowMs = Date.now()): FolderLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'agent.lock');
  const me: Holder = { pid: process.pid, start: startTimeOf(process.pid), sinceMs: nowMs };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, me)) {
      return {
        release: () => {
          try {
            const h = readHolder(path);
            if (h?.pid === me.pid && h.start === me.start) unlinkSync(path);
          } catch { /* gone already */ }
        },
      };
    }
    let holder: Holder | undefined;
    try {
      holder = readHolder(path);
    } catch {
      continue; // removed meanwhile: try again
    }
    if (holder && holder.pid !== process.pid && alive(holder)) {
      const since = holder.sinceMs ? `, running since ${new Date(holder.sinceMs).toISOString()}` : '';
      throw new UsageError(`another farmwatch agent (pid ${holder.pid}${since}) uses the state folder ${dir}: two agents on one spool would ` +
        'corrupt it. Stop that one first (e.g. `systemctl stop farmwatch-agent`), or give this one its own --state-dir');
    }
    if (holder && holder.pid === process.pid && holder.start === me.start) {
      throw new UsageError(`this process already holds ${path}`);
    }
    // Stale: set aside atomically (of two agents doing this, the second finds nothing to rename).
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
      rmSync(aside, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new UsageError(`could not take ${path}: another agent keeps replacing it; stop the other agents that use ${dir}`);
}
