// Golden tests (Velociraptor style): every folder under fixtures/golden holds real recorded inputs
// (their sources in its README.md) and expected.json, the findings the detectors must produce from
// them through `inspect`'s readers. Regenerate with FARMWATCH_UPDATE_GOLDEN=1 and review the diff.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { inspectFiles } from '../src/pipeline/inspect/inspect-files.js';
import { EMPTY_POLICY } from '../src/detectors/index.js';

const golden = fileURLToPath(new URL('./fixtures/golden', import.meta.url));
const referenceEdid = fileURLToPath(new URL('../../reference/edid', import.meta.url));
const update = process.env.FARMWATCH_UPDATE_GOLDEN === '1';

function run(files: { name: string; path: string }[]): unknown {
  // As `inspect` runs: the platform guessed from the files (tasklist is Windows, ioreg macOS, else Linux), free-text findings included.
  const r = inspectFiles(files.map((f) => ({ file: f.name, bytes: readFileSync(f.path) })), builtinCatalog(), EMPTY_POLICY);
  return { files: r.files, findings: r.findings };
}

function check(dir: string, result: unknown): void {
  const expectedFile = join(dir, 'expected.json');
  const text = JSON.stringify(result, null, 1) + '\n';
  if (update) writeFileSync(expectedFile, text);
  // A missing expected file fails: it is made only on purpose, with FARMWATCH_UPDATE_GOLDEN=1.
  if (!existsSync(expectedFile)) throw new Error(`${expectedFile} is missing: make it with FARMWATCH_UPDATE_GOLDEN=1 and review it`);
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
}

describe('golden: recorded inputs to findings', () => {
  for (const name of readdirSync(golden).sort()) {
    const dir = join(golden, name);
    it(name, () => {
      const inputs = readdirSync(dir).filter((f) => f !== 'expected.json' && f !== 'README.md').sort();
      const result = run(inputs.map((f) => ({ name: f, path: join(dir, f) }))) as { findings: unknown[] };
      // A folder whose README says it must raise nothing (or nothing above information) cannot be
      // regenerated into accepting a finding.
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      if (/^Expected: no finding\.?$/m.test(readme)) expect(result.findings).toEqual([]);
      if (/^Expected: information only\.?$/m.test(readme)) {
        expect(result.findings.length).toBeGreaterThan(0);
        expect((result.findings as { severity: string }[]).filter((f) => f.severity !== 'info')).toEqual([]);
      }
      check(dir, result);
    });
  }

  it('every KVM EDID in reference/edid', () => {
    const inputs = readdirSync(referenceEdid).filter((f) => /\.(hex|bin)$/.test(f)).sort();
    check(join(golden, '..', 'reference-edid'), run(inputs.map((f) => ({ name: f, path: join(referenceEdid, f) }))));
  });
});
