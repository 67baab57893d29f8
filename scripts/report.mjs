#!/usr/bin/env node
// The report: every figure of the last benchmark and simulation runs (bench-results/*.json, written
// by each bench/*.bench.mjs and by scripts/simulate) as one markdown file, reports/latest.md, so
// releases can be compared side by side. `npm run bench` and `npm run simulate` call this at the end.
//   node scripts/report.mjs              write reports/latest.md
//   node scripts/report.mjs --release    also keep it as reports/v<version>.md (commit that one)
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR } from '../bench/results.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORTS = join(ROOT, 'reports');
/** Sections in this order; anything else after them by name. */
const ORDER = ['simulate', 'simulate-day-one', 'streams', 'ingest', 'correlation', 'console', 'wire-format', 'scan', 'agent-idle', 'packets'];

const cell = (v) => String(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function render(results) {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const out = [
    `# farmwatch ${version}: measured figures`, '',
    'Written by `scripts/report.mjs` from the last run of each benchmark (`npm run bench`) and of the fleet simulator',
    '(`npm run simulate`); every ratio compares against a baseline measured in the same run on the same machine.',
    'Each section says when, where and at which commit it was measured: compare releases section by section.', '',
  ];
  out.push('| section | measured | commit | machine |', '|---|---|---|---|');
  for (const r of results) out.push(`| [${cell(r.title)}](#${r.name}) | ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC | ${cell(r.commit)} | ${cell(`${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, Node ${r.machine.node}`)} |`);
  out.push('');
  for (const r of results) {
    out.push(`<a id="${r.name}"></a>`, `## ${r.title}`, '');
    for (const n of r.notes ?? []) out.push(n, '');
    for (const t of r.tables) {
      if (t.title) out.push(`**${t.title}**`, '');
      out.push(`| ${t.columns.map(cell).join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
      for (const row of t.rows) out.push(`| ${row.map(cell).join(' | ')} |`);
      out.push('');
      for (const n of t.notes ?? []) out.push(`${n}`, '');
    }
  }
  return out.join('\n');
}

export function writeReport({ release = false } = {}) {
  if (!existsSync(RESULTS_DIR)) throw new Error(`no figures yet in ${RESULTS_DIR}: run \`npm run bench\` or \`npm run simulate\` first`);
  const results = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')))
    .sort((a, b) => (ORDER.indexOf(a.name) + 1 || 99) - (ORDER.indexOf(b.name) + 1 || 99) || a.name.localeCompare(b.name));
  mkdirSync(REPORTS, { recursive: true });
  const file = join(REPORTS, 'latest.md');
  writeFileSync(file, render(results));
  const written = [file];
  if (release) {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const kept = join(REPORTS, `v${version}.md`);
    copyFileSync(file, kept);
    written.push(kept);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    for (const f of writeReport({ release: process.argv.includes('--release') })) process.stdout.write(`wrote ${f}\n`);
  } catch (err) {
    process.stderr.write(`report: ${err.message}\n`);
    process.exit(1);
  }
}
