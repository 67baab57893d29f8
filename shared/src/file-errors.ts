// File errors as sentences: what is wrong with which file and what to do, instead of the bare
// ENOENT / EISDIR / EACCES / ENOTDIR codes the file system gives.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface FileErrorOptions {
  /** How to point at another file, or make this one: "pass an existing file with --policy". */
  fix?: string;
  /** The file was being created or written, not read. */
  writing?: boolean;
}

/** The nearest folder above `path` that does not exist, or undefined when its folder exists. */
function missingFolder(path: string): string | undefined {
  let missing: string | undefined;
  for (let dir = dirname(resolve(path)); !existsSync(dir); dir = dirname(dir)) {
    missing = dir;
    if (dirname(dir) === dir) break;
  }
  return missing;
}

/** The part of `path` that is a file where a folder should be. */
function fileInTheWay(path: string): string | undefined {
  for (let dir = dirname(resolve(path)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      if (!statSync(dir).isDirectory()) return dir;
    } catch {
      // not there or not readable: look further up
    }
  }
  return undefined;
}

/**
 * What is wrong with `path`, to follow its name: "does not exist", "is a folder, not a file", ...
 * with `fix` (what to do instead) at the end.
 */
export function fileErrorReason(err: unknown, path: string, opts: FileErrorOptions = {}): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const fix = opts.fix ? `: ${opts.fix}` : '';
  switch (code) {
    case 'ENOENT': {
      const folder = missingFolder(path);
      if (folder !== undefined) return `cannot be ${opts.writing ? 'created' : 'found'}: the folder ${folder} does not exist${fix}`;
      return `does not exist${fix}`;
    }
    case 'EISDIR':
      return `is a folder, not a file${fix || ': name a file in it'}`;
    case 'ENOTDIR':
    case 'EEXIST': {
      // Making a folder where a file is gives EEXIST; opening a path through a file, ENOTDIR.
      const file = fileInTheWay(path);
      if (code === 'EEXIST' && file === undefined) return `already exists${fix}`;
      return `cannot be ${opts.writing ? 'created' : 'read'}: ${file ? `${file} is a file, not a folder` : 'a part of its path is a file, not a folder'}${fix}`;
    }
    case 'EACCES':
    case 'EPERM':
      return `cannot be ${opts.writing ? 'written' : 'read'}: permission denied for this user; run as a user who may, or change the permissions${opts.fix ? `, or ${opts.fix}` : ''}`;
    case 'EROFS':
      return `cannot be written: it is on a read-only file system${fix}`;
    case 'ENOSPC':
      return `cannot be written: the disk is full; free some space${opts.fix ? `, or ${opts.fix}` : ''}`;
    case 'ELOOP':
      return `cannot be opened: its symbolic links go round in a loop${fix}`;
    case 'ENAMETOOLONG':
      return `cannot be opened: the path is too long${fix}`;
    case 'EMFILE':
    case 'ENFILE':
      return `cannot be opened: too many files are open; try again${fix}`;
    default:
      return `cannot be ${opts.writing ? 'written' : 'read'}: ${err instanceof Error ? err.message : String(err)}${fix}`;
  }
}

/**
 * One sentence for a failed read or write of `path`: `what` names the file ("the policy file"),
 * `fix` says what to do instead ("pass an existing file with --policy").
 */
export function describeFileError(err: unknown, path: string, what: string, opts: FileErrorOptions = {}): string {
  return `${what} ${path} ${fileErrorReason(err, path, opts)}`;
}
