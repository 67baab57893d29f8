// The lifecycle of cases (and of any alert): open -> acknowledged -> resolved or false positive
// (and reopen), with assignee, notes and an audit record for every change. Suppressions silence a
// rule for a device (or the fleet) until they expire; one naming a detector leaves its findings
// out of the laptop's case (src/alerts/cases.ts).
import type { Store } from '../store/store.js';
import type { AlertStatus } from '../store/records.js';
import { auditTarget } from '../store/audit-target.js';
import { assignableUsers } from '../ops/alert-values.js';

export type AlertAction = 'ack' | 'resolve' | 'false_positive' | 'reopen';

const TARGET: Record<AlertAction, AlertStatus> = { ack: 'acknowledged', resolve: 'resolved', false_positive: 'false_positive', reopen: 'open' };
const FROM: Record<AlertAction, AlertStatus[]> = {
  ack: ['open'],
  resolve: ['open', 'acknowledged'],
  false_positive: ['open', 'acknowledged', 'resolved'],
  reopen: ['acknowledged', 'resolved', 'false_positive'],
};

export class LifecycleError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export function transition(store: Store, id: number, action: AlertAction, actor: string, note?: string, nowMs = Date.now()): void {
  const alert = store.alert(id);
  if (!alert) throw new LifecycleError(404, `there is no alert ${id}`);
  if (!FROM[action].includes(alert.status)) {
    throw new LifecycleError(409, `alert ${id} is ${alert.status}; "${action}" applies to ${FROM[action].join(' or ')} alerts`);
  }
  store.write(() => {
    store.alerts.setStatus(id, TARGET[action], nowMs);
    if (note) store.alerts.addNote(id, actor, note, nowMs);
    store.alerts.audit(actor, `alert.${action}`, auditTarget.alert(id), `${alert.status} -> ${TARGET[action]}${note ? `: ${note}` : ''}`, nowMs);
  });
}

/** Assigns an alert to a console user who can act on alerts (admin or analyst); "" assigns it to nobody. */
export function assign(store: Store, id: number, assignee: string, actor: string, nowMs = Date.now()): void {
  if (!store.alert(id)) throw new LifecycleError(404, `there is no alert ${id}`);
  const name = assignee.trim();
  if (name !== '') {
    const users = assignableUsers(store);
    if (!users.some((u) => u.name === name)) {
      throw new LifecycleError(400, `"${name}" is not a console user who can take alerts: assign to ${users.length > 0 ? `one of ${users.map((u) => u.name).join(', ')}` : 'an admin or analyst'} ` +
        '(`farmwatch-collector users list` shows them, `users create --role analyst` adds one)');
    }
  }
  store.alerts.setAssignee(id, name, nowMs);
  store.alerts.audit(actor, 'alert.assign', auditTarget.alert(id), name || '(nobody)', nowMs);
}

export function note(store: Store, id: number, text: string, actor: string, nowMs = Date.now()): void {
  if (!store.alert(id)) throw new LifecycleError(404, `there is no alert ${id}`);
  if (!text.trim()) throw new LifecycleError(400, 'the note is empty');
  store.alerts.addNote(id, actor, text.trim(), nowMs);
  store.alerts.audit(actor, 'alert.note', auditTarget.alert(id), text.trim().slice(0, 200), nowMs);
}

/** "7d", "12h", "30m" -> milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (!m) throw new LifecycleError(400, `duration "${text}" should be a number and a unit: 30m, 12h, 7d`);
  return Number(m[1]) * ({ d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm']);
}

export function suppress(store: Store, rule: string, deviceId: string, reason: string, forMs: number, actor: string, nowMs = Date.now()) {
  if (!rule) throw new LifecycleError(400, 'a suppression needs the rule it silences ("*" for every rule)');
  if (!reason.trim()) throw new LifecycleError(400, 'a suppression needs a reason (it is kept in the audit log)');
  if (forMs <= 0 || forMs > 365 * 86_400_000) throw new LifecycleError(400, 'a suppression lasts between a minute and a year');
  if (deviceId && !store.device(deviceId) && !store.registry.registration(deviceId)) throw new LifecycleError(404, `there is no device ${deviceId}`);
  const s = store.alerts.addSuppression(rule, deviceId, reason.trim(), actor, nowMs + forMs, nowMs);
  store.alerts.audit(actor, 'suppression.add', auditTarget.suppression(s.id), `${rule} on ${deviceId || 'every device'} until ${new Date(s.expiresMs).toISOString()}: ${reason}`, nowMs);
  return s;
}
