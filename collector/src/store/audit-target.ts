// What an audit record is about, typed: "alert:12", "api-token:3", "device:dev_…", "user:jordan".
// Targets used to be bare values, so alert 1's trail also showed API token 1 and exclusion 1.
// Every target is built here (AuditTarget is branded: a plain string does not type-check as one),
// and lookups (an alert's trail, a device's timeline) ask for the same typed values. Migration 6
// rewrote the records of older collectors the same way, by the action's family.
declare const typed: unique symbol;

/** A typed audit target, KIND:ID. */
export type AuditTarget = string & { readonly [typed]: true };

export const AUDIT_TARGET_KINDS = ['alert', 'device', 'enroll-token', 'api-token', 'exclusion', 'suppression', 'user', 'import', 'purge', 'site'] as const;
export type AuditTargetKind = (typeof AUDIT_TARGET_KINDS)[number];

const make = (kind: AuditTargetKind, id: string | number): AuditTarget => `${kind}:${id}` as AuditTarget;

export const auditTarget = {
  alert: (id: number): AuditTarget => make('alert', id),
  device: (deviceId: string): AuditTarget => make('device', deviceId),
  /** A device's enrollment tokens: a token has no id of its own (only its hash is kept), so it is named by its laptop. */
  enrollToken: (deviceId: string): AuditTarget => make('enroll-token', deviceId),
  apiToken: (id: number): AuditTarget => make('api-token', id),
  exclusion: (id: number): AuditTarget => make('exclusion', id),
  suppression: (id: number): AuditTarget => make('suppression', id),
  user: (name: string): AuditTarget => make('user', name),
  /** A company site (sites add|remove, and its learned equipment dropped). */
  site: (id: number): AuditTarget => make('site', id),
  /** A CSV import registers many laptops at once: named by how many. */
  import: (laptops: number): AuditTarget => make('import', `${laptops} devices`),
  /** `devices purge-demo` removes many laptops at once: named by how many. */
  purge: (laptops: number): AuditTarget => make('purge', `${laptops} demo devices`),
};

/** The kind and id of a typed target; undefined for anything else. */
export function parseAuditTarget(target: string): { kind: AuditTargetKind; id: string } | undefined {
  const i = target.indexOf(':');
  if (i < 0) return undefined;
  const kind = target.slice(0, i) as AuditTargetKind;
  return AUDIT_TARGET_KINDS.includes(kind) ? { kind, id: target.slice(i + 1) } : undefined;
}
