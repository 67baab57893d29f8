// Scoring a simulation against its ground truth: precision and recall per laptop and per cluster
// at each severity threshold, which scenarios were flagged, what flagged the innocent ones, and the
// time from a laptop's evidence appearing to the first alert that names it.
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
const rank = (s) => SEVERITIES.indexOf(s);

const ratio = (a, b) => (b === 0 ? null : a / b);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function latencyStats(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : null };
}

/** The scenario most of `members` (device ids) belong to ('unknown' for laptops outside the fleet). */
function majorityClass(members, byDevice) {
  const n = new Map();
  for (const m of members) {
    const s = byDevice.get(m)?.scenario ?? 'unknown';
    n.set(s, (n.get(s) ?? 0) + 1);
  }
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'unknown';
}

/**
 * How alarming each class looks to the analyst: per laptop the highest score and severity of its
 * device.risk alert and of every cluster alert it is in (none: score 0, severity info), averaged
 * over the class's laptops.
 */
function classLevels(fleet, risk, clusters) {
  const best = new Map();
  const raise = (id, score, severity) => {
    const b = best.get(id) ?? { score: 0, rank: 0 };
    best.set(id, { score: Math.max(b.score, score ?? 0), rank: Math.max(b.rank, rank(severity)) });
  };
  for (const [id, a] of risk) raise(id, a.score, a.severity);
  for (const c of clusters) for (const m of c.members) raise(m, c.score, c.severity);
  const out = {};
  for (const l of fleet) {
    const o = (out[l.scenario] ??= { laptops: 0, positive: l.positive, score: 0, rank: 0 });
    const b = best.get(l.deviceId) ?? { score: 0, rank: 0 };
    o.laptops++;
    o.score += b.score;
    o.rank += b.rank;
  }
  for (const o of Object.values(out)) {
    o.meanScore = o.score / o.laptops;
    o.meanRank = o.rank / o.laptops;
    delete o.score;
    delete o.rank;
  }
  return out;
}

/**
 * @param fleet laptops with deviceId, scenario, positive, house, signalAt
 * @param alerts final alerts: { id, rule, severity, status, deviceId, members?, explanation? }
 * @param stream alert changes as they arrived: { atMs, doc }
 */
export function score(fleet, alerts, stream) {
  const byDevice = new Map(fleet.map((l) => [l.deviceId, l]));
  const risk = new Map();
  for (const a of alerts.filter((x) => x.rule === 'device.risk')) risk.set(a.deviceId, a);
  const clusters = alerts.filter((x) => x.rule === 'fleet.colocation' && x.status !== 'resolved');
  const truthClusters = new Map();
  for (const l of fleet) if (l.case) truthClusters.set(l.case, [...(truthClusters.get(l.case) ?? []), l.deviceId]);

  const thresholds = {};
  for (const t of ['low', 'medium', 'high', 'critical']) {
    const flaggedBy = new Map();
    for (const [id, a] of risk) if (rank(a.severity) >= rank(t)) flaggedBy.set(id, [`risk: ${a.explanation.map((s) => s.signal).join(' + ')}`]);
    const predicted = clusters.filter((c) => rank(c.severity) >= rank(t));
    for (const c of predicted) {
      for (const m of c.members) flaggedBy.set(m, [...(flaggedBy.get(m) ?? []), `cluster: ${c.explanation.map((s) => s.signal).sort().join(' + ')}`]);
    }
    const cm = { tp: 0, fp: 0, fn: 0, tn: 0 };
    const scenarios = {};
    const causes = {};
    for (const l of fleet) {
      const flagged = flaggedBy.has(l.deviceId);
      cm[l.positive ? (flagged ? 'tp' : 'fn') : (flagged ? 'fp' : 'tn')]++;
      const s = (scenarios[l.scenario] ??= { laptops: 0, flagged: 0 });
      s.laptops++;
      if (flagged) s.flagged++;
      if (flagged && !l.positive) for (const why of flaggedBy.get(l.deviceId)) causes[`${l.scenario}: ${why}`] = (causes[`${l.scenario}: ${why}`] ?? 0) + 1;
    }
    // Clusters: a predicted cluster finds a farm house when they share at least half their laptops (Jaccard >= 0.5).
    const jaccard = (a, b) => {
      const sa = new Set(a);
      const inter = b.filter((x) => sa.has(x)).length;
      return inter / (sa.size + b.length - inter);
    };
    const matchedTruth = new Set();
    let matchedPredicted = 0;
    let exact = 0;
    // Per class: its farm cases found, and the alerted clusters that match no case (named after the class most of their laptops belong to).
    const classClusters = {};
    const perClass = (scenario) => (classClusters[scenario] ??= { cases: 0, found: 0, wrong: 0 });
    for (const [, members] of truthClusters) perClass(majorityClass(members, byDevice)).cases++;
    for (const c of predicted) {
      let best;
      let bestJ = 0;
      for (const [house, members] of truthClusters) {
        const j = jaccard(c.members, members);
        if (j > bestJ) [best, bestJ] = [house, j];
      }
      if (best && bestJ >= 0.5) {
        matchedPredicted++;
        if (!matchedTruth.has(best)) perClass(majorityClass(truthClusters.get(best), byDevice)).found++;
        matchedTruth.add(best);
        if (bestJ === 1) exact++;
      } else {
        perClass(majorityClass(c.members, byDevice)).wrong++;
      }
    }
    const latencies = {};
    for (const l of fleet) {
      if (!l.positive || l.signalAt === undefined) continue;
      const first = stream.find((e) => e.atMs >= l.signalAt && rank(e.doc.severity) >= rank(t) && e.doc.devices.some((d) => d.id === l.deviceId));
      (latencies[l.scenario] ??= []).push(first ? first.atMs - l.signalAt : undefined);
    }
    thresholds[t] = {
      devices: { ...cm, precision: ratio(cm.tp, cm.tp + cm.fp), recall: ratio(cm.tp, cm.tp + cm.fn) },
      clusters: {
        truth: truthClusters.size, predicted: predicted.length, matchedPredicted, matchedTruth: matchedTruth.size, exact,
        precision: ratio(matchedPredicted, predicted.length), recall: ratio(matchedTruth.size, truthClusters.size),
      },
      classClusters,
      scenarios,
      falsePositiveCauses: Object.fromEntries(Object.entries(causes).sort((a, b) => b[1] - a[1])),
      timeToAlertMs: Object.fromEntries(Object.entries(latencies).map(([s, xs]) => [s, { ...latencyStats(xs.filter((x) => x !== undefined)), missed: xs.filter((x) => x === undefined).length }])),
      timeToAlertAllMs: (() => {
        const all = Object.values(latencies).flat();
        return { ...latencyStats(all.filter((x) => x !== undefined)), missed: all.filter((x) => x === undefined).length };
      })(),
    };
  }
  const unknown = alerts.filter((a) => a.rule === 'device.risk' && !byDevice.has(a.deviceId)).length;
  // Findings are no alerts of their own: each is evidence in its laptop's case (device.risk).
  const findings = alerts.filter((a) => a.rule === 'device.risk').reduce((n, a) => n + (a.findings ?? 0), 0);
  return { thresholds, classes: classLevels(fleet, risk, clusters), alerts: { risk: risk.size, clusters: clusters.length, findings, unknownDevices: unknown } };
}
