#!/usr/bin/env node
// Golden files for the packet classifier: each capture under agent/test/fixtures/pcap/ read by
// farmwatch's own reader, its labelled flows written next to it as FILE.flows.json. The test
// (agent/test/packets-golden.test.ts) compares against these; after a deliberate change to the
// classifier, regenerate them and review the diff like code:
//   npm run build && node scripts/golden-pcap.mjs --write && git diff agent/test/fixtures/pcap
// Without --write it only says which golden files differ (exit 1 when any does).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalog } from '../shared/dist/index.js';
import { analyzeCaptureFile } from '../agent/dist/packets/analyze-file.js';
import { CatalogDomains, domainRulesFromCatalog } from '../agent/dist/packets/classify/domains.js';

const dir = fileURLToPath(new URL('../agent/test/fixtures/pcap/', import.meta.url));
const write = process.argv.includes('--write');
const domains = new CatalogDomains(domainRulesFromCatalog(builtinCatalog()));
let differ = 0;
for (const file of readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
  const r = await analyzeCaptureFile(join(dir, file), { domains });
  const { error, ...rest } = r;
  const text = JSON.stringify({ ...rest, ...(error ? { error: error.message } : {}) }, null, 2) + '\n';
  const golden = join(dir, `${file}.flows.json`);
  const same = existsSync(golden) && readFileSync(golden, 'utf8') === text;
  if (!same) differ++;
  if (write && !same) writeFileSync(golden, text);
  process.stdout.write(`${same ? 'same   ' : write ? 'written' : 'differs'}  ${file}: ${r.flows.length} flows\n`);
}
if (!write && differ > 0) {
  process.stdout.write(`${differ} golden file(s) differ: review, then run with --write\n`);
  process.exit(1);
}
