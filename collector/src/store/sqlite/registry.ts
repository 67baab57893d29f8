// SQLite side of the RegistryStore: registrations, one-time tokens (hashed), certificates.
import { randomBytes } from 'node:crypto';
import type { Db } from '../sqlite.js';
import type { EnrollRecord, RegistryStore, TokenUse } from '../store.js';
import type { DeviceRow } from '../records.js';
import type { CertificateRow, RegistrationInput, RegistrationRow, TokenRow } from '../fleet-records.js';
import { DEVICE_COLUMNS } from './columns.js';

const REGISTRATION_COLUMNS = `device_id AS deviceId, serial, assignee_name AS assigneeName, assignee_email AS assigneeEmail,
  ship_to AS shipTo, ship_country AS shipCountry, ship_lat AS shipLat, ship_lon AS shipLon, time_zone AS timeZone,
  registered_ms AS registeredMs, registered_by AS registeredBy, enrolled_ms AS enrolledMs, revoked_ms AS revokedMs, demo,
  ship_street_hash AS shipStreetHash, ship_building_hash AS shipBuildingHash`;

/** A registration as stored (demo is 0 or 1) as the rest of the code reads it. */
const registrationRow = (row: unknown): RegistrationRow | undefined => {
  if (!row) return undefined;
  const r = row as Omit<RegistrationRow, 'demo'> & { demo: number };
  return { ...r, demo: r.demo === 1 };
};

const CERT_COLUMNS = `serial, device_id AS deviceId, fingerprint, issued_ms AS issuedMs, not_after_ms AS notAfterMs,
  revoked_ms AS revokedMs, revoke_reason AS revokeReason, issued_by AS issuedBy, retired_ms AS retiredMs, retired_by AS retiredBy`;

export class RegistryConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryConflict';
  }
}

export function newDeviceId(): string {
  return `dev_${randomBytes(10).toString('hex')}`;
}

export class SqliteRegistry implements RegistryStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO registrations (device_id, serial, assignee_name, assignee_email, ship_to, ship_country,
        ship_lat, ship_lon, time_zone, registered_ms, registered_by, demo, ship_street_hash, ship_building_hash) VALUES (@deviceId, @serial,
        @assigneeName, @assigneeEmail, @shipTo, @shipCountry, @shipLat, @shipLon, @timeZone, @now, @actor, @demo, @shipStreetHash, @shipBuildingHash)`),
      byId: db.prepare(`SELECT ${REGISTRATION_COLUMNS} FROM registrations WHERE device_id = ?`),
      bySerial: db.prepare(`SELECT ${REGISTRATION_COLUMNS} FROM registrations WHERE lower(serial) = lower(?)`),
      list: db.prepare(`SELECT ${REGISTRATION_COLUMNS} FROM registrations ORDER BY registered_ms, device_id`),
      insertToken: db.prepare(`INSERT INTO enrollment_tokens (token_hash, device_id, created_ms, expires_ms, created_by)
        VALUES (?, ?, ?, ?, ?)`),
      token: db.prepare(`SELECT device_id AS deviceId, expires_ms AS expiresMs, used_ms AS usedMs, revoked_ms AS revokedMs,
        revoke_reason AS revokeReason FROM enrollment_tokens WHERE token_hash = ?`),
      listTokens: db.prepare(`SELECT t.device_id AS deviceId, r.serial, t.created_ms AS createdMs, t.expires_ms AS expiresMs,
        t.created_by AS createdBy, t.used_ms AS usedMs, t.revoked_ms AS revokedMs FROM enrollment_tokens t
        JOIN registrations r ON r.device_id = t.device_id ORDER BY t.created_ms DESC`),
      useToken: db.prepare('UPDATE enrollment_tokens SET used_ms = ? WHERE token_hash = ? AND used_ms IS NULL AND revoked_ms IS NULL AND expires_ms > ?'),
      revokeTokens: db.prepare(`UPDATE enrollment_tokens SET revoked_ms = ?, revoke_reason = ?
        WHERE device_id = ? AND used_ms IS NULL AND revoked_ms IS NULL AND expires_ms > ?`),
      deviceById: db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`),
      deviceByMachine: db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE machine_id = ?`),
      insertDevice: db.prepare(`INSERT INTO devices (id, machine_id, hostname, hardware_serial, os_platform, os_name, os_version,
        agent_version, catalog_version, boot_id, time_zone, clock_skew_ms, last_peer, first_seen_ms, last_seen_ms, enrolled_ms)
        VALUES (@id, @machineId, @hostname, @hardwareSerial, @osPlatform, @osName, @osVersion, @agentVersion,
        @catalogVersion, @bootId, @timeZone, @clockSkewMs, @peer, @now, @now, @now)`),
      refreshDevice: db.prepare(`UPDATE devices SET machine_id = @machineId, hostname = @hostname, hardware_serial = @hardwareSerial,
        os_platform = @osPlatform, os_name = @osName, os_version = @osVersion, agent_version = @agentVersion,
        catalog_version = @catalogVersion, boot_id = @bootId, time_zone = @timeZone, enrolled_ms = @now WHERE id = @id`),
      markEnrolled: db.prepare('UPDATE registrations SET enrolled_ms = ?, revoked_ms = NULL WHERE device_id = ?'),
      insertCert: db.prepare(`INSERT INTO certificates (serial, device_id, fingerprint, issued_ms, not_after_ms, issued_by)
        VALUES (?, ?, ?, ?, ?, ?)`),
      retireOthers: db.prepare(`UPDATE certificates SET retired_ms = @at, retired_by = @serial
        WHERE device_id = @deviceId AND serial <> @serial AND revoked_ms IS NULL AND (retired_ms IS NULL OR retired_ms > @at)
        RETURNING serial`).pluck(),
      renewals: db.prepare(`SELECT issued_ms FROM certificates WHERE device_id = ? AND issued_by = 'renewal' AND issued_ms > ?
        ORDER BY issued_ms`).pluck(),
      retiredBetween: db.prepare('SELECT serial FROM certificates WHERE retired_ms > ? AND retired_ms <= ? AND revoked_ms IS NULL').pluck(),
      cert: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE serial = ?`),
      certs: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE device_id = ? ORDER BY issued_ms`),
      liveCerts: db.prepare('SELECT serial FROM certificates WHERE device_id = ? AND revoked_ms IS NULL'),
      revokeCert: db.prepare('UPDATE certificates SET revoked_ms = ?, revoke_reason = ? WHERE serial = ?'),
      markRevoked: db.prepare('UPDATE registrations SET revoked_ms = ? WHERE device_id = ?'),
      detachMachine: db.prepare('UPDATE devices SET machine_id = ? WHERE id = ?'),
      demoIds: db.prepare('SELECT device_id FROM registrations WHERE demo = 1 ORDER BY device_id').pluck(),
      revokedSince: db.prepare('SELECT serial, revoked_ms AS revokedMs FROM certificates WHERE revoked_ms > ? ORDER BY revoked_ms'),
    };
  }

  register(r: RegistrationInput, actor: string, nowMs: number): RegistrationRow {
    const existing = this.registrationBySerial(r.serial);
    if (existing) {
      throw new RegistryConflict(`serial ${r.serial} is already registered as ${existing.deviceId} (assigned to ${existing.assigneeName} <${existing.assigneeEmail}>)`);
    }
    const deviceId = newDeviceId();
    this.s.insert.run({ ...r, deviceId, now: nowMs, actor, demo: r.demo ? 1 : 0, shipStreetHash: r.shipStreetHash ?? '', shipBuildingHash: r.shipBuildingHash ?? '' });
    return this.registration(deviceId) as RegistrationRow;
  }

  registration(deviceId: string): RegistrationRow | undefined {
    return registrationRow(this.s.byId.get(deviceId));
  }

  registrationBySerial(serial: string): RegistrationRow | undefined {
    return registrationRow(this.s.bySerial.get(serial.trim()));
  }

  listRegistrations(): RegistrationRow[] {
    return this.s.list.all().map((r) => registrationRow(r) as RegistrationRow);
  }

  createToken(deviceId: string, tokenHash: string, expiresMs: number, actor: string, nowMs: number): void {
    this.s.insertToken.run(tokenHash, deviceId, nowMs, expiresMs, actor);
  }

  revokeTokens(deviceId: string, reason: string, nowMs: number): number {
    return this.s.revokeTokens.run(nowMs, reason, deviceId, nowMs).changes;
  }

  token(tokenHash: string): TokenUse | undefined {
    return this.s.token.get(tokenHash) as TokenUse | undefined;
  }

  listTokens(): TokenRow[] {
    return this.s.listTokens.all() as TokenRow[];
  }

  enroll(e: EnrollRecord, nowMs: number): DeviceRow {
    return this.db.transaction(() => {
      // The token is consumed in the same transaction as the certificate is recorded: two agents
      // racing with one token cannot both get a certificate.
      if (this.s.useToken.run(nowMs, e.tokenHash, nowMs).changes !== 1) {
        throw new RegistryConflict('this enrollment token was used, revoked or expired a moment ago: ask IT for a new one');
      }
      let other = this.s.deviceByMachine.get(e.hello.machineId) as DeviceRow | undefined;
      if (other && other.id !== e.deviceId && !this.s.byId.get(other.id) && this.s.certs.all(other.id).length === 0) {
        // A device row from before enrollment existed (it reported with a shared demo certificate and
        // was never registered): its history stays under its old id; the machine now belongs to
        // the registered device.
        this.s.detachMachine.run(`unregistered:${other.id}:${e.hello.machineId}`, other.id);
        other = undefined;
      }
      if (other && other.id !== e.deviceId) {
        throw new RegistryConflict(`this machine is already enrolled as ${other.id}: revoke that device first (farmwatch-collector devices revoke ${other.id}), or enroll with a token for ${other.id}`);
      }
      const params = { ...e.hello, id: e.deviceId, now: nowMs };
      if (this.s.deviceById.get(e.deviceId)) this.s.refreshDevice.run(params);
      else this.s.insertDevice.run(params);
      this.s.markEnrolled.run(nowMs, e.deviceId);
      this.s.insertCert.run(e.certificate.serial, e.deviceId, e.certificate.fingerprint, nowMs, e.certificate.notAfterMs, 'enrollment');
      this.s.retireOthers.all({ at: e.retireOthersAtMs ?? nowMs, serial: e.certificate.serial, deviceId: e.deviceId });
      return this.s.deviceById.get(e.deviceId) as DeviceRow;
    })();
  }

  recordRenewal(deviceId: string, c: EnrollRecord['certificate'], nowMs: number, retireOthersAtMs: number): string[] {
    return this.db.transaction(() => {
      this.s.insertCert.run(c.serial, deviceId, c.fingerprint, nowMs, c.notAfterMs, 'renewal');
      return this.s.retireOthers.all({ at: retireOthersAtMs, serial: c.serial, deviceId }) as string[];
    })();
  }

  renewalsSince(deviceId: string, sinceMs: number): number[] {
    return this.s.renewals.all(deviceId, sinceMs) as number[];
  }

  retiredBetween(fromMs: number, toMs: number): string[] {
    return this.s.retiredBetween.all(fromMs, toMs) as string[];
  }

  certificate(serial: string): CertificateRow | undefined {
    return this.s.cert.get(serial) as CertificateRow | undefined;
  }

  certificates(deviceId: string): CertificateRow[] {
    return this.s.certs.all(deviceId) as CertificateRow[];
  }

  revokeDevice(deviceId: string, reason: string, nowMs: number): string[] {
    return this.db.transaction(() => {
      const serials = (this.s.liveCerts.all(deviceId) as { serial: string }[]).map((r) => r.serial);
      for (const serial of serials) this.s.revokeCert.run(nowMs, reason, serial);
      this.s.markRevoked.run(nowMs, deviceId);
      return serials;
    })();
  }

  revokedSince(sinceMs: number): { serial: string; revokedMs: number }[] {
    return this.s.revokedSince.all(sinceMs) as { serial: string; revokedMs: number }[];
  }

  demoDeviceIds(): string[] {
    return this.s.demoIds.all() as string[];
  }

  deviceByMachine(machineId: string): DeviceRow | undefined {
    return this.s.deviceByMachine.get(machineId) as DeviceRow | undefined;
  }
}
