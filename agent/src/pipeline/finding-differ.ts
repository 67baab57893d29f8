// Turns successive scans' findings into changes: a finding is sent when it appears or changes, and
// cleared when it is gone, so a quiet laptop sends nothing but heartbeats.
import type { Finding } from '../detectors/finding.js';

export interface FindingChanges {
  /** New or changed findings, with when each was first seen. */
  upserted: { finding: Finding; firstSeenMs: number }[];
  cleared: { detector: string; key: string }[];
}

const idOf = (f: { detector: string; key: string }): string => `${f.detector}\u0000${f.key}`;

export class FindingDiffer {
  private readonly current = new Map<string, { finding: Finding; fingerprint: string; firstSeenMs: number }>();

  update(findings: readonly Finding[], nowMs: number): FindingChanges {
    const changes: FindingChanges = { upserted: [], cleared: [] };
    const seen = new Set<string>();
    for (const finding of findings) {
      const id = idOf(finding);
      seen.add(id);
      const fingerprint = JSON.stringify(finding);
      const before = this.current.get(id);
      if (before?.fingerprint === fingerprint) continue;
      const firstSeenMs = before?.firstSeenMs ?? nowMs;
      this.current.set(id, { finding, fingerprint, firstSeenMs });
      changes.upserted.push({ finding, firstSeenMs });
    }
    for (const [id, { finding }] of this.current) {
      if (seen.has(id)) continue;
      this.current.delete(id);
      changes.cleared.push({ detector: finding.detector, key: finding.key });
    }
    return changes;
  }

  /** Everything currently found, for a full resend after the collector asks. */
  all(): { finding: Finding; firstSeenMs: number }[] {
    return [...this.current.values()].map(({ finding, firstSeenMs }) => ({ finding, firstSeenMs }));
  }
}
