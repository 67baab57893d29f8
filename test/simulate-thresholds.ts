// What test/simulate.test.ts holds the rules to, in one place: a smaller run of the simulator's
// scenario classes (scripts/simulate), with 4.5 days of history (steady state) and on day one.
//
// These are the figures the rules reached when the grown simulator arrived, less a margin (the
// hour and weekday of the run decide whether office laptops have shared their place long enough to
// count in full): raised by the lead when the issue-13 rules land. Issue 13's aim is 0.95 for
// precision and recall per laptop and per cluster at >= high in steady state, 0.8 laptop recall
// at >= high on day one, and no innocent class above low (1) on average.

/** Severities as ranks: a class's mean severity is the mean of its laptops' ranks. */
export const RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

export interface RunThresholds {
  /** The run: laptops, seed, minutes between replayed heartbeats (the steady run). */
  run: { agents: number; seed: number; historyStepMin?: number };
  /** At >= high: at least this precision and recall, per laptop and per farm case. */
  high: { laptopPrecision: number; laptopRecall: number; clusterPrecision: number; clusterRecall: number };
  /** At >= medium: at least this recall per laptop and per farm case. */
  medium: { laptopRecall: number; clusterRecall: number };
  /** At most this mean severity (RANK) per innocent class; classes not named: `otherInnocent`. */
  innocentMeanSeverity: Record<string, number>;
  otherInnocent: number;
  /** Innocent classes none of whose laptops may be flagged at >= medium. */
  quiet: string[];
}

export const THRESHOLDS: { steady: RunThresholds; dayOne: RunThresholds } = {
  steady: {
    run: { agents: 100, seed: 11, historyStepMin: 30 },
    high: { laptopPrecision: 0.35, laptopRecall: 0.7, clusterPrecision: 0.4, clusterRecall: 0.6 },
    medium: { laptopRecall: 0.9, clusterRecall: 0.6 },
    // Branch offices nobody registered and coworking spaces are still farm-like crowds to the rules:
    // up to critical. The head office and its helpdesk are a company site (collector/src/sites).
    innocentMeanSeverity: { 'head office': RANK.low, 'branch office': RANK.critical, 'helpdesk staff': RANK.low, coworking: RANK.critical, household: RANK.high, traveller: RANK.medium },
    otherInnocent: RANK.low,
    quiet: ['couple', 'developer', 'helpdesk', 'ordinary'],
  },
  dayOne: {
    run: { agents: 100, seed: 11 },
    high: { laptopPrecision: 0.6, laptopRecall: 0.3, clusterPrecision: 0.5, clusterRecall: 0.2 },
    medium: { laptopRecall: 0.5, clusterRecall: 0.3 },
    innocentMeanSeverity: { 'head office': RANK.low, 'branch office': RANK.high, 'helpdesk staff': RANK.low, coworking: RANK.high, household: RANK.medium, traveller: RANK.medium },
    otherInnocent: RANK.low,
    quiet: ['couple', 'developer', 'helpdesk', 'ordinary'],
  },
};
