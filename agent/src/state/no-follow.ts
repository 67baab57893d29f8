// Files in the agent's state folder are opened so that nothing planted there can redirect them.
// The agent often runs as root: a symbolic link left at status.json.tmp or run.json would
// otherwise have it write wherever the link points. So:
// - a file is replaced through a temporary file created with O_CREAT|O_EXCL|O_NOFOLLOW (it must
//   be new: a link at that name is never opened) and renamed over the old name, which replaces a
//   link there, never the file it points to;
// - something already at the temporary name is removed first (removing a link removes the link):
//   a leftover of an interrupted write silently, a link saying so;
// - files are read and appended to with O_NOFOLLOW, and must be regular files (O_NONBLOCK, so a
//   FIFO planted there cannot hang the agent on open).
// On Windows, where the flags do not exist, the folder's ACL is what protects it.
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, openSync, readFileSync, readlinkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const POSIX = process.platform !== 'win32';
const NOFOLLOW = POSIX ? constants.O_NOFOLLOW : 0;
const NONBLOCK = POSIX ? constants.O_NONBLOCK : 0;

/** Where the agent says what it found in its state folder (run sets it to its log). */
export const stateFileNotices = {
  warn: (message: string): void => {
    process.stderr.write(`farmwatch-agent: ${message}\n`);
  },
};

/** The error of opening a symbolic link with O_NOFOLLOW (ELOOP; EMLINK on FreeBSD). */
export function isLinkRefusal(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ELOOP' || code === 'EMLINK';
}

/** What is at PATH, for messages: "a symbolic link to /etc/passwd". */
export function describeLink(path: string): string {
  try {
    return `a symbolic link to ${readlinkSync(path)}`;
  } catch {
    return 'a symbolic link';
  }
}

/** Says that a link was found at PATH and not followed, and what became of it. */
export function noticeLink(path: string, what: string, done = 'replaced by the agent\'s own file'): void {
  stateFileNotices.warn(`${path} is ${what}, which the agent did not make: not followed (the file it points to is untouched), ` +
    `and ${done}; check who can write to ${dirname(path)}`);
}

/** Removes what is at PATH before a new file is created there; a link is reported. */
function removeStale(path: string): void {
  let kind: string;
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) kind = describeLink(path);
    else if (st.isFile()) kind = 'file';
    else throw new Error(`${path} is not a file the agent made (${st.isDirectory() ? 'a folder' : 'a special file'}): remove it`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  unlinkSync(path);
  if (kind !== 'file') noticeLink(path, kind, 'removed');
}

/** A new file at PATH, never through a link: what was there is removed first. Returns its descriptor. */
export function createExclusive(path: string, mode: number): number {
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
      if (POSIX) fchmodSync(fd, mode); // the exact mode, whatever the umask
      return fd;
    } catch (err) {
      // Something keeps reappearing there: someone else writes in this folder.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      removeStale(path);
    }
  }
}

export interface WriteOptions {
  mode?: number;
  /** fsync the file before it replaces the old one. */
  fsync?: boolean;
  /** The temporary file's name: PATH + this (default ".tmp"). */
  suffix?: string;
}

/** Replaces PATH with DATA through a new temporary file renamed over it; never writes through a link. */
export function writeFileSafely(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  const tmp = `${path}${opts.suffix ?? '.tmp'}`;
  const fd = createExclusive(tmp, opts.mode ?? 0o600);
  try {
    writeFileSync(fd, data);
    if (opts.fsync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Opens a regular file without following a link; anything else is closed and refused. */
function openRegular(path: string, flags: number, mode?: number): number {
  const fd = openSync(path, flags | NOFOLLOW | NONBLOCK, mode);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw Object.assign(new Error(`${path} is not a regular file: remove it`), { code: 'ENOTFILE' });
  }
  return fd;
}

/** Reads PATH, refusing a link (isLinkRefusal tells that error) and anything but a regular file. */
export function readFileNoFollow(path: string): Buffer {
  const fd = openRegular(path, constants.O_RDONLY);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens PATH to read and append, creating it, refusing a link. */
export function openAppendNoFollow(path: string, mode: number): number {
  return openRegular(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, mode);
}
