#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in its own process (so memory figures do not mix)
// and prints each one's figures, with ratios against a baseline measured in the same run. Each
// records its figures in bench-results/<name>.json; at the end reports/latest.md is written from
// them (scripts/report.mjs), with the last simulation's figures too.
//   node scripts/bench.mjs [name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReport } from './report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2] ?? '';
const benches = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.mjs') && f.includes(filter)).sort();
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n## ${file.replace('.bench.mjs', '')}\n\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(root, 'bench', file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
for (const f of writeReport()) process.stdout.write(`\nwrote ${f}\n`);
if (failed > 0) {
  process.stderr.write(`${failed} benchmark(s) failed\n`);
  process.exit(1);
}
