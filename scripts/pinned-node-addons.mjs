#!/usr/bin/env node
// The native addons (better-sqlite3 for the collector, node-pcap for the agent's live capture)
// compiled for the pinned Node.js (scripts/pinned-node.mjs), beside node_modules rather than in it:
// node_modules keeps the machine Node's builds, so nothing here can leave it broken for that Node.
// Each addon's package is copied from node_modules into <pinned node>/addons/<name>@<version>/
// (scripts/pinned-node.mjs says where) and compiled there with npm's node-gyp against the pinned
// package's own headers (--nodedir: no headers are downloaded); NODE_PATH lets node-pcap's
// binding.gyp find `nan` in this checkout's node_modules. Built once per addon and Node.js version;
// only the .node file is kept.
//
//   node scripts/pinned-node-addons.mjs     # prints the map {addon in node_modules: built for the pinned Node}
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePinnedNode } from './pinned-node.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The addons the tests and the packages load: their package, and the file node-gyp makes. */
export const ADDONS = [
  { name: 'better-sqlite3', file: join('build', 'Release', 'better_sqlite3.node'), required: true },
  { name: 'pcap', file: join('build', 'Release', 'pcap_binding.node'), required: false },
];

/** npm's own node-gyp (npm bundles it for `npm install`): the one that built node_modules. */
export function nodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(join(dir, 'npm'))) continue;
    // bin/npm is a link to <npm>/bin/npm-cli.js; node-gyp is in <npm>/node_modules.
    candidates.push(join(dirname(dirname(realpathSync(join(dir, 'npm')))), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`node-gyp is not found (looked at ${candidates.join(', ') || 'no npm on PATH'}): npm brings it; install npm 10 or newer`);
  return found;
}

/**
 * Builds what is missing and returns { map, skipped }: map from each addon's file in node_modules to
 * its build for the pinned Node.js; skipped names the optional addons that are not there and why.
 */
export function ensurePinnedAddons({ say = () => {}, node = ensurePinnedNode({ say }) } = {}) {
  const map = {};
  const skipped = [];
  for (const addon of ADDONS) {
    const source = join(root, 'node_modules', addon.name);
    if (!existsSync(join(source, 'package.json'))) {
      if (addon.required) throw new Error(`node_modules/${addon.name} is missing: run \`npm run build\` (or npm ci) first`);
      skipped.push(`${addon.name} (not installed: it is optional and needs libpcap-dev)`);
      continue;
    }
    const version = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version;
    const dir = join(node.dir, 'addons', `${addon.name}@${version}`);
    const built = join(dir, addon.file);
    if (!existsSync(built)) {
      try {
        build(addon, source, dir, node, say);
      } catch (err) {
        if (addon.required) throw err;
        skipped.push(`${addon.name} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
        continue;
      }
    }
    map[realpathSync(join(source, addon.file))] = built;
  }
  return { map, skipped };
}

function build(addon, source, dir, node, say) {
  say(`compiling ${addon.name} for Node.js ${node.version}${addon.name === 'better-sqlite3' ? ' (node-gyp; SQLite takes about two minutes)' : ''}`);
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  // Everything but the machine Node's build and nested node_modules.
  cpSync(source, work, { recursive: true, filter: (f) => !['build', 'node_modules'].includes(basename(f)) || dirname(f) !== source });
  const args = [nodeGyp(), 'rebuild', '--release', `--nodedir=${node.nodedir}`, '--jobs=2'];
  // The pinned node first on PATH: binding.gyp's `node -e` and node-gyp's own children use it.
  const env = { ...process.env, PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH ?? ''}`, NODE_PATH: join(root, 'node_modules') };
  const r = spawnSync(node.bin, args, { cwd: work, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const log = join(dirname(dir), `${addon.name}.build.log`);
    writeFileSync(log, `${r.stdout}\n${r.stderr}`);
    throw new Error(`compiling ${addon.name} for Node.js ${node.version} failed (exit ${r.status ?? r.signal}); node-gyp's output is in ${log}`);
  }
  // Only the addon is kept, not the objects or the copied sources (SQLite's are 10 MB), once the
  // pinned Node.js loads it.
  const keep = join(work, addon.file);
  execFileSync(node.bin, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', keep], { stdio: 'pipe' });
  for (const entry of readdirSync(work)) if (entry !== 'build') rmSync(join(work, entry), { recursive: true, force: true });
  const done = `${work}.done`;
  rmSync(done, { recursive: true, force: true });
  mkdirSync(join(done, dirname(addon.file)), { recursive: true });
  renameSync(keep, join(done, addon.file));
  rmSync(work, { recursive: true, force: true });
  // Another checkout may have built it meanwhile: theirs is kept (it may be loaded).
  try {
    if (!existsSync(join(dir, addon.file))) renameSync(done, dir);
  } catch (err) {
    if (!existsSync(join(dir, addon.file))) throw err;
  }
  rmSync(done, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { map, skipped } = ensurePinnedAddons({ say: (line) => process.stderr.write(`${line}\n`) });
    for (const s of skipped) process.stderr.write(`skipped ${s}\n`);
    process.stdout.write(`${JSON.stringify(map, null, 2)}\n`);
  } catch (err) {
    process.stderr.write(`pinned-node-addons: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
