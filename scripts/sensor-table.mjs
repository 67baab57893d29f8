#!/usr/bin/env node
// Writes the README's sensor table from the sensor declaration (agent/src/sensors/registry.ts),
// through the built agent (run `npx tsc -b` first).
//
//   node scripts/sensor-table.mjs          rewrite the table in README.md
//   node scripts/sensor-table.mjs --check  fail when README.md's table differs from the declaration
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const readmeFile = fileURLToPath(new URL('../README.md', import.meta.url));
const built = fileURLToPath(new URL('../agent/dist/sensors/readme-table.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write(`${built} is missing: build the agent first (npx tsc -b)\n`);
  process.exit(2);
}
const { withSensorTable } = await import(pathToFileURL(built).href);
const readme = readFileSync(readmeFile, 'utf8');
const wanted = withSensorTable(readme);
if (process.argv.includes('--check')) {
  if (wanted !== readme) {
    process.stderr.write('README.md\'s sensor table differs from agent/src/sensors/registry.ts: run `npx tsc -b && node scripts/sensor-table.mjs`\n');
    process.exit(1);
  }
} else if (wanted !== readme) {
  writeFileSync(readmeFile, wanted);
  process.stdout.write('README.md: sensor table rewritten\n');
}
