#!/usr/bin/env node
// Puts everything `npm start` and `npm test` need in place, and does nothing that is already done:
//   1. Node.js new enough (package.json "engines");
//   2. the Debian packages the build needs (compilers for better-sqlite3 and node-pcap, libpcap's
//      headers; nDPI for the packet benchmark; Chromium for the web console's end-to-end tests),
//      installed with apt-get when missing and we are root
//      (optional ones only warn when we are not);
//   3. node_modules matching package-lock.json (npm ci when the lock file changed);
//   4. the TypeScript build (tsc -b, incremental), the programs' links in node_modules/.bin (so
//      `npx farmwatch-collector` and `npx farmwatch-agent` run ours and never ask a registry), the
//      web console's bundle (console/dist/) and the agent's single executable (build/agent/);
//   5. the local certificates (scripts/make-certs.mjs keeps valid ones).
// A step that takes more than a moment says what it is doing, and how long it has taken, every 15 s;
// Ctrl-C says which step it stopped (every step is redone or resumed by the next run).
// Only node's own modules are used here: this runs before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quiet = process.argv.includes('--quiet');
const say = (line) => { if (!quiet) process.stderr.write(`bootstrap: ${line}\n`); };
const began = Date.now();

function fail(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(1);
}

/** "4 s", "2 min 05 s". */
function took(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

// The step running now, for the progress lines and for Ctrl-C.
let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    const what = current ? `while ${current.what} (after ${took(Date.now() - current.started)})` : 'between steps';
    process.stderr.write(`\nbootstrap: stopped ${what}. Nothing is left half-done that the next run does not redo: run the same command again to go on.\n`);
    current?.child?.kill(signal);
    process.exit(130);
  });
}

/**
 * Runs one step as a child process. Its output goes to the terminal; when it takes more than 2 s,
 * the step is named with its elapsed time every 15 s and when it ends.
 */
function run(cmd, args, what) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
    current = { what, started, child };
    let announced = false;
    const announce = setTimeout(() => {
      announced = true;
      say(`${what}...`);
    }, 2000);
    const ticker = setInterval(() => say(`still ${what} (${took(Date.now() - started)} so far)`), 15_000);
    const done = () => {
      clearTimeout(announce);
      clearInterval(ticker);
      current = undefined;
    };
    child.once('error', (err) => {
      done();
      fail(`${what} could not start: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      done();
      if (code !== 0) fail(`${what} failed (${signal ? `killed by ${signal}` : `exit ${code}`}) after ${took(Date.now() - started)}`);
      if (announced) say(`${what}: done in ${took(Date.now() - started)}`);
      resolve();
    });
  });
}

// 1. Node.js
const [major, minor] = process.versions.node.split('.').map(Number);
// package.json "engines": 20.19+ or 22.12+, the versions that load an ES module with require() (some
// dependencies are ES modules only, such as fastify's cookie@2). Node.js 24, the LTS the agent's
// executable embeds, is the one to use; 20 is end-of-life.
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21) {
  fail(`Node.js ${process.versions.node} cannot run farmwatch: use Node.js 24 (22.12 or newer, or 20.19 or newer, work too; package.json "engines")`);
}

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
  say(`installing the Debian packages ${pkgs.join(' ')} for ${list}`);
  const stamp = '/var/lib/apt/periodic/farmwatch-update-stamp';
  if (!existsSync(stamp)) {
    await run('apt-get', ['update', '-qq'], 'reading the Debian package lists (apt-get update)');
    try { writeFileSync(stamp, new Date().toISOString()); } catch { /* the stamp only saves a second update */ }
  }
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], `installing ${pkgs.join(' ')} (apt-get install)`);
}

// 3. node_modules, reinstalled whenever package-lock.json changes.
const lockFile = join(root, 'package-lock.json');
const stampFile = join(root, 'node_modules', '.farmwatch-lock-sha256');
const lockHash = createHash('sha256').update(readFileSync(lockFile)).digest('hex');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== lockHash) {
  say('installing npm packages (npm ci; the first time this takes a few minutes: SQLite and libpcap are compiled for this Node.js)');
  await run('npm', ['ci', '--no-audit', '--no-fund'], 'installing npm packages (npm ci)');
  writeFileSync(stampFile, lockHash);
}

// 4. TypeScript build, incremental.
await run(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], 'building the TypeScript code (tsc -b)');
linkPrograms();
// The web console's browser code, bundled for the collector to serve.
await run(process.execPath, [join(root, 'scripts', 'build-console.mjs'), '--quiet'], 'building the web console');
// The agent as one executable (skipped when the bundle has not changed); the tests run it.
await run(process.execPath, [join(root, 'scripts', 'build-agent.mjs'), '--quiet'], 'building the agent executable');

/**
 * Links each workspace's programs (package.json "bin") into node_modules/.bin, as npm does at
 * install. npm ci runs before dist/ exists and leaves a program whose file is missing unlinked, and
 * then `npx farmwatch-collector` would look the name up on the registry and run whatever public
 * package has it. Relative links, like npm's, so the folder can move.
 */
function linkPrograms() {
  const binDir = join(root, 'node_modules', '.bin');
  mkdirSync(binDir, { recursive: true });
  for (const workspace of JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces) {
    const bins = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')).bin ?? {};
    for (const [name, file] of Object.entries(bins)) {
      const target = join(root, workspace, file);
      if (!existsSync(target)) fail(`${workspace}/${file} is missing after the build, so \`npx ${name}\` cannot work`);
      chmodSync(target, 0o755);
      const link = join(binDir, name);
      const want = relative(dirname(link), target);
      let have;
      try {
        have = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '(a file)';
      } catch {
        have = undefined;
      }
      if (have === want) continue;
      if (have !== undefined) rmSync(link, { force: true });
      symlinkSync(want, link);
    }
  }
}

// 5. Local certificates.
await run(process.execPath, [join(root, 'scripts', 'make-certs.mjs'), '--dir', join(process.env.FARMWATCH_HOME ?? join(root, 'var'), 'certs'), '--quiet'], 'making certificates');
if (Date.now() - began > 10_000) say(`ready in ${took(Date.now() - began)}`);
