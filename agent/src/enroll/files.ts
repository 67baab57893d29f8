// Where an enrolled agent keeps its identity: one folder (mode 0700, the agent's user's alone) with
// the key and certificate (0600), the collector's CA it pins, and a small JSON record. Files are
// replaced atomically, never through a link (state/no-follow.ts).
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeFileError } from '@farmwatch/shared';
import { writeFileSafely } from '../state/no-follow.js';
import { checkPrivateFolder } from '../state/private-folder.js';

export interface EnrollmentRecord {
  server: string;
  deviceId: string;
  notAfterMs: number;
  enrolledAtMs: number;
}

export const enrollmentFiles = (dir: string) => ({
  ca: join(dir, 'ca.pem'),
  cert: join(dir, 'agent.pem'),
  key: join(dir, 'agent-key.pem'),
  record: join(dir, 'enrollment.json'),
});

/**
 * The identity files of an agent folder, as `run` and `status` read `--dir DIR`: those
 * `enroll --dir DIR` writes (DIR/agent.pem, ...), or, for a state folder in the default layout
 * that holds its identity in DIR/identity, those.
 */
export function identityFilesIn(dir: string): ReturnType<typeof enrollmentFiles> {
  const own = enrollmentFiles(dir);
  const nested = enrollmentFiles(join(dir, 'identity'));
  return !existsSync(own.cert) && existsSync(nested.cert) ? nested : own;
}

function writeAtomic(path: string, text: string, mode: number): void {
  writeFileSafely(path, text, { mode, suffix: `.tmp-${process.pid}` });
}

export function saveEnrollment(dir: string, files: { caPem: string; certPem: string; keyPem: string }, record: EnrollmentRecord): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkPrivateFolder(dir, 'the agent\'s identity folder');
  chmodSync(dir, 0o700);
  const f = enrollmentFiles(dir);
  writeAtomic(f.key, files.keyPem, 0o600);
  writeAtomic(f.cert, files.certPem, 0o600);
  writeAtomic(f.ca, files.caPem, 0o644);
  writeAtomic(f.record, JSON.stringify(record, null, 2) + '\n', 0o644);
}

export function loadEnrollment(dir: string): EnrollmentRecord {
  const f = enrollmentFiles(dir);
  try {
    return JSON.parse(readFileSync(f.record, 'utf8')) as EnrollmentRecord;
  } catch (err) {
    throw new Error(describeFileError(err, f.record, 'the enrollment record', { fix: `enroll this agent first with \`farmwatch-agent enroll --dir ${dir}\`` }));
  }
}

/** The enrollment record in the folder of a certificate file, if there is one. */
export function enrollmentRecordNear(certFile: string): EnrollmentRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dirname(certFile), 'enrollment.json'), 'utf8')) as EnrollmentRecord;
  } catch {
    return undefined;
  }
}
