// Reads of /proc, /sys and /etc for the Linux sensors: no child processes, missing files are
// normal (a device went away, a field does not exist on this kernel) and come back as undefined.
//
// The reads are synchronous behind the promise: these are small files the kernel makes up on the
// spot (a few hundred per run of the processes and sockets sensors), and fs.promises sends each
// through the thread pool four times (open, fstat, read, close) with a promise per step, which
// was most of the CPU an agent at rest spends. Measured on this machine (~95 processes): the
// processes sensor took 42 ms of CPU per run that way and 4 ms this way; the sockets sensor 24 ms
// and 10 ms. The loop is held for those few milliseconds. A read the kernel holds up (the
// command line of a process stuck with its memory map locked) now holds the loop rather than a
// thread-pool thread: the liveness watchdog (runtime/liveness.ts) restarts an agent held 30 s.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The read's result, or undefined when it failed (missing, gone, not permitted). */
function attempt<T>(read: () => T): Promise<T | undefined> {
  try {
    return Promise.resolve(read());
  } catch {
    return Promise.resolve(undefined);
  }
}

export function readText(path: string): Promise<string | undefined> {
  return attempt(() => readFileSync(path, 'utf8'));
}

/** A sysfs attribute: one line, trimmed. */
export async function readAttr(path: string): Promise<string | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : text.trim();
}

export async function readHexAttr(path: string): Promise<number | undefined> {
  const text = await readAttr(path);
  if (text === undefined || text === '') return undefined;
  const n = Number.parseInt(text, 16);
  return Number.isNaN(n) ? undefined : n;
}

export function readBytes(path: string): Promise<Buffer | undefined> {
  return attempt(() => readFileSync(path));
}

export function listDir(path: string): Promise<string[] | undefined> {
  return attempt(() => readdirSync(path));
}

export function linkTarget(path: string): Promise<string | undefined> {
  return attempt(() => readlinkSync(path));
}

/** The error code of a failed fs call, for telling "missing" from "not permitted". */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err).code) : undefined;
}
