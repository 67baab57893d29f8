// Numbered schema migrations. Each runs once, in order, inside a transaction; applied numbers are
// kept in schema_migrations. Never edit a released migration: add the next number.
//
// SQL stays portable (SQLite and PostgreSQL): TEXT / INTEGER / BLOB types, no SQLite-only syntax
// beyond what both accept, times as integer milliseconds since the epoch.
import { SITES_MIGRATION } from '../sites/migration.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'devices, events, findings, inventory, sensor states, alerts',
    sql: `
      CREATE TABLE devices (
        id               TEXT PRIMARY KEY,
        machine_id       TEXT NOT NULL UNIQUE,
        hostname         TEXT NOT NULL DEFAULT '',
        hardware_serial  TEXT NOT NULL DEFAULT '',
        os_platform      TEXT NOT NULL DEFAULT '',
        os_name          TEXT NOT NULL DEFAULT '',
        os_version       TEXT NOT NULL DEFAULT '',
        agent_version    TEXT NOT NULL DEFAULT '',
        catalog_version  TEXT NOT NULL DEFAULT '',
        boot_id          TEXT NOT NULL DEFAULT '',
        time_zone        TEXT NOT NULL DEFAULT '',
        clock_skew_ms    INTEGER NOT NULL DEFAULT 0,
        last_peer        TEXT NOT NULL DEFAULT '',
        first_seen_ms    INTEGER NOT NULL,
        last_seen_ms     INTEGER NOT NULL,
        last_sequence    INTEGER NOT NULL DEFAULT 0,
        cpu_permille     INTEGER,
        rss_bytes        INTEGER,
        spool_depth      INTEGER,
        stopped_at_ms    INTEGER,
        stop_reason      TEXT
      );

      CREATE TABLE events (
        device_id       TEXT NOT NULL REFERENCES devices(id),
        sequence        INTEGER NOT NULL,
        kind            TEXT NOT NULL,
        observed_at_ms  INTEGER NOT NULL,
        received_at_ms  INTEGER NOT NULL,
        body            BLOB NOT NULL,
        PRIMARY KEY (device_id, sequence)
      );
      CREATE INDEX events_by_time ON events (received_at_ms);

      CREATE TABLE findings (
        device_id      TEXT NOT NULL REFERENCES devices(id),
        detector       TEXT NOT NULL,
        key            TEXT NOT NULL,
        category       TEXT NOT NULL,
        severity       TEXT NOT NULL,
        confidence     INTEGER NOT NULL,
        title          TEXT NOT NULL,
        catalog_entry  TEXT NOT NULL DEFAULT '',
        sanctioned     INTEGER NOT NULL DEFAULT 0,
        evidence       TEXT NOT NULL,
        first_seen_ms  INTEGER NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        cleared_at_ms  INTEGER,
        PRIMARY KEY (device_id, detector, key)
      );

      CREATE TABLE inventory (
        device_id      TEXT NOT NULL REFERENCES devices(id),
        kind           TEXT NOT NULL,
        item_key       TEXT NOT NULL,
        summary        TEXT NOT NULL,
        body           BLOB NOT NULL,
        first_seen_ms  INTEGER NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        removed_at_ms  INTEGER,
        PRIMARY KEY (device_id, kind, item_key)
      );

      CREATE TABLE sensor_states (
        device_id    TEXT NOT NULL REFERENCES devices(id),
        sensor       TEXT NOT NULL,
        status       TEXT NOT NULL,
        reason       TEXT NOT NULL DEFAULT '',
        last_run_ms  INTEGER NOT NULL,
        duration_ms  INTEGER NOT NULL,
        items        INTEGER NOT NULL,
        PRIMARY KEY (device_id, sensor)
      );

      CREATE TABLE alerts (
        id             INTEGER PRIMARY KEY,
        device_id      TEXT NOT NULL REFERENCES devices(id),
        rule           TEXT NOT NULL,
        key            TEXT NOT NULL,
        severity       TEXT NOT NULL,
        title          TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT 'open',
        first_seen_ms  INTEGER NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        occurrences    INTEGER NOT NULL DEFAULT 1,
        UNIQUE (device_id, rule, key)
      );
      CREATE INDEX alerts_by_status ON alerts (status, last_seen_ms);
    `,
  },
  {
    version: 2,
    name: 'enrollment, observations, correlation, alert lifecycle, API tokens, audit',
    sql: `
      -- What IT registers before shipping a laptop. The device row (devices) appears at enrollment.
      CREATE TABLE registrations (
        device_id       TEXT PRIMARY KEY,
        serial          TEXT NOT NULL UNIQUE,
        assignee_name   TEXT NOT NULL,
        assignee_email  TEXT NOT NULL,
        ship_to         TEXT NOT NULL,
        ship_country    TEXT NOT NULL DEFAULT '',
        ship_lat        REAL,
        ship_lon        REAL,
        time_zone       TEXT NOT NULL,
        registered_ms   INTEGER NOT NULL,
        registered_by   TEXT NOT NULL,
        enrolled_ms     INTEGER,
        revoked_ms      INTEGER
      );
      CREATE INDEX registrations_by_email ON registrations (assignee_email);

      -- One-time enrollment tokens, kept only as SHA-256 hashes.
      CREATE TABLE enrollment_tokens (
        token_hash   TEXT PRIMARY KEY,
        device_id    TEXT NOT NULL REFERENCES registrations(device_id),
        created_ms   INTEGER NOT NULL,
        expires_ms   INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        used_ms      INTEGER
      );

      -- Every client certificate the collector's CA issued; revocation is per certificate.
      CREATE TABLE certificates (
        serial         TEXT PRIMARY KEY,
        device_id      TEXT NOT NULL,
        fingerprint    TEXT NOT NULL,
        issued_ms      INTEGER NOT NULL,
        not_after_ms   INTEGER NOT NULL,
        revoked_ms     INTEGER,
        revoke_reason  TEXT
      );
      CREATE INDEX certificates_by_device ON certificates (device_id);
      CREATE INDEX certificates_by_revocation ON certificates (revoked_ms);

      ALTER TABLE devices ADD COLUMN public_ip TEXT NOT NULL DEFAULT '';
      ALTER TABLE devices ADD COLUMN rtt_ms INTEGER;
      ALTER TABLE devices ADD COLUMN enrolled_ms INTEGER;

      -- Co-location observations: one row per device and observed value, with its time span.
      CREATE TABLE observations (
        device_id      TEXT NOT NULL REFERENCES devices(id),
        kind           TEXT NOT NULL,
        value_key      TEXT NOT NULL,
        value          TEXT NOT NULL DEFAULT '',
        via            TEXT NOT NULL DEFAULT '',
        first_seen_ms  INTEGER NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        count          INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (device_id, kind, value_key)
      );
      CREATE INDEX observations_by_value ON observations (kind, value_key);
      CREATE INDEX observations_by_time ON observations (last_seen_ms);

      -- Edges of the co-location graph: two devices that shared a value within the time window.
      CREATE TABLE edges (
        device_a   TEXT NOT NULL,
        device_b   TEXT NOT NULL,
        kind       TEXT NOT NULL,
        value_key  TEXT NOT NULL,
        value      TEXT NOT NULL DEFAULT '',
        first_ms   INTEGER NOT NULL,
        last_ms    INTEGER NOT NULL,
        PRIMARY KEY (device_a, device_b, kind, value_key)
      );
      CREATE INDEX edges_by_b ON edges (device_b);
      CREATE INDEX edges_by_time ON edges (last_ms);

      -- Values the admin says are not co-location (corporate egress, VPN concentrators).
      CREATE TABLE exclusions (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL,
        value       TEXT NOT NULL,
        reason      TEXT NOT NULL,
        created_ms  INTEGER NOT NULL,
        created_by  TEXT NOT NULL,
        UNIQUE (kind, value)
      );

      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  BLOB NOT NULL
      );

      ALTER TABLE alerts ADD COLUMN scope TEXT NOT NULL DEFAULT 'device';
      ALTER TABLE alerts ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE alerts ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
      ALTER TABLE alerts ADD COLUMN updated_ms INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN suppressed_by INTEGER;
      CREATE INDEX alerts_by_time ON alerts (last_seen_ms);

      CREATE TABLE alert_members (
        alert_id   INTEGER NOT NULL REFERENCES alerts(id),
        device_id  TEXT NOT NULL,
        PRIMARY KEY (alert_id, device_id)
      );
      CREATE INDEX alert_members_by_device ON alert_members (device_id);

      CREATE TABLE alert_notes (
        id        INTEGER PRIMARY KEY,
        alert_id  INTEGER NOT NULL REFERENCES alerts(id),
        author    TEXT NOT NULL,
        text      TEXT NOT NULL,
        at_ms     INTEGER NOT NULL
      );

      CREATE TABLE suppressions (
        id          INTEGER PRIMARY KEY,
        rule        TEXT NOT NULL,
        device_id   TEXT NOT NULL DEFAULT '',
        reason      TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_ms  INTEGER NOT NULL,
        expires_ms  INTEGER NOT NULL
      );

      CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        at_ms   INTEGER NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        target  TEXT NOT NULL,
        detail  TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX audit_by_time ON audit_log (at_ms);

      CREATE TABLE api_tokens (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL,
        token_hash    TEXT NOT NULL UNIQUE,
        created_ms    INTEGER NOT NULL,
        last_used_ms  INTEGER,
        revoked_ms    INTEGER
      );
    `,
  },
  {
    version: 3,
    name: 'console: people and sessions; indexes for the alert queue, timelines and audit trails',
    sql: `
      -- People who log in to the web console, with the roles API tokens have. Passwords are kept
      -- as scrypt hashes with their parameters (src/auth/passwords.ts).
      CREATE TABLE users (
        id                   INTEGER PRIMARY KEY,
        name                 TEXT NOT NULL UNIQUE,
        role                 TEXT NOT NULL,
        password_hash        TEXT NOT NULL,
        created_ms           INTEGER NOT NULL,
        created_by           TEXT NOT NULL,
        password_changed_ms  INTEGER NOT NULL,
        last_login_ms        INTEGER,
        disabled_ms          INTEGER
      );

      -- Console sessions, kept only as SHA-256 hashes of the cookie's secret.
      CREATE TABLE sessions (
        token_hash    TEXT PRIMARY KEY,
        user_id       INTEGER NOT NULL REFERENCES users(id),
        csrf_token    TEXT NOT NULL,
        created_ms    INTEGER NOT NULL,
        last_seen_ms  INTEGER NOT NULL,
        expires_ms    INTEGER NOT NULL,
        client        TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_ms);

      -- The alert queue: one index per sort order over the alerts lists show (not suppressed),
      -- with the filtered columns, so a page is read in order from the index and a deep page skips
      -- index entries only. The severity expression is the one the queries order by.
      CREATE INDEX alerts_queue_severity ON alerts ((CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END),
        last_seen_ms DESC, id, status, severity, scope) WHERE suppressed_by IS NULL;
      CREATE INDEX alerts_queue_score ON alerts (score DESC, (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END),
        id, status, severity, scope) WHERE suppressed_by IS NULL;
      CREATE INDEX alerts_queue_updated ON alerts (updated_ms DESC, id DESC, status, severity, scope) WHERE suppressed_by IS NULL;
      CREATE INDEX alerts_queue_age ON alerts (first_seen_ms, id, status, severity, scope) WHERE suppressed_by IS NULL;
      -- Replaced by the queue's indexes (status is in each of them). Without table statistics
      -- SQLite took "status = ?" on this index as selective, fetched every open alert and sorted
      -- them all for each page.
      DROP INDEX alerts_by_status;
      -- Fleet overview: alerts opened per hour or day.
      CREATE INDEX alerts_by_first_seen ON alerts (first_seen_ms, severity);

      -- An alert's or a device's audit trail.
      CREATE INDEX audit_by_target ON audit_log (target, id);

      -- A device's timeline: the events that change something (not heartbeats, health reports or
      -- repeated observations), newest first.
      CREATE INDEX events_changes ON events (device_id, sequence)
        WHERE kind IN ('finding', 'findingCleared', 'inventoryChange', 'stopped', 'dropped');
    `,
  },
  {
    version: 4,
    name: 'hours each device was online, for the activity rules',
    sql: `
      -- One row per device and hour (integer hours since the epoch, UTC) in which the device sent
      -- an event stamped with that hour: heartbeats make it "the laptop was on". Kept apart from
      -- events, which are many per hour, so the activity rules read at most a few hundred rows.
      CREATE TABLE device_hours (
        device_id  TEXT NOT NULL REFERENCES devices(id),
        hour       INTEGER NOT NULL,
        PRIMARY KEY (device_id, hour)
      );
      INSERT INTO device_hours (device_id, hour)
        SELECT DISTINCT device_id, observed_at_ms / 3600000 FROM events WHERE observed_at_ms > 0
        ON CONFLICT (device_id, hour) DO NOTHING;
      CREATE INDEX device_hours_by_hour ON device_hours (hour);
    `,
  },
  {
    version: 5,
    name: 'hours each device was in use (keyboard or mouse input)',
    sql: `
      -- active: keyboard or mouse input happened in that hour (agents that can read it say so in
      -- their heartbeats); devices.input_reported_ms: when one last did.
      ALTER TABLE device_hours ADD COLUMN active INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE devices ADD COLUMN input_reported_ms INTEGER;
    `,
  },
  {
    version: 6,
    name: 'the span and time of the agent CPU figure',
    sql: `
      -- devices.cpu_permille is the agent's CPU over cpu_window_s seconds, measured at cpu_at_ms
      -- (from its heartbeats and health reports); cpu_window_s 0: an older agent's figure "since its
      -- previous report", NULL: none yet.
      ALTER TABLE devices ADD COLUMN cpu_window_s INTEGER;
      ALTER TABLE devices ADD COLUMN cpu_at_ms INTEGER;
    `,
  },
  {
    version: 7,
    name: 'typed audit targets; enrollment tokens revoked when a newer one is issued',
    sql: `
      -- Audit targets were bare values ("1", "dev_…", "jordan"), so alert 1's trail also listed
      -- API token 1 and exclusion 1. They become KIND:ID (src/store/audit-target.ts), the kind
      -- given by the action's family.
      UPDATE audit_log SET target = 'alert:' || target WHERE action LIKE 'alert.%';
      UPDATE audit_log SET target = 'suppression:' || target WHERE action LIKE 'suppression.%';
      UPDATE audit_log SET target = 'api-token:' || target WHERE action LIKE 'api-token.%';
      UPDATE audit_log SET target = 'enroll-token:' || target WHERE action LIKE 'token.%';
      UPDATE audit_log SET target = 'user:' || target WHERE action LIKE 'user.%';
      UPDATE audit_log SET target = 'import:' || target WHERE action = 'device.import';
      UPDATE audit_log SET target = 'device:' || target WHERE action LIKE 'device.%' AND action <> 'device.import';
      UPDATE audit_log SET target = 'exclusion:' || target WHERE action = 'exclusion.remove';
      -- exclusion.add named "KIND VALUE": the exclusion's id when it is still there (made then, not
      -- a later one with the same value), else the kind and value as they were.
      UPDATE audit_log SET target = 'exclusion:' || COALESCE((SELECT CAST(e.id AS TEXT) FROM exclusions e
          WHERE e.kind || ' ' || e.value = lower(trim(audit_log.target)) AND e.created_ms <= audit_log.at_ms + 1000), target)
        WHERE action = 'exclusion.add';

      -- A new enrollment token for a laptop revokes its earlier unused ones, with the reason.
      ALTER TABLE enrollment_tokens ADD COLUMN revoked_ms INTEGER;
      ALTER TABLE enrollment_tokens ADD COLUMN revoke_reason TEXT;
      CREATE INDEX enrollment_tokens_by_device ON enrollment_tokens (device_id);
    `,
  },
  {
    version: 8,
    name: 'demo devices: registrations made by `npm run demo`, removable with `devices purge-demo`',
    sql: `
      -- 1: a simulated laptop of the demo fleet (registered with demo set, by admin or IT); its
      -- device, events, observations, edges and alerts go with it (devices purge-demo).
      ALTER TABLE registrations ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX registrations_demo ON registrations (device_id) WHERE demo = 1;
    `,
  },
  {
    version: 9,
    name: 'a renewed certificate retires the one it replaces; renewals are counted per device',
    sql: `
      -- issued_by: 'enrollment' or 'renewal' (renewals are rate-limited per device; rows from
      -- before this migration count as enrollments). retired_ms: when the certificate stops being
      -- accepted because a newer one for the device was issued (retired_by, its serial).
      ALTER TABLE certificates ADD COLUMN issued_by TEXT NOT NULL DEFAULT 'enrollment';
      ALTER TABLE certificates ADD COLUMN retired_ms INTEGER;
      ALTER TABLE certificates ADD COLUMN retired_by TEXT;
      CREATE INDEX certificates_by_retirement ON certificates (retired_ms);
      -- A device's older unrevoked certificates were all still accepted: each is retired ten minutes
      -- from now in favour of the device's newest one.
      UPDATE certificates SET retired_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 600000,
        retired_by = (SELECT n.serial FROM certificates n WHERE n.device_id = certificates.device_id ORDER BY n.issued_ms DESC, n.rowid DESC LIMIT 1)
        WHERE revoked_ms IS NULL
          AND serial <> (SELECT n.serial FROM certificates n WHERE n.device_id = certificates.device_id ORDER BY n.issued_ms DESC, n.rowid DESC LIMIT 1);
    `,
  },
  SITES_MIGRATION,
  {
    version: 11,
    name: 'presence per place: the public address of each hour a device was on; shipped-to street address hashes',
    sql: `
      -- One row per device, hour (since the epoch, UTC) and public address the collector saw the
      -- device at in that hour (the address of the stream its events of that hour came on). Kept
      -- over the correlation window only (the fleet engine prunes it hourly), at most a few
      -- addresses per device and hour: bounded by hours x addresses per device.
      CREATE TABLE device_places (
        device_id  TEXT NOT NULL REFERENCES devices(id),
        hour       INTEGER NOT NULL,
        ip         TEXT NOT NULL,
        PRIMARY KEY (device_id, hour, ip)
      );
      CREATE INDEX device_places_by_hour ON device_places (hour);
      -- Keyed hashes (HMAC-SHA-256, the collector's ship-to key in its state folder) of the street
      -- line a laptop was shipped to, normalized, with the city: with the unit, and of the building
      -- alone. The street itself is never stored. '' when registration gave no street.
      ALTER TABLE registrations ADD COLUMN ship_street_hash TEXT NOT NULL DEFAULT '';
      ALTER TABLE registrations ADD COLUMN ship_building_hash TEXT NOT NULL DEFAULT '';
      CREATE INDEX registrations_by_street_hash ON registrations (ship_street_hash) WHERE ship_street_hash <> '';
      CREATE INDEX registrations_by_building_hash ON registrations (ship_building_hash) WHERE ship_building_hash <> '';
    `,
  },
  {
    version: 12,
    name: 'cases: a finding is evidence of its laptop\'s case, no alert of its own',
    sql: `
      -- Findings opened an alert each (rule = the detector); they are now the evidence of the
      -- laptop's one case (device.risk), which the collector opens at start for every laptop with
      -- findings. The finding alerts still open or acknowledged are closed as folded into it, with
      -- a note and an audit record; their notes and trails stay.
      INSERT INTO alert_notes (alert_id, author, text, at_ms)
        SELECT id, 'collector', 'folded into the laptop''s case (device.risk): a finding is now evidence of its laptop''s case, no alert of its own',
          CAST(strftime('%s', 'now') AS INTEGER) * 1000
        FROM alerts WHERE scope = 'device' AND rule <> 'device.risk' AND status IN ('open', 'acknowledged');
      INSERT INTO audit_log (at_ms, actor, action, target, detail)
        SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'collector', 'alert.fold', 'alert:' || id, status || ' -> resolved: folded into the laptop''s case'
        FROM alerts WHERE scope = 'device' AND rule <> 'device.risk' AND status IN ('open', 'acknowledged');
      UPDATE alerts SET status = 'resolved', updated_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000
        WHERE scope = 'device' AND rule <> 'device.risk' AND status IN ('open', 'acknowledged');
    `,
  },
];
