#!/usr/bin/env node
// Builds the agent as one executable: an esbuild bundle of the agent (CommonJS, everything inlined)
// injected into a copy of the pinned Node.js 24 binary (package.json "farmwatch"."embeddedNode",
// fetched from the npm registry by scripts/pinned-node.mjs, whatever Node.js runs this script) as a
// single executable application (SEA) with postject. Prints the binary's size and its startup time.
//
//   node scripts/build-agent.mjs [--out build/agent] [--force] [--quiet]
//
// Skips the injection when the bundle and the Node.js binary are the ones the existing executable
// was made from. The pinned package is for Linux x64; on another host this script embeds the Node.js
// running it, and only when that is the pinned major version (it says so). Runs on Linux here; scripts/build-agent-macos.sh and build-agent-windows.ps1 do the
// same on those hosts, with signing (see packaging/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ensurePinnedNode, pinnedNode, unsupportedHost } from './pinned-node.mjs';

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

// 0. The Node.js to embed.
const pin = pinnedNode();
const pinnedMajor = pin.version.split('.')[0];
let nodeBin;
let nodeVersion;
if (unsupportedHost()) {
  if (process.versions.node.split('.')[0] !== pinnedMajor) {
    throw new Error(`${unsupportedHost()}, and this Node.js is ${process.version}: run this script with Node.js ${pinnedMajor} (it then embeds that one), or build on Linux x64`);
  }
  console.warn(`build-agent: ${unsupportedHost()}; embedding the Node.js that runs this script, ${process.version}, instead of the pinned ${pin.version}`);
  nodeBin = process.execPath;
  nodeVersion = process.versions.node;
} else {
  try {
    const node = ensurePinnedNode({ say: (line) => console.warn(`build-agent: ${line}`) });
    nodeBin = node.bin;
    nodeVersion = node.version;
  } catch (err) {
    console.error(`build-agent: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

// 1. The JSON Schema validators (settings, policy file), compiled ahead of time: Ajv's standalone
// code replaces agent/dist/config/validators.js, so the executable carries the compiled checks and
// Ajv's small runtime helpers instead of its compiler. Measured here (2 shared cores, Node 20,
// load ~7 from other builds; best of 25 runs, interleaved): the bundle was 3908 KB with the
// hand-written validators, 4180 KB with Ajv compiling at run time, 4004 KB with the standalone
// validators; `config` (start, read and validate a configuration) took 194 ms, 312 ms and 176 ms,
// `version` (start only) 180, 187 and 163 ms. In-process, loading Ajv took ~80 ms and compiling the
// settings schema ~100 ms: too much for every start of a command that reads the configuration.
const agentDist = join(root, 'agent', 'dist');
const validatorsModule = join(agentDist, 'config', 'validators.js');
const { VALIDATORS, makeAjv } = await import(pathToFileURL(validatorsModule).href);
const standaloneCode = createRequire(join(root, 'agent', 'package.json'))('ajv/dist/standalone').default;
const compiled = Object.entries(VALIDATORS).map(([name, { schema, options }]) => {
  const ajv = makeAjv({ ...options, code: { source: true, esm: false } });
  const code = standaloneCode(ajv, ajv.compile(schema));
  return `compiled[${JSON.stringify(name)}] = (() => { const module = { exports: {} }; const exports = module.exports; ${code}; return module.exports; })();`;
});
const standaloneValidators = {
  name: 'standalone-validators',
  setup(b) {
    b.onResolve({ filter: /\/validators\.js$/ }, (args) => (resolve(args.resolveDir, args.path) === validatorsModule ? { path: validatorsModule, namespace: 'standalone-validators' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'standalone-validators' }, () => ({
      contents: `const compiled = {};\n${compiled.join('\n')}\nexport function validator(name) { return compiled[name]; }\n`,
      resolveDir: join(root, 'agent'),
      loader: 'js',
    }));
  },
};

// 2. Bundle. Native addons stay outside: `pcap` is loaded from disk only when packet capture is on.
const bundled = await build({
  entryPoints: [join(root, 'agent', 'dist', 'cli.js')],
  bundle: true,
  platform: 'node',
  target: `node${nodeVersion.split('.')[0]}`,
  format: 'cjs',
  outfile: bundle,
  external: ['pcap'],
  plugins: [standaloneValidators],
  metafile: true,
  legalComments: 'external',
  // The script's text stays in the heap for as long as the agent runs (and in the executable's
  // pages): without whitespace it is 2.9 MB instead of 4.3, and the idle agent ~3 MB smaller.
  // Names are kept, so stack traces still name functions.
  minifyWhitespace: true, minifySyntax: true, keepNames: true,
  logLevel: 'warning',
  write: false,
  // The bundle is CommonJS; import.meta.url is only used to find files next to modules.
  define: { 'import.meta.url': 'undefined' },
});
// The script's text is one V8 string for the life of the process, and a single character past
// ASCII makes all of it two bytes per character: esbuild escapes such characters in strings and
// names but leaves regular-expression literals as written (`[●○×]`, `Señal`), which made the
// 2.8 MB script a 5.5 MB string (heap snapshot of the idle agent). Each UTF-16 code unit past ASCII
// becomes `\uXXXX`, which means the same in strings, templates' cooked values, regular expressions
// (with or without the u flag, surrogate pairs included), names and comments. String.raw over
// such a template would differ: the check below refuses a bundle that uses it.
const asciiOnly = (text) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
// Written only when its bytes change, so that a build beside running tests rewrites nothing.
for (const file of bundled.outputFiles) {
  const bytes = file.path === bundle ? Buffer.from(asciiOnly(file.text)) : Buffer.from(file.contents);
  if (file.path === bundle && /String\.raw`[^`]*\\u/.test(bytes.toString())) throw new Error('the bundle uses String.raw on a template holding non-ASCII text: escaping it would change its value');
  if (!existsSync(file.path) || !readFileSync(file.path).equals(bytes)) writeFileSync(file.path, bytes);
}

if (Object.keys(bundled.metafile.inputs).some((f) => /ajv\/dist\/compile\/index\.js$/.test(f))) throw new Error('the bundle still carries Ajv\'s compiler: the standalone validators did not replace agent/dist/config/validators.js');

// The runtime flags the executable always runs with (the SEA's execArgv), for a small process that
// lives for weeks and mostly waits. Measured with the idle agent on Node 24.22.3 (this machine, 2
// shared cores, a quiet minute after start-up; bare node 59 MB): no flags 125 MB resident, 0.20% of
// a core; --max-semi-space-size=1 123 MB, 0.19%; with --lite-mode as well 106 MB, 0.12%.
// --lite-mode leaves V8's optimising compilers out: their code in node's binary is never paged in
// and no optimised code or feedback is kept; a full scan took the same CPU (0.42 s) with 20 MB less
// peak memory. A one-megabyte young generation (instead of up to 16) suits a heap that holds ~20 MB
// of long-lived data and makes little garbage between sensor runs.
// execArgvExtension 'none': NODE_OPTIONS from the environment is ignored, so nothing in a service
// environment can add --require or --inspect to a privileged agent.
const EXEC_ARGV = ['--lite-mode', '--max-semi-space-size=1'];
const stamp = createHash('sha256').update(readFileSync(bundle)).update(readFileSync(nodeBin)).update(JSON.stringify(EXEC_ARGV)).digest('hex');
if (!values.force && existsSync(exe) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  say(`${exe} is up to date`);
  process.exit(0);
}

// 3. SEA blob, made by the Node.js it goes into (the blob and its code cache are version-specific).
const seaConfig = join(out, 'sea-config.json');
writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, execArgv: EXEC_ARGV, execArgvExtension: 'none' }));
// The code cache is made under the same flags, or V8 refuses it at start (--lite-mode changes the
// flag hash) and the agent compiles its whole script again: 380 ms to start instead of 170.
execFileSync(nodeBin, [...EXEC_ARGV, '--experimental-sea-config', seaConfig], { stdio: 'ignore' });

// 4. Inject into a copy of that node. A signed node binary must lose its signature first (the blob
// changes the file); the release signature is applied afterwards (packaging/README.md).
copyFileSync(nodeBin, exe);
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

// 5. Size and startup time: median of 7 runs of `version` (nothing but start-up) and of `config`
// (start-up, then reading and validating a configuration file).
const scratch = mkdtempSync(join(tmpdir(), 'farmwatch-build-'));
writeFileSync(join(scratch, 'agent.json'), JSON.stringify({ heartbeat_interval_s: 30, sensor_intervals: { processes: 60 } }));
const median = (args) => {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = spawnSync(exe, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the built agent does not run (${args.join(' ')}): ${r.stderr}`);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[3].toFixed(0);
};
const startup = median(['version']);
const withConfig = median(['config', '--config', join(scratch, 'agent.json'), '--state-dir', scratch, '--json']);
rmSync(scratch, { recursive: true, force: true });
const mb = (statSync(exe).size / 1048576).toFixed(1);
const bundleKb = (statSync(bundle).size / 1024).toFixed(0);
say(`built ${exe} on Node.js ${nodeVersion}: ${mb} MB (bundle ${bundleKb} KB), startup ${startup} ms, with a configuration to validate ${withConfig} ms (medians of 7 runs of \`version\` and \`config\`)`);
