// The alert as exports carry it: everything an analyst's SIEM needs, with the people and
// laptops involved and the explanation of the score.
import type { Store } from '../store/store.js';
import type { AlertChange } from '../store/store.js';

export interface AlertDocument {
  id: number;
  change: AlertChange['change'];
  rule: string;
  key: string;
  scope: string;
  severity: string;
  status: string;
  score: number;
  title: string;
  firstSeenMs: number;
  lastSeenMs: number;
  occurrences: number;
  devices: { id: string; hostname: string; serial: string; assignee: string; publicIp: string }[];
  details: unknown;
}

export function alertDocument(store: Store, change: AlertChange): AlertDocument | undefined {
  const a = store.alerts.detail(change.id);
  if (!a) return undefined;
  return {
    id: a.id, change: change.change, rule: a.rule, key: a.key, scope: a.scope, severity: a.severity, status: a.status, score: a.score,
    title: a.title, firstSeenMs: a.firstSeenMs, lastSeenMs: a.lastSeenMs, occurrences: a.occurrences,
    devices: a.members.map((id) => {
      const d = store.device(id);
      const r = store.registry.registration(id);
      return {
        id, hostname: d?.hostname ?? '', serial: r?.serial ?? d?.hardwareSerial ?? '',
        assignee: r ? `${r.assigneeName} <${r.assigneeEmail}>` : '', publicIp: d?.publicIp ?? '',
      };
    }),
    details: a.details,
  };
}
