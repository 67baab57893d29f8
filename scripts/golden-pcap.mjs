#!/usr/bin/env node
// Golden files for the packet classifier: each capture under agent/test/fixtures/pcap/ read by
// farmwatch's own reader, its labelled flows written next to it as FILE.flows.json; and the
// findings and remote peers the network-flows detector makes of them, seen from the client's side
// (the laptop opened the connections) and, for remote desktops and SSH, from the server's side (the
// laptop was connected to), in findings.json. The tests (agent/test/packets-golden.test.ts,
// agent/test/network-flows.test.ts) compare against these; after a deliberate change to the
// classifier or the detector, regenerate them and review the diff like code:
//   npm run build && node scripts/golden-pcap.mjs --write && git diff agent/test/fixtures/pcap
// Without --write it only says which golden files differ (exit 1 when any does).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalog } from '../shared/dist/index.js';
import { analyzeCaptureFile } from '../agent/dist/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../agent/dist/packets/classify/domains.js';
import { detectNetworkFlows, remotePeerObservations } from '../agent/dist/detectors/network-flows.js';

const dir = fileURLToPath(new URL('../agent/test/fixtures/pcap/', import.meta.url));
const write = process.argv.includes('--write');
const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));
let differ = 0;
const catalog = builtinCatalog();
const CLIENT = ['198.51.100.9', '2001:db8:7::9'];
const SERVER = ['203.0.113.7', '2001:db8:7::7'];
const INBOUND = new Set(['rdp.pcap', 'vnc.pcap', 'ssh.pcap', 'xpra.pcap', 'spice.pcap', 'nx.pcap']);
const findings = [];
for (const file of readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
  const r = await analyzeCaptureFile(join(dir, file), { domains });
  const { error, ...rest } = r;
  const text = JSON.stringify({ ...rest, ...(error ? { error: error.message } : {}) }, null, 2) + '\n';
  const golden = join(dir, `${file}.flows.json`);
  const same = existsSync(golden) && readFileSync(golden, 'utf8') === text;
  if (!same) differ++;
  if (write && !same) writeFileSync(golden, text);
  process.stdout.write(`${same ? 'same   ' : write ? 'written' : 'differs'}  ${file}: ${r.flows.length} flows\n`);
  for (const laptop of INBOUND.has(file) ? [CLIENT, SERVER] : [CLIENT]) {
    const ctx = { localAddresses: laptop };
    findings.push({ capture: file, laptop, findings: detectNetworkFlows(r.flows, catalog, { sanctionedTools: [] }, ctx), peers: remotePeerObservations(r.flows, ctx) });
  }
}
const findingsText = JSON.stringify(findings, null, 2) + '\n';
const findingsFile = join(dir, 'findings.json');
const findingsSame = existsSync(findingsFile) && readFileSync(findingsFile, 'utf8') === findingsText;
if (!findingsSame) differ++;
if (write && !findingsSame) writeFileSync(findingsFile, findingsText);
process.stdout.write(`${findingsSame ? 'same   ' : write ? 'written' : 'differs'}  findings.json: ${findings.reduce((n, f) => n + f.findings.length, 0)} findings\n`);
if (!write && differ > 0) {
  process.stdout.write(`${differ} golden file(s) differ: review, then run with --write\n`);
  process.exit(1);
}
