#!/usr/bin/env node
// Puts everything `npm start` and `npm test` need in place, and does nothing that is already done:
//   1. Node.js new enough;
//   2. the Debian packages the build needs (compilers for better-sqlite3 and node-pcap, libpcap's
//      headers; nDPI for the packet benchmark; Chromium for the web console's end-to-end tests),
//      installed with apt-get when missing and we are root
//      (optional ones only warn when we are not);
//   3. node_modules matching package-lock.json (npm ci when the lock file changed);
//   4. the TypeScript build (tsc -b, incremental), executable CLI entry points, the web console's
//      bundle (console/dist/) and the agent's single executable (build/agent/);
//   5. the local certificates (scripts/make-certs.mjs keeps valid ones).
// Only node's own modules are used here: this runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quiet = process.argv.includes('--quiet');
const say = (line) => { if (!quiet) process.stderr.write(`bootstrap: ${line}\n`); };

function fail(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(1);
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
  if (r.error) fail(`${what} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (exit ${r.status})`);
}

// 1. Node.js
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`Node.js ${process.versions.node} is too old: farmwatch needs Node.js 20.19 or newer`);

// 2. Debian packages: a command to look for, and the package that brings it.
const APT = [
  { command: 'python3', pkg: 'python3', why: 'node-gyp builds better-sqlite3' },
  { command: 'make', pkg: 'make', why: 'node-gyp builds better-sqlite3' },
  { command: 'g++', pkg: 'g++', why: 'node-gyp builds better-sqlite3' },
  { command: 'pcap-config', pkg: 'libpcap-dev', why: 'node-gyp builds node-pcap (live packet capture)', optional: true },
  { command: 'ndpiReader', pkg: 'libndpi-bin', why: 'npm run bench and scripts/compare-ndpi.mjs compare with nDPI', optional: true },
  { command: 'chromium', pkg: 'chromium', why: 'the web console is tested end to end in headless Chromium (playwright-core drives it; no browser is downloaded)', optional: true },
];
const has = (command) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
let missing = APT.filter((a) => !has(a.command));
if (missing.length > 0 && (process.getuid?.() !== 0 || !has('apt-get'))) {
  for (const m of missing.filter((a) => a.optional)) say(`${m.command} is missing (${m.why}); install it with: sudo apt-get install -y ${m.pkg}`);
  missing = missing.filter((a) => !a.optional);
}
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const list = missing.map((m) => `${m.command} (${m.why})`).join(', ');
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    fail(`missing ${list}. Install them with: sudo apt-get install -y ${pkgs.join(' ')}`);
  }
  say(`installing ${pkgs.join(' ')} for ${list}`);
  const stamp = '/var/lib/apt/periodic/farmwatch-update-stamp';
  if (!existsSync(stamp)) {
    run('apt-get', ['update', '-qq'], 'apt-get update');
    try { writeFileSync(stamp, new Date().toISOString()); } catch { /* the stamp only saves a second update */ }
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], `apt-get install ${pkgs.join(' ')}`);
}

// 3. node_modules, reinstalled whenever package-lock.json changes.
const lockFile = join(root, 'package-lock.json');
const stampFile = join(root, 'node_modules', '.farmwatch-lock-sha256');
const lockHash = createHash('sha256').update(readFileSync(lockFile)).digest('hex');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== lockHash) {
  say('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
  writeFileSync(stampFile, lockHash);
}

// 4. TypeScript build, incremental.
run(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], 'the TypeScript build (tsc -b)');
for (const bin of ['agent/dist/cli.js', 'collector/dist/cli.js']) chmodSync(join(root, bin), 0o755);
// The web console's browser code, bundled for the collector to serve.
run(process.execPath, [join(root, 'scripts', 'build-console.mjs'), '--quiet'], 'building the web console');
// The agent as one executable (skipped when the bundle has not changed); the tests run it.
run(process.execPath, [join(root, 'scripts', 'build-agent.mjs'), '--quiet'], 'building the agent executable');

// 5. Local certificates.
run(process.execPath, [join(root, 'scripts', 'make-certs.mjs'), '--dir', join(process.env.FARMWATCH_HOME ?? join(root, 'var'), 'certs'), '--quiet'], 'making certificates');
