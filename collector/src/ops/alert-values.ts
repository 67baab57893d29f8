// The values alert filters and actions accept, in one place for the CLI and the HTTP API: a value
// outside them is refused with the list, never read as "no alerts".
import type { Db } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { AlertQuery } from '../store/store.js';
import type { AlertStatus } from '../store/records.js';
import type { UserRow } from '../auth/people-store.js';
import { RISK_RULE } from '../alerts/case-alerts.js';
import { CLUSTER_RULE } from '../alerts/cluster-alerts.js';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const satisfies readonly AlertStatus[];
/** A status filter: one status, or active (open or acknowledged). */
export const ALERT_STATUS_FILTERS = [...ALERT_STATUSES, 'active'] as const;
export const ALERT_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const ALERT_SCOPES = ['device', 'cluster'] as const;
export const ALERT_SORTS = ['severity', 'recent', 'score', 'age'] as const satisfies readonly NonNullable<AlertQuery['sort']>[];

/** The rules an alert can have here: the collector's own, and every detector agents have reported or alerted on. */
export function knownRules(db: Db): string[] {
  const seen = db.prepare('SELECT rule FROM alerts UNION SELECT detector FROM findings').pluck().all() as string[];
  return [...new Set([RISK_RULE, CLUSTER_RULE, ...seen])].sort();
}

/** Who can take an alert: console users who may act on alerts (admin, analyst) and are not disabled. */
export function assignableUsers(store: Store): UserRow[] {
  return store.people.listUsers().filter((u) => u.disabledMs === null && (u.role === 'admin' || u.role === 'analyst'));
}
