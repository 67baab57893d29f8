#!/usr/bin/env node
// Builds the agent as one executable: an esbuild bundle of the agent (CommonJS, everything inlined)
// injected into a copy of this Node.js binary as a single executable application (SEA) with
// postject. Prints the binary's size and its startup time.
//
//   node scripts/build-agent.mjs [--out build/agent] [--force] [--quiet]
//
// Skips the injection when the bundle and the Node.js binary are the ones the existing executable
// was made from. Runs on Linux here; scripts/build-agent-macos.sh and build-agent-windows.ps1 do the
// same on those hosts, with signing (see packaging/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'build', 'agent') }, force: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } });
const say = (line) => { if (!values.quiet) console.log(line); };
const out = values.out;
const platform = `${process.platform}-${process.arch}`;
const exe = join(out, `farmwatch-agent-${platform}${process.platform === 'win32' ? '.exe' : ''}`);
const bundle = join(out, 'farmwatch-agent.cjs');
const blob = join(out, 'farmwatch-agent.blob');
const stampFile = `${exe}.sha256`;
mkdirSync(out, { recursive: true });

// 1. Bundle. Native addons stay outside: `pcap` is loaded from disk only when packet capture is on.
const bundled = await build({
  entryPoints: [join(root, 'agent', 'dist', 'cli.js')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: bundle,
  external: ['pcap'],
  legalComments: 'external',
  logLevel: 'warning',
  write: false,
  // The bundle is CommonJS; import.meta.url is only used to find files next to modules.
  define: { 'import.meta.url': 'undefined' },
});
// Written only when its bytes change, so that a build beside running tests rewrites nothing.
for (const file of bundled.outputFiles) {
  if (!existsSync(file.path) || !readFileSync(file.path).equals(Buffer.from(file.contents))) writeFileSync(file.path, file.contents);
}

const stamp = createHash('sha256').update(readFileSync(bundle)).update(readFileSync(process.execPath)).digest('hex');
if (!values.force && existsSync(exe) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  say(`${exe} is up to date`);
  process.exit(0);
}

// 2. SEA blob.
const seaConfig = join(out, 'sea-config.json');
writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'ignore' });

// 3. Inject into a copy of node. A signed node binary must lose its signature first (the blob
// changes the file); the release signature is applied afterwards (packaging/README.md).
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', exe]);
if (process.platform === 'win32') spawnSync('signtool', ['remove', '/s', exe], { stdio: 'ignore' });
const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
const args = [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'];
if (process.platform === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
// postject warns about ELF note sections it does not parse; its output matters only when it fails.
const injected = spawnSync(process.execPath, args, { encoding: 'utf8' });
if (injected.status !== 0) throw new Error(`postject failed:\n${injected.stdout}\n${injected.stderr}`);
// macOS refuses to run an unsigned arm64 binary: sign ad hoc for local use.
if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', exe]);
writeFileSync(stampFile, stamp);

// 4. Size and startup time (median of 7 runs of `version`).
const times = [];
for (let i = 0; i < 7; i++) {
  const t = performance.now();
  const r = spawnSync(exe, ['version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the built agent does not run: ${r.stderr}`);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const mb = (statSync(exe).size / 1048576).toFixed(1);
const bundleKb = (statSync(bundle).size / 1024).toFixed(0);
say(`built ${exe}: ${mb} MB (bundle ${bundleKb} KB), startup ${times[3].toFixed(0)} ms (median of 7 runs of \`version\`)`);
