#!/usr/bin/env node
// Builds the agent's Debian package from the single executable (scripts/build-agent.mjs):
//   build/packages/farmwatch-agent_<version>_<arch>.deb
// with the hardened systemd unit, the default configuration (a conffile), maintainer scripts that
// enroll from /etc/farmwatch/enroll.token and report an uninstall, and the licence notices of what
// the binary carries (the LOLRMM-derived catalog).
//   node scripts/package-deb.mjs [--out build/packages]
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensurePinnedAddons } from './pinned-node-addons.mjs';
import { unsupportedHost } from './pinned-node.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'build', 'packages') } } });
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
if (process.platform !== 'linux' || !arch) throw new Error(`Debian packages are built on Linux x64 or arm64, not ${process.platform}-${process.arch}`);

execFileSync(process.execPath, [join(root, 'scripts', 'build-agent.mjs'), '--quiet'], { stdio: 'inherit' });
const binary = join(root, 'build', 'agent', `farmwatch-agent-linux-${process.arch}`);

const stage = join(root, 'build', 'deb-stage');
rmSync(stage, { recursive: true, force: true });
const dir = (p) => {
  mkdirSync(join(stage, p), { recursive: true, mode: 0o755 });
  return join(stage, p);
};
const linux = join(root, 'packaging', 'linux');

copyFileSync(binary, join(dir('usr/bin'), 'farmwatch-agent'));
chmodSync(join(stage, 'usr/bin/farmwatch-agent'), 0o755);
copyFileSync(join(linux, 'farmwatch-agent.service'), join(dir('lib/systemd/system'), 'farmwatch-agent.service'));
copyFileSync(join(linux, 'agent.json'), join(dir('etc/farmwatch'), 'agent.json'));
chmodSync(join(stage, 'etc/farmwatch'), 0o700);
chmodSync(join(stage, 'etc/farmwatch/agent.json'), 0o600);
const doc = dir('usr/share/doc/farmwatch-agent');
writeFileSync(join(doc, 'copyright'), [
  'farmwatch agent',
  '',
  'The detection catalog built into this program includes remote-access tool facts from LOLRMM',
  '(https://github.com/magicsword-io/LOLRMM), licensed under the Apache License 2.0:',
  '',
  readFileSync(join(root, 'shared', 'catalog', 'LICENSE-LOLRMM.txt'), 'utf8'),
].join('\n'));

// node-pcap for live packet capture (off unless configured): the single executable cannot hold a
// native addon, so it loads this copy beside it (/usr/lib/farmwatch/node_modules/pcap), its addon
// compiled for the Node.js the executable embeds (the pinned one; node_modules has the machine's).
const pcapSrc = join(root, 'node_modules', 'pcap');
const pcapAddon = join(pcapSrc, 'build', 'Release', 'pcap_binding.node');
const pcapBuilt = !existsSync(pcapAddon) ? undefined
  : unsupportedHost() ? pcapAddon
  : ensurePinnedAddons({ say: (line) => console.warn(line) }).map[realpathSync(pcapAddon)];
if (pcapBuilt) {
  const dest = dir('usr/lib/farmwatch/node_modules/pcap');
  for (const f of readdirSync(pcapSrc).filter((f) => f.endsWith('.js') || f === 'package.json' || f === 'LICENSE')) copyFileSync(join(pcapSrc, f), join(dest, f));
  cpSync(join(pcapSrc, 'decode'), join(dest, 'decode'), { recursive: true });
  mkdirSync(join(dest, 'build', 'Release'), { recursive: true });
  copyFileSync(pcapBuilt, join(dest, 'build', 'Release', 'pcap_binding.node'));
} else {
  console.warn('node-pcap is not built here: the package will have no live packet capture');
}

const debian = dir('DEBIAN');
for (const f of ['postinst', 'prerm', 'postrm']) {
  copyFileSync(join(linux, 'debian', f), join(debian, f));
  chmodSync(join(debian, f), 0o755);
}
cpSync(join(linux, 'debian', 'conffiles'), join(debian, 'conffiles'));
const sizeKb = Math.ceil(statSync(binary).size / 1024) + 64;
writeFileSync(join(debian, 'control'), readFileSync(join(linux, 'debian', 'control.in'), 'utf8')
  .replace('@VERSION@', version).replace('@ARCH@', arch).replace('@SIZE_KB@', String(sizeKb)));

mkdirSync(values.out, { recursive: true });
const deb = join(values.out, `farmwatch-agent_${version}_${arch}.deb`);
execFileSync('dpkg-deb', ['--root-owner-group', '-Zzstd', '-z9', '--build', stage, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`built ${deb} (${(statSync(deb).size / 1048576).toFixed(1)} MB)`);
