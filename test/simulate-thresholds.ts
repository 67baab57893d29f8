// What test/simulate.test.ts holds the rules to, in one place: a smaller run of the simulator's
// scenario classes (scripts/simulate), with 4.5 days of history (steady state) and on day one.
//
// Issue 13's aim is 0.95 for precision and recall per laptop and per cluster at >= high in steady
// state, 0.8 laptop recall at >= high on day one, and no innocent class above low on average. The
// 300-laptop runs of `npm run simulate` reach it (README, "Proving it"); this run of 100
// has 30 farm laptops and 7 farm cases, so one laptop is 3 points and one case 14: the bars below
// are the figures the rules reached on it (seed 11) less about one laptop or case, because the hour
// and weekday of the run decide where office laptops are and how long a crowd has stayed.

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
    // Reached: per laptop 100% / 100%, per case 100% / 100% (7 of 7).
    high: { laptopPrecision: 0.95, laptopRecall: 0.93, clusterPrecision: 0.85, clusterRecall: 0.85 },
    medium: { laptopRecall: 0.95, clusterRecall: 0.85 },
    // Travellers on a consumer VPN with their clock on the trip's zone are low or medium (mean score in the low range).
    innocentMeanSeverity: { traveller: RANK.low + 0.75 },
    otherInnocent: RANK.low,
    quiet: ['couple', 'developer', 'helpdesk', 'ordinary', 'head office', 'helpdesk staff', 'branch office', 'coworking'],
  },
  dayOne: {
    run: { agents: 100, seed: 11 },
    // Reached: per laptop 100% / 83% (re-shipped laptops are still at home on day one), per case 100% / 86% (6 of 7).
    high: { laptopPrecision: 0.9, laptopRecall: 0.75, clusterPrecision: 0.85, clusterRecall: 0.7 },
    medium: { laptopRecall: 0.8, clusterRecall: 0.7 },
    innocentMeanSeverity: { traveller: RANK.low + 0.75 },
    otherInnocent: RANK.low,
    quiet: ['couple', 'developer', 'helpdesk', 'ordinary', 'head office', 'helpdesk staff', 'coworking'],
  },
};
