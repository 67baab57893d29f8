#!/usr/bin/env node
// Makes the local PKI for a farmwatch collector: a CA and the collector's server certificate (for
// localhost, 127.0.0.1, ::1 and this host's name). Agents get their client certificates from the
// collector by enrolling with a one-time token (`farmwatch-agent enroll`), signed by this CA with
// the device id as subject; there is no shared demo client certificate any more (an older one
// left in the folder is removed: the collector would not accept it anyway).
// Keys are written with mode 0600 and never committed (var/ is ignored by git).
//
//   node scripts/make-certs.mjs [--dir var/certs] [--force] [--quiet]
//
// Existing files are kept while they are valid for more than 30 days; --force makes new ones.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAuthority, describeCertificate, issueCertificate } from '../shared/dist/index.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'var/certs' },
    force: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const dir = values.dir;
const say = (line) => { if (!values.quiet) console.log(line); };
const file = (name) => join(dir, name);
const MONTH_MS = 30 * 86_400_000;

function usable(name) {
  if (!existsSync(file(name))) return false;
  try {
    return describeCertificate(readFileSync(file(name))).notAfter.getTime() - Date.now() > MONTH_MS;
  } catch {
    return false;
  }
}

function write(name, text, secret) {
  writeFileSync(file(name), text, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(file(name), 0o600);
}

mkdirSync(dir, { recursive: true, mode: 0o700 });
for (const stale of ['client.pem', 'client-key.pem']) rmSync(file(stale), { force: true });
const wanted = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'];
if (!values.force && wanted.every((n) => existsSync(file(n))) && ['ca.pem', 'server.pem'].every(usable)) {
  say(`certificates in ${dir} are in place`);
  process.exit(0);
}

const ca = await createAuthority('farmwatch local CA', 3650);
write('ca.pem', ca.certPem, false);
write('ca-key.pem', ca.keyPem, true);
const server = await issueCertificate(ca, {
  commonName: 'farmwatch-collector',
  usage: 'server',
  days: 825,
  dnsNames: [...new Set(['localhost', hostname()])],
  ipAddresses: ['127.0.0.1', '::1'],
});
write('server.pem', server.certPem, false);
write('server-key.pem', server.keyPem, true);
say(`made a CA and the collector's server certificate in ${dir}; agents enroll for their own certificates`);
