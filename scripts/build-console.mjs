#!/usr/bin/env node
// Builds the web console the collector serves: console/src (TypeScript, CSS) bundled by esbuild
// into console/dist/assets/app-HASH.js and app-HASH.css (content hashes in the names, so browsers
// may cache them for good), the favicon, the licence notices of every third-party package in the
// bundle (licences.txt), and console/dist/index.html pointing at them.
//   node scripts/build-console.mjs [--quiet]
// No source maps, no environment values: the bundle carries code and nothing secret.
// The build is made in memory and only files whose bytes changed are written (stale ones are removed
// last), so a running collector serving console/dist never sees a missing asset while another
// `npm start` or `npm test` rebuilds.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const quiet = process.argv.includes('--quiet');
const consoleDir = join(root, 'console');
const dist = join(consoleDir, 'dist');
const assets = join(dist, 'assets');

mkdirSync(assets, { recursive: true });
/** Writes a file only when its bytes change; returns its name. */
const written = new Set();
function put(path, bytes) {
  const data = Buffer.from(bytes);
  if (!existsSync(path) || !readFileSync(path).equals(data)) writeFileSync(path, data);
  written.add(basename(path));
}

const result = await build({
  entryPoints: { app: join(consoleDir, 'src', 'main.ts') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
  // Nothing from the build machine's environment reaches the browser.
  define: { 'process.env.NODE_ENV': '"production"' },
});

for (const file of result.outputFiles) put(file.path, file.contents);
const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((n) => /^app-[A-Z0-9]{8}\.js$/.test(n));
const css = outputs.find((n) => /^app-[A-Z0-9]{8}\.css$/.test(n));
if (!js || !css) throw new Error(`the console bundle is incomplete: ${outputs.join(', ')}`);

// Licence notices of the packages the bundle includes (MIT and the like require them).
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m) continue;
  const dir = join(root, input.slice(0, input.indexOf(m[2]) + m[2].length));
  if (packages.has(m[2])) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!licenceFile) throw new Error(`${m[2]} has no licence file to ship with the console`);
  packages.set(m[2], { version: pkg.version, licence: pkg.license, text: readFileSync(join(dir, licenceFile), 'utf8').trim() });
}
put(join(assets, 'licences.txt'), [
  'The farmwatch web console includes these third-party packages:',
  '',
  ...[...packages].flatMap(([name, p]) => [`${name} ${p.version} (${p.licence})`, '-'.repeat(60), p.text, '']),
].join('\n'));
put(join(assets, 'favicon.svg'), readFileSync(join(consoleDir, 'static', 'favicon.svg')));
const html = readFileSync(join(consoleDir, 'static', 'index.html'), 'utf8').replace('%APP_JS%', js).replace('%APP_CSS%', css);
mkdirSync(dirname(join(dist, 'index.html')), { recursive: true });
const index = join(dist, 'index.html');
if (!existsSync(index) || readFileSync(index, 'utf8') !== html) writeFileSync(index, html);
for (const stale of readdirSync(assets).filter((n) => !written.has(n))) rmSync(join(assets, stale), { force: true });
if (!quiet) {
  const size = (n) => `${(readFileSync(join(assets, n)).length / 1024).toFixed(0)} KiB`;
  console.log(`console: ${js} ${size(js)}, ${css} ${size(css)}, licences of ${[...packages.keys()].join(', ') || 'nothing'}`);
}
if (!existsSync(join(dist, 'index.html'))) process.exit(1);
