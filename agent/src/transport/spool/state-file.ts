// The spool's small state file (last acknowledged and next sequence), replaced atomically: write a
// temporary file, fsync it, rename it over the old one, fsync the folder.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface SpoolState {
  ackedSequence: number;
  nextSequence: number;
}

const NAME = 'state.json';

export function readState(dir: string): SpoolState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, NAME), 'utf8')) as Partial<SpoolState>;
    if (Number.isSafeInteger(parsed.ackedSequence) && Number.isSafeInteger(parsed.nextSequence)) return parsed as SpoolState;
  } catch {
    // missing or torn: the segments still tell the sequences
  }
  return undefined;
}

export function writeState(dir: string, state: SpoolState): void {
  const tmp = join(dir, `${NAME}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, NAME));
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
