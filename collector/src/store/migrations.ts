// Numbered schema migrations. Each runs once, in order, inside a transaction; applied numbers are
// kept in schema_migrations. Never edit a released migration: add the next number.
//
// SQL stays portable (SQLite and PostgreSQL): TEXT / INTEGER / BLOB types, no SQLite-only syntax
// beyond what both accept, times as integer milliseconds since the epoch.

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
];
