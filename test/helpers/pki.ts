// A throw-away PKI made by the project's own script, as `npm start` makes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export interface Pki {
  dir: string;
  ca: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'farmwatch-pki-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'make-certs.mjs'), '--dir', dir, '--quiet']);
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.pem')),
    clientCert: readFileSync(join(dir, 'client.pem')),
    clientKey: readFileSync(join(dir, 'client-key.pem')),
  };
}
