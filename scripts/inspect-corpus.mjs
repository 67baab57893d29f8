#!/usr/bin/env node
// Runs `inspect` (the built agent's own code, agent/dist) over a folder of labelled samples and
// prints recall per class and false positives, so a change to a reader or the catalog is measured
// in one command:
//
//   node scripts/inspect-corpus.mjs DIR [--json] [--min-recall 95] [--max-false-positives 0]
//
// DIR holds one folder per class; the folder's name is the label:
//   kvm*            USB records with a KVM in them: a hit is an actionable KVM finding
//   remote-access*  process / service records with a remote-access tool that lets others in: an
//                   actionable remote-access finding
//   benign*         records with neither: any actionable finding is a false positive
// Each file is inspected alone, as an analyst would give it. An optional expected.json in a class
// folder ({"file": "catalog-id"}) says which catalog entry a hit must name. README.md and
// expected.json are not samples. Exit 1 when a bar given is missed, 2 on bad input.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: node scripts/inspect-corpus.mjs DIR [--json] [--min-recall PERCENT] [--max-false-positives N]';
const fail = (msg) => { process.stderr.write(`inspect-corpus: ${msg}\n${usage}\n`); process.exit(2); };

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false }, 'min-recall': { type: 'string' }, 'max-false-positives': { type: 'string' } } });
} catch (err) { fail(err.message); }
const { values, positionals } = parsed;
if (positionals.length !== 1) fail('give exactly one corpus folder');
const dir = resolve(positionals[0]);
if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`${dir} is not a folder (give the folder that holds kvm/, remote-access/, benign-*/ ...)`);
const minRecall = values['min-recall'] === undefined ? undefined : Number(values['min-recall']);
const maxFp = values['max-false-positives'] === undefined ? undefined : Number(values['max-false-positives']);
if (minRecall !== undefined && !(minRecall >= 0 && minRecall <= 100)) fail('--min-recall is a percentage 0..100');
if (maxFp !== undefined && !(Number.isInteger(maxFp) && maxFp >= 0)) fail('--max-false-positives is a whole number 0 or more');

const dist = join(root, 'agent', 'dist', 'pipeline', 'inspect', 'inspect-files.js');
if (!existsSync(dist)) fail(`${dist} is missing: build the agent first (npx tsc -b)`);
const { inspectFiles } = await import(pathToFileURL(dist).href);
const { EMPTY_POLICY } = await import(pathToFileURL(join(root, 'agent', 'dist', 'detectors', 'index.js')).href);
const { builtinCatalog } = await import('@farmwatch/shared');
const catalog = builtinCatalog();

const CLASSES = [
  { prefix: 'kvm', category: 'kvm' },
  { prefix: 'remote-access', category: 'remote_access' },
  { prefix: 'benign', category: undefined },
];
const actionable = (f) => !f.sanctioned && f.severity !== 'info';

const classes = [];
for (const name of readdirSync(dir).sort()) {
  const path = join(dir, name);
  if (!statSync(path).isDirectory()) continue;
  const cls = CLASSES.find((c) => name.startsWith(c.prefix));
  if (!cls) fail(`${path}: a class folder's name starts with kvm, remote-access or benign (it is the label)`);
  let expected = {};
  const sidecar = join(path, 'expected.json');
  if (existsSync(sidecar)) {
    try { expected = JSON.parse(readFileSync(sidecar, 'utf8')); } catch (err) { fail(`${sidecar}: not JSON (${err.message}); write {"file": "catalog-id"}`); }
  }
  const samples = readdirSync(path).filter((f) => f !== 'README.md' && f !== 'expected.json' && statSync(join(path, f)).isFile()).sort();
  for (const f of Object.keys(expected)) if (!samples.includes(f)) fail(`${sidecar} names ${f}, which is not in ${path}`);
  const results = samples.map((file) => {
    const r = inspectFiles([{ file, bytes: readFileSync(join(path, file)) }], catalog, EMPTY_POLICY);
    const got = r.findings.filter(actionable);
    const f = r.files[0];
    const freeText = (f.format ?? '').includes('free text');
    if (!cls.category) return { file, format: f.format ?? null, problem: f.problem ?? null, freeText, falsePositive: got.length > 0, findings: got.map((x) => `${x.detector} ${x.catalogEntry ?? x.key}: ${x.title}`) };
    const inClass = got.filter((x) => x.category === cls.category);
    const want = expected[file];
    const hit = want ? inClass.some((x) => x.catalogEntry === want) : inClass.length > 0;
    const other = got.filter((x) => x.category !== cls.category);
    return { file, format: f.format ?? null, problem: f.problem ?? null, freeText, hit, expected: want ?? null, findings: inClass.map((x) => `${x.detector} ${x.catalogEntry ?? x.key}: ${x.title}`), otherFindings: other.map((x) => `${x.detector} ${x.catalogEntry ?? x.key}`) };
  });
  classes.push({ name, category: cls.category ?? null, results });
}
if (classes.length === 0) fail(`${dir} has no class folders (kvm/, remote-access/, benign-*/)`);

const summary = classes.map((c) => {
  const n = c.results.length;
  if (c.category) {
    const hits = c.results.filter((r) => r.hit).length;
    return { class: c.name, samples: n, hits, recall: n ? (100 * hits) / n : 0, readAsFreeTextOnly: c.results.filter((r) => (r.format ?? '').startsWith('free text')).length };
  }
  const fp = c.results.filter((r) => r.falsePositive).length;
  const ft = c.results.filter((r) => (r.format ?? '').startsWith('free text'));
  return { class: c.name, samples: n, falsePositives: fp, readAsFreeTextOnly: ft.length, freeTextFalsePositives: ft.filter((r) => r.falsePositive).length };
});
const totalFp = summary.reduce((n, s) => n + (s.falsePositives ?? 0), 0);
const missedBar = (minRecall !== undefined && summary.some((s) => s.recall !== undefined && s.recall < minRecall)) || (maxFp !== undefined && totalFp > maxFp);

if (values.json) {
  process.stdout.write(JSON.stringify({ corpus: dir, summary, falsePositives: totalFp, classes }, null, 1) + '\n');
} else {
  const out = [`inspect corpus ${dir}`];
  for (const s of summary) {
    out.push(s.recall !== undefined
      ? `  ${s.class}: recall ${s.hits}/${s.samples} = ${s.recall.toFixed(1)}% (${s.readAsFreeTextOnly} read as free text only)`
      : `  ${s.class}: ${s.falsePositives} false positive${s.falsePositives === 1 ? '' : 's'} in ${s.samples} (free text only: ${s.freeTextFalsePositives} in ${s.readAsFreeTextOnly})`);
  }
  out.push(`  false positives in all: ${totalFp}`);
  for (const c of classes) {
    for (const r of c.results) {
      if (c.category && !r.hit) out.push(`  MISSED ${c.name}/${r.file}: ${r.problem ? `not read: ${r.problem}` : `read as ${r.format}`}${r.expected ? ` (expected ${r.expected}; found ${r.findings.join('; ') || 'nothing'})` : ''}`);
      if (!c.category && r.falsePositive) out.push(`  FALSE POSITIVE ${c.name}/${r.file} (${r.format}): ${r.findings.join('; ')}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}
// exitCode, not exit(): a pipe may not have taken all of the output yet.
process.exitCode = missedBar ? 1 : 0;
