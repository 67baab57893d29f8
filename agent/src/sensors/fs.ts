// Reads of /proc, /sys and /etc for the Linux sensors: no child processes, missing files are
// normal (a device went away, a field does not exist on this kernel) and come back as undefined.
import { readFile, readdir, readlink } from 'node:fs/promises';

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
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

export async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

export async function listDir(path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch {
    return undefined;
  }
}

export async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}

/** The error code of a failed fs call, for telling "missing" from "not permitted". */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err).code) : undefined;
}
