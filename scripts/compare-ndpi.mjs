#!/usr/bin/env node
// farmwatch's packet classifier against nDPI's ndpiReader (Debian package libndpi-bin) on the
// same captures: one line per flow where the two differ, then agreement per protocol.
//   node scripts/compare-ndpi.mjs [--write] [FILE...]
// Default files: agent/test/fixtures/pcap/*.pcap*. --write stores nDPI's labels in
// agent/test/fixtures/pcap/ndpi-labels.json, which the golden test reads (so npm test needs no
// ndpiReader); rerun it when the captures change.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalog } from '../shared/dist/index.js';
import { analyzeCaptureFile } from '../agent/dist/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../agent/dist/packets/classify/domains.js';

const fixtures = fileURLToPath(new URL('../agent/test/fixtures/pcap/', import.meta.url));
const args = process.argv.slice(2);
const write = args.includes('--write');
const files = args.filter((a) => !a.startsWith('--'));
const targets = files.length > 0 ? files : readdirSync(fixtures).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(fixtures, f));

// Our protocol ids as nDPI names them (nDPI src/lib/ndpi_main.c protocol table).
export const NDPI_NAME = {
  openvpn: 'OpenVPN', wireguard: 'WireGuard', ike: 'IPsec', ipsec_esp: 'IPsec', l2tp: 'L2TP', pptp: 'PPTP', gre: 'GRE',
  anyconnect: 'CiscoVPN', tailscale: 'Tailscale', rdp: 'RDP', vnc: 'VNC', teamviewer: 'TeamViewer', anydesk: 'AnyDesk',
  rustdesk: 'RustDesk', xpra: 'Xpra', spice: 'SPICE', nx: 'NX', nomachine: 'NoMachine', radmin: 'Radmin', ssh: 'SSH', tls: 'TLS', dtls: 'DTLS', dns: 'DNS', quic: 'QUIC', http: 'HTTP', unknown: 'Unknown',
};

function ndpiVersion() {
  try {
    return /nDPI ([\d.]+)/.exec(execFileSync('ndpiReader', ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? '?';
  } catch (err) {
    const out = `${err.stdout ?? ''}`;
    if (err.code === 'ENOENT') {
      process.stderr.write('compare-ndpi: ndpiReader is missing: apt-get install libndpi-bin\n');
      process.exit(2);
    }
    return /nDPI ([\d.]+)/.exec(out)?.[1] ?? '?';
  }
}

const LINE = /^\s*\d+\s+(\S+)\s+(\[[^\]]+\]|[^\s[]+):(\d+)\s+<?->\s+(\[[^\]]+\]|[^\s[]+):(\d+)\s+\[proto: [\d.]+\/([^\]]+)\].*?\[Confidence: ([^\]]+)\](?:.*?\[cat: ([^/\]]+))?/;

export function runNdpi(file) {
  const out = execFileSync('ndpiReader', ['-q', '-v', '2', '-i', file], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const flows = [];
  for (const line of out.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, transport, a, pa, b, pb, proto, confidence, category] = m;
    const [master, app] = proto.split('.');
    flows.push({ transport: transport.toLowerCase(), a: `${a.replace(/^\[|\]$/g, '')}:${pa}`, b: `${b.replace(/^\[|\]$/g, '')}:${pb}`, master, app: app ?? null, confidence, category: category ?? null });
  }
  return flows;
}

const key = (t, x, y) => `${t} ${[x, y].sort().join(' ')}`;
const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));
const version = ndpiVersion();
const stored = {};
const perProtocol = new Map();
const differences = [];
const bump = (proto, field) => {
  const row = perProtocol.get(proto) ?? { flows: 0, same: 0, ndpiPortOnly: 0, oursOnly: 0, differ: 0 };
  row.flows++;
  row[field]++;
  perProtocol.set(proto, row);
};

for (const file of targets) {
  const ndpi = runNdpi(file);
  stored[basename(file)] = ndpi;
  const ours = await analyzeCaptureFile(file, { domains });
  if (ndpi.length === 0 && ours.flows.length > 0) {
    differences.push(`${basename(file)}  nDPI read no flows from it (link types ${ours.linkTypes.join(', ')}); farmwatch read ${ours.flows.length}`);
  }
  const byKey = new Map(ours.flows.map((f) => [key(f.transport, `${f.client.ip}:${f.client.port}`, `${f.server.ip}:${f.server.port}`), f]));
  for (const n of ndpi) {
    if (/^ICMP|^IGMP/i.test(n.transport) || /^ICMP/.test(n.master)) continue;
    const f = byKey.get(key(n.transport, n.a, n.b));
    const mine = f ? NDPI_NAME[f.label.protocol] : 'missing';
    const app = f?.label.catalog?.entryId ?? null;
    const appSame = !n.app || (app !== null && n.app.toLowerCase().replace(/\s/g, '') === app.replace(/-/g, ''));
    const proto = n.master === 'Unknown' ? mine : n.master;
    let verdict;
    if (mine === n.master && appSame) verdict = 'same';
    else if (n.master === 'Unknown' && mine !== 'Unknown') verdict = 'oursOnly';
    else if (/port|guess/i.test(n.confidence)) verdict = 'ndpiPortOnly';
    else verdict = 'differ';
    bump(proto, verdict);
    if (verdict !== 'same') {
      differences.push(`${basename(file)}  ${n.transport} ${n.a} <-> ${n.b}: nDPI ${n.master}${n.app ? `.${n.app}` : ''} (${n.confidence}), ` +
        `farmwatch ${f ? `${f.label.protocol}${app ? `/${app}` : ''} ${f.label.confidence}% [${f.label.features.join('; ')}]` : 'no such flow'}`);
    }
  }
}

process.stdout.write(`nDPI ${version} (ndpiReader) against farmwatch on ${targets.length} capture(s)\n\n`);
if (differences.length > 0) process.stdout.write(`Where they differ:\n${differences.map((d) => `  ${d}`).join('\n')}\n\n`);
const w = [12, 6, 6, 16, 18, 7];
const row = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join(' ');
process.stdout.write(row(['protocol', 'flows', 'same', 'nDPI port-only', 'farmwatch only', 'differ']) + '\n');
for (const [proto, r] of [...perProtocol].sort((a, b) => a[0].localeCompare(b[0]))) {
  process.stdout.write(row([proto, r.flows, r.same, r.ndpiPortOnly, r.oursOnly, r.differ]) + '\n');
}
const total = [...perProtocol.values()].reduce((s, r) => ({ flows: s.flows + r.flows, same: s.same + r.same }), { flows: 0, same: 0 });
process.stdout.write(`\n${total.same}/${total.flows} flows labelled the same (protocol, and application where nDPI names one)\n`);
process.stdout.write('nDPI port-only: nDPI guessed from the port alone; farmwatch only: nDPI says Unknown.\n');
if (write) {
  writeFileSync(join(fixtures, 'ndpi-labels.json'), JSON.stringify({ ndpi: version, files: stored }, null, 2) + '\n');
  process.stdout.write('wrote agent/test/fixtures/pcap/ndpi-labels.json\n');
}
