// A laptop's case: its one 'device.risk' alert, which carries the laptop's findings as evidence and
// its risk score signal by signal. It opens when the laptop has a finding worth an analyst's look
// or a score of RISK_ALERT_MIN, and is then kept up to date as findings and signals come and go
// (also below the threshold, so it never shows a stale score). A finding the case did not have
// (or had, and saw go) counts one more occurrence and reopens a resolved case; a finding it never
// carried also reopens a case closed as a false positive: that judgement was about other evidence.
import type { AlertRecord } from '../store/records.js';
import type { RiskResult } from '../rules/device-rules.js';
import { severityFor } from '../rules/weights.js';
import { findingId, isActive, type CaseFinding } from './finding-alerts.js';

export const RISK_RULE = 'device.risk';
/** The key of a laptop's case (one per laptop). */
export const CASE_KEY = 'risk';
/** Scores below this open no case by themselves (one weak signal alone is not worth an analyst's time); a finding does. */
export const RISK_ALERT_MIN = 15;

export interface CaseDetails {
  explanation: { signal: string; weight: number; title: string; evidence: string[] }[];
  findings: CaseFinding[];
  /** Findings beyond the listed ones (MAX_CASE_FINDINGS). */
  findingsOmitted?: number;
}

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * "Risk 65: <the two strongest signals> | <the first two findings> +3 more": the score and why,
 * then what is on the laptop (the queue shows one row per laptop; this is what the row says).
 */
function title(risk: RiskResult, active: CaseFinding[]): string {
  const counted = risk.signals.filter((s) => s.weight > 0).map((s) => s.title);
  const found = active.map((f) => f.title);
  if (counted.length === 0 && found.length === 0) return `Risk ${risk.score}: no signal any more`;
  const signals = counted.length > 0 ? counted.slice(0, 2).join('; ') : 'no scored signal';
  const findings = found.length > 0 ? ` | ${found.slice(0, 2).join(', ')}${found.length > 2 ? ` +${found.length - 2} more` : ''}` : '';
  return `Risk ${risk.score}: ${signals}${findings}`;
}

/**
 * The case's record, or undefined when there is no case and nothing opens one. `previous`: the
 * stored case's details (undefined when there is no case yet; details without findings, from a
 * collector before cases, are a baseline: nothing in them counts as new).
 */
export function caseAlert(deviceId: string, risk: RiskResult, findings: { listed: CaseFinding[]; omitted: number },
  previous: { details: Partial<CaseDetails> } | undefined, atMs: number): AlertRecord | undefined {
  const active = findings.listed.filter(isActive);
  if (!previous && risk.score < RISK_ALERT_MIN && active.length === 0) return undefined;
  const before = previous?.details.findings;
  const wasActive = new Set((before ?? []).filter(isActive).map(findingId));
  const carried = new Set((before ?? []).map(findingId));
  const newOccurrence = before !== undefined && active.some((f) => !wasActive.has(findingId(f)));
  const newEvidence = before !== undefined && active.some((f) => !carried.has(findingId(f)));
  // The case's severity is its score's; a case with a finding there now is at least low (the finding is why it is open).
  const byScore = severityFor(risk.score);
  const severity = active.length > 0 && SEVERITIES.indexOf(byScore) < SEVERITIES.indexOf('low') ? 'low' : byScore;
  const details: CaseDetails = {
    explanation: risk.signals.map((s) => ({ signal: s.id, weight: s.weight, title: s.title, evidence: s.evidence })),
    findings: findings.listed, ...(findings.omitted > 0 ? { findingsOmitted: findings.omitted } : {}),
  };
  return {
    deviceId, rule: RISK_RULE, key: CASE_KEY, severity, atMs, newOccurrence, newEvidence, scope: 'device', score: risk.score,
    title: title(risk, active), details,
  };
}
