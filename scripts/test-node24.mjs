#!/usr/bin/env node
// Runs the agent's and the collector's tests on the pinned Node.js 24 (the one the agent's
// executable embeds, scripts/pinned-node.mjs), whatever Node.js runs this script; `npm test` runs
// everything on the machine's Node.js. .ci/run calls both.
//
//   node scripts/test-node24.mjs [vitest filters...]   # default: the suites named in SUITES
//
// 1. bootstrap on the machine's Node.js (node_modules, the build, the agent executable: nothing when
//    `npm test` has just run); 2. the pinned Node.js, and better-sqlite3 and node-pcap compiled for
//    it beside node_modules (scripts/pinned-node-addons.mjs); 3. vitest on the pinned Node.js, which
//    is first on PATH, with scripts/addon-redirect.mjs loaded into every Node.js process (NODE_OPTIONS)
//    so that they load those builds of the addons. node_modules is never changed: an interrupted run
//    leaves nothing to undo.
import { spawn, spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensurePinnedNode } from './pinned-node.mjs';
import { ensurePinnedAddons } from './pinned-node-addons.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line) => process.stderr.write(`test-node24: ${line}\n`);
const began = Date.now();

/**
 * What runs on Node.js 24 (88 files in 6 minutes on this 2-core machine; all of `npm test` takes
 * about 15): every test of the packages that run on a user's Node.js (the collector; the agent as
 * `dist/cli.js`; the code they share), and the end-to-end tests that run the collector's server
 * and both CLIs as programs (real TLS, HTTP/2, gRPC, SQLite on that Node.js): enrollment, ingest,
 * the security limits, the command lines. Left to `npm test`: the tests of the agent's executable
 * (Node.js 24 in both runs: it embeds it), the browser, simulator, fault injection, fresh-clone and
 * package tests (slow, and no more dependent on the Node.js version than the ones above), and the
 * other end-to-end tests of the same server paths (fleet, cases, presence, sites, socket peers,
 * fuzz: they passed on Node.js 24, in 2 min 43 s more, when this list was chosen; name them to run
 * them again: `node scripts/test-node24.mjs test/fleet-e2e.test.ts test/fuzz`).
 */
const SUITES = [
  'proto/test', 'shared/test', 'agent/test', 'collector/test',
  'test/security', 'test/enrollment-e2e.test.ts', 'test/ingest-e2e.test.ts', 'test/cli-usage.test.ts', 'test/collector-serve-flags.test.ts',
];

function fail(message) {
  say(message);
  process.exit(1);
}

// 1. Everything `npm test` builds, on the machine's Node.js.
const boot = spawnSync(process.execPath, [join(root, 'scripts', 'bootstrap.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
if (boot.status !== 0) fail('bootstrap failed (see above)');

// 2. The pinned Node.js and the addons built for it.
let node;
let addons;
try {
  node = ensurePinnedNode({ say });
  addons = ensurePinnedAddons({ say, node });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
for (const s of addons.skipped) say(`not tested on Node.js ${node.version}: ${s}`);

const redirect = pathToFileURL(join(root, 'scripts', 'addon-redirect.mjs'));
redirect.searchParams.set('map', JSON.stringify(addons.map));
const env = {
  ...process.env,
  PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH ?? ''}`,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import="${redirect.href}"`.trim(),
};

// The redirect works before hundreds of tests say it does not.
const check = spawnSync('node', ['-e', "const D = require('better-sqlite3'); new D(':memory:').close(); process.stdout.write(process.version)"], { cwd: root, env, encoding: 'utf8' });
if (check.status !== 0 || check.stdout !== `v${node.version}`) {
  fail(`Node.js ${node.version} first on PATH cannot open SQLite through the redirected addon (got ${JSON.stringify(check.stdout)}):\n${check.stderr}`);
}

// 3. vitest on the pinned Node.js.
const filters = process.argv.slice(2);
say(`running ${filters.length > 0 ? filters.join(' ') : SUITES.join(', ')} on Node.js ${node.version}`);
const vitest = spawn(node.bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...(filters.length > 0 ? filters : SUITES)], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => vitest.kill(signal));
vitest.once('exit', (code, signal) => {
  const s = Math.round((Date.now() - began) / 1000);
  say(`${code === 0 ? 'passed' : 'FAILED'} on Node.js ${node.version} in ${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`);
  process.exit(code ?? (signal ? 1 : 0));
});
