// The spool's small state file (last acknowledged and next sequence), replaced atomically: write a
// new temporary file (never through a link: state/no-follow.ts), fsync it, rename it over the old
// one, fsync the folder.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { readFileNoFollow, writeFileSafely } from '../../state/no-follow.js';

export interface SpoolState {
  ackedSequence: number;
  nextSequence: number;
}

const NAME = 'state.json';

export function readState(dir: string): SpoolState | undefined {
  try {
    const parsed = JSON.parse(readFileNoFollow(join(dir, NAME)).toString('utf8')) as Partial<SpoolState>;
    if (Number.isSafeInteger(parsed.ackedSequence) && Number.isSafeInteger(parsed.nextSequence)) return parsed as SpoolState;
  } catch {
    // missing or torn: the segments still tell the sequences
  }
  return undefined;
}

export function writeState(dir: string, state: SpoolState): void {
  writeFileSafely(join(dir, NAME), JSON.stringify(state), { mode: 0o600, fsync: true });
  syncDir(dir);
}

export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems (and Windows) cannot fsync a folder; the rename is still atomic
  }
}
