// The corpus runner as a person runs it (node scripts/inspect-corpus.mjs DIR, over the built agent):
// the labelled corpus of real records (fixtures/inspect-corpus, sources in its READMEs) must keep
// recall >= 95% per class and no false positive, the free-text fallback included.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/inspect-corpus.mjs', import.meta.url));
const CORPUS = fileURLToPath(new URL('./fixtures/inspect-corpus', import.meta.url));
const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

interface Summary { class: string; samples: number; hits?: number; recall?: number; falsePositives?: number; readAsFreeTextOnly: number; freeTextFalsePositives?: number }

describe('inspect corpus', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'fw-corpus-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds >= 95% of the KVMs and remote-access tools in real records, with no false positive on real benign records and texts', () => {
    const r = run(CORPUS, '--json', '--min-recall', '95', '--max-false-positives', '0');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { summary: Summary[]; falsePositives: number };
    const by = new Map(out.summary.map((s) => [s.class, s]));
    expect(by.get('kvm')?.samples).toBeGreaterThanOrEqual(40);
    expect(by.get('remote-access')?.samples).toBeGreaterThanOrEqual(30);
    for (const c of ['kvm', 'remote-access']) expect(by.get(c)?.recall).toBeGreaterThanOrEqual(95);
    expect(out.falsePositives).toBe(0);
    // The free-text fallback read the benign documentation pages and raised nothing.
    expect(by.get('benign-text')?.readAsFreeTextOnly).toBeGreaterThanOrEqual(300);
    expect(by.get('benign-text')?.freeTextFalsePositives).toBe(0);
  });

  it('counts a KVM record put among benign ones as a false positive and exits 1 on the bar', () => {
    mkdirSync(join(tmp, 'benign-usb'), { recursive: true });
    cpSync(join(CORPUS, 'kvm', 'avocent-lsusb-course.txt'), join(tmp, 'benign-usb', 'x.txt'));
    cpSync(join(CORPUS, 'benign-usb', 'ch340-lsusb-v.txt'), join(tmp, 'benign-usb', 'y.txt'));
    const r = run(tmp, '--max-false-positives', '0');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/benign-usb: 1 false positive in 2/);
    expect(r.stdout).toMatch(/FALSE POSITIVE benign-usb\/x\.txt \(lsusb\): kvm\.usb_identity enterprise-kvm-over-ip/);
  });

  it('names a folder that is no class, and a missing folder, with exit 2', () => {
    mkdirSync(join(tmp, 'other', 'misc'), { recursive: true });
    const bad = run(join(tmp, 'other'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/misc: a class folder's name starts with kvm, remote-access or benign/);
    expect(run(join(tmp, 'nope')).stderr).toMatch(/is not a folder/);
  });
});
