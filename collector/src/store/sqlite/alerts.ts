// SQLite side of the AlertStore: lifecycle, notes, suppressions, audit log and API tokens.
import type { Db } from '../sqlite.js';
import type { AlertStore } from '../store.js';
import type { AlertDetailRow, AlertRow, AlertStatus } from '../records.js';
import type { ApiTokenRow, AuditRow, NoteRow, Role, SuppressionRow } from '../fleet-records.js';
import type { AuditTarget } from '../audit-target.js';
import { ALERT_COLUMNS } from './columns.js';

const SUPPRESSION_COLUMNS = `id, rule, device_id AS deviceId, reason, created_by AS createdBy, created_ms AS createdMs,
  expires_ms AS expiresMs`;
const TOKEN_COLUMNS = 'id, name, role, created_ms AS createdMs, last_used_ms AS lastUsedMs, revoked_ms AS revokedMs';

export class SqliteAlerts implements AlertStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      alert: db.prepare(`SELECT ${ALERT_COLUMNS}, a.details FROM alerts a JOIN devices d ON d.id = a.device_id WHERE a.id = ?`),
      detailsText: db.prepare('SELECT details FROM alerts WHERE id = ?').pluck(),
      alertRow: db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN devices d ON d.id = a.device_id WHERE a.id = ?`),
      find: db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN devices d ON d.id = a.device_id WHERE a.device_id = ? AND a.rule = ? AND a.key = ?`),
      members: db.prepare('SELECT device_id AS deviceId FROM alert_members WHERE alert_id = ? ORDER BY device_id'),
      ofMember: db.prepare(`SELECT a.id FROM alerts a JOIN alert_members m ON m.alert_id = a.id
        WHERE m.device_id = ? AND a.rule = ? ORDER BY a.id`),
      setStatus: db.prepare('UPDATE alerts SET status = ?, updated_ms = ? WHERE id = ?'),
      setAssignee: db.prepare('UPDATE alerts SET assignee = ?, updated_ms = ? WHERE id = ?'),
      addNote: db.prepare('INSERT INTO alert_notes (alert_id, author, text, at_ms) VALUES (?, ?, ?, ?)'),
      notes: db.prepare('SELECT id, alert_id AS alertId, author, text, at_ms AS atMs FROM alert_notes WHERE alert_id = ? ORDER BY id'),
      suppressions: db.prepare(`SELECT ${SUPPRESSION_COLUMNS} FROM suppressions WHERE expires_ms > ? ORDER BY id`),
      suppression: db.prepare(`SELECT ${SUPPRESSION_COLUMNS} FROM suppressions WHERE id = ?`),
      addSuppression: db.prepare(`INSERT INTO suppressions (rule, device_id, reason, created_by, created_ms, expires_ms)
        VALUES (?, ?, ?, ?, ?, ?)`),
      removeSuppression: db.prepare('DELETE FROM suppressions WHERE id = ?'),
      audit: db.prepare('INSERT INTO audit_log (at_ms, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      auditLog: db.prepare('SELECT id, at_ms AS atMs, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?'),
      insertToken: db.prepare('INSERT INTO api_tokens (name, role, token_hash, created_ms) VALUES (?, ?, ?, ?)'),
      tokenById: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`),
      tokenByHash: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?`),
      touchToken: db.prepare('UPDATE api_tokens SET last_used_ms = ? WHERE id = ?'),
      listTokens: db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY id`),
      revokeToken: db.prepare('UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL'),
    };
  }

  detail(id: number): AlertDetailRow | undefined {
    const row = this.s.alert.get(id) as (AlertRow & { details: string }) | undefined;
    if (!row) return undefined;
    const members = (this.s.members.all(id) as { deviceId: string }[]).map((m) => m.deviceId);
    return { ...row, details: JSON.parse(row.details) as unknown, members: members.length > 0 ? members : [row.deviceId] };
  }

  find(deviceId: string, rule: string, key: string): AlertRow | undefined {
    return this.s.find.get(deviceId, rule, key) as AlertRow | undefined;
  }

  setStatus(id: number, status: AlertStatus, nowMs: number): void {
    this.s.setStatus.run(status, nowMs, id);
  }

  setAssignee(id: number, assignee: string, nowMs: number): void {
    this.s.setAssignee.run(assignee, nowMs, id);
  }

  addNote(alertId: number, author: string, text: string, nowMs: number): NoteRow {
    const id = Number(this.s.addNote.run(alertId, author, text, nowMs).lastInsertRowid);
    return { id, alertId, author, text, atMs: nowMs };
  }

  notes(alertId: number): NoteRow[] {
    return this.s.notes.all(alertId) as NoteRow[];
  }

  alertsOfMembers(deviceIds: readonly string[], rule: string): (AlertRow & { members: string[] })[] {
    // A cluster's members share its alert: each alert is read once, and its details (every edge of
    // the cluster) are not read at all. Reading them per member made scoring a growing cluster of n
    // laptops cost n² parses of a document of n² edges.
    const ids = new Set<number>();
    for (const id of deviceIds) for (const r of this.s.ofMember.all(id, rule) as { id: number }[]) ids.add(r.id);
    const out: (AlertRow & { members: string[] })[] = [];
    for (const id of [...ids].sort((a, b) => a - b)) {
      const row = this.s.alertRow.get(id) as AlertRow | undefined;
      if (!row) continue;
      const members = (this.s.members.all(id) as { deviceId: string }[]).map((m) => m.deviceId);
      out.push({ ...row, members: members.length > 0 ? members : [row.deviceId] });
    }
    return out;
  }

  detailsText(id: number): string | undefined {
    return this.s.detailsText.get(id) as string | undefined;
  }

  suppressions(nowMs: number): SuppressionRow[] {
    return this.s.suppressions.all(nowMs) as SuppressionRow[];
  }

  addSuppression(rule: string, deviceId: string, reason: string, actor: string, expiresMs: number, nowMs: number): SuppressionRow {
    const id = Number(this.s.addSuppression.run(rule, deviceId, reason, actor, nowMs, expiresMs).lastInsertRowid);
    return this.s.suppression.get(id) as SuppressionRow;
  }

  removeSuppression(id: number): boolean {
    return this.s.removeSuppression.run(id).changes === 1;
  }

  /** A live suppression for the rule ('*' = every rule) and any of the devices ('' = every device). */
  suppressionFor(rule: string, deviceIds: string[], nowMs: number): SuppressionRow | undefined {
    return this.suppressions(nowMs).find((s) =>
      (s.rule === rule || s.rule === '*') && (s.deviceId === '' || deviceIds.includes(s.deviceId)));
  }

  audit(actor: string, action: string, target: AuditTarget, detail: string, nowMs: number): void {
    this.s.audit.run(nowMs, actor, action, target, detail);
  }

  auditLog(limit: number, offset: number): AuditRow[] {
    return this.s.auditLog.all(limit, offset) as AuditRow[];
  }

  createApiToken(name: string, role: Role, tokenHash: string, nowMs: number): ApiTokenRow {
    const id = Number(this.s.insertToken.run(name, role, tokenHash, nowMs).lastInsertRowid);
    return this.s.tokenById.get(id) as ApiTokenRow;
  }

  apiToken(tokenHash: string): ApiTokenRow | undefined {
    return this.s.tokenByHash.get(tokenHash) as ApiTokenRow | undefined;
  }

  apiTokenById(id: number): ApiTokenRow | undefined {
    return this.s.tokenById.get(id) as ApiTokenRow | undefined;
  }

  touchApiToken(id: number, nowMs: number): void {
    this.s.touchToken.run(nowMs, id);
  }

  listApiTokens(): ApiTokenRow[] {
    return this.s.listTokens.all() as ApiTokenRow[];
  }

  revokeApiToken(id: number, nowMs: number): boolean {
    return this.s.revokeToken.run(nowMs, id).changes === 1;
  }
}
