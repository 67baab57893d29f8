import { describe, expect, it } from 'vitest';
import { FindingDiffer } from '../src/pipeline/finding-differ.js';
import type { Finding } from '../src/detectors/index.js';

const f = (key: string, severity: Finding['severity'] = 'medium'): Finding => ({
  detector: 'remote_access.process', key, category: 'remote_access', severity, confidence: 80, title: key, evidence: [], sanctioned: false,
});

describe('finding differ', () => {
  it('sends a finding once while it stays the same', () => {
    const d = new FindingDiffer();
    expect(d.update([f('a')], 1).upserted).toHaveLength(1);
    expect(d.update([f('a')], 2)).toEqual({ upserted: [], cleared: [] });
  });

  it('sends a change, keeping when it was first seen', () => {
    const d = new FindingDiffer();
    d.update([f('a')], 1);
    const c = d.update([f('a', 'high')], 5);
    expect(c.upserted).toEqual([{ finding: f('a', 'high'), firstSeenMs: 1 }]);
  });

  it('clears what is gone', () => {
    const d = new FindingDiffer();
    d.update([f('a'), f('b')], 1);
    expect(d.update([f('b')], 2).cleared).toEqual([{ detector: 'remote_access.process', key: 'a' }]);
    expect(d.all().map((x) => x.finding.key)).toEqual(['b']);
  });
});
