// A throw-away PKI made by the project's own script, as `npm start` makes it (CA and server
// certificate; agents enroll for theirs), plus a CA of nobody we know with a client certificate,
// to show the collector refusing certificates it did not issue.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthority, issueCertificate } from '@farmwatch/shared';
import { ROOT } from './processes.js';

export interface Pki {
  dir: string;
  ca: Buffer;
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-pki-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'make-certs.mjs'), '--dir', dir, '--quiet']);
  return { dir, ca: readFileSync(join(dir, 'ca.pem')) };
}

/** A client certificate from another CA, whose subject claims a device id. */
export async function foreignClient(commonName: string): Promise<{ certPem: Buffer; keyPem: Buffer }> {
  const other = await createAuthority('not the collector CA', 30);
  const c = await issueCertificate(other, { commonName, usage: 'client', days: 30 });
  return { certPem: Buffer.from(c.certPem), keyPem: Buffer.from(c.keyPem) };
}
