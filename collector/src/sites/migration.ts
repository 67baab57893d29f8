// Migration 10: company sites, their egress ranges, and the equipment learned at each (kept in
// src/sites with the rest of sites; store/migrations.ts lists it). Portable SQL, like every migration.
import type { Migration } from '../store/migrations.js';

export const SITES_MIGRATION: Migration = {
  version: 10,
  name: 'company sites: egress ranges and the equipment laptops see there',
  sql: `
    CREATE TABLE sites (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      created_ms  INTEGER NOT NULL,
      created_by  TEXT NOT NULL
    );

    -- One row per CIDR, canonical ("203.0.113.0/24"); membership is computed by the collector.
    CREATE TABLE site_egress (
      site_id  INTEGER NOT NULL REFERENCES sites(id),
      cidr     TEXT NOT NULL,
      PRIMARY KEY (site_id, cidr)
    );

    -- What laptops saw while their address was in the site's egress: gateway MACs, joined and
    -- visible BSSIDs, LAN neighbours (keyed hashes, as agents send them). dropped_ms: the admin
    -- said it is not the site's (it links laptops again and is not learned again).
    CREATE TABLE site_equipment (
      id             INTEGER PRIMARY KEY,
      site_id        INTEGER NOT NULL REFERENCES sites(id),
      kind           TEXT NOT NULL,
      value_key      TEXT NOT NULL,
      value          TEXT NOT NULL,
      first_seen_ms  INTEGER NOT NULL,
      last_seen_ms   INTEGER NOT NULL,
      dropped_ms     INTEGER,
      dropped_by     TEXT,
      UNIQUE (site_id, kind, value_key)
    );
    CREATE INDEX site_equipment_by_value ON site_equipment (value_key);

    -- Which laptops saw each item at the site, and when (the count shown for review).
    CREATE TABLE site_sightings (
      equipment_id   INTEGER NOT NULL REFERENCES site_equipment(id),
      device_id      TEXT NOT NULL,
      first_seen_ms  INTEGER NOT NULL,
      last_seen_ms   INTEGER NOT NULL,
      PRIMARY KEY (equipment_id, device_id)
    );
    CREATE INDEX site_sightings_by_time ON site_sightings (last_seen_ms);
    CREATE INDEX site_sightings_by_device ON site_sightings (device_id);

    -- Laptops seen connecting from a site's egress, not through a tunnel: first and last time.
    CREATE TABLE site_presence (
      site_id        INTEGER NOT NULL REFERENCES sites(id),
      device_id      TEXT NOT NULL,
      first_seen_ms  INTEGER NOT NULL,
      last_seen_ms   INTEGER NOT NULL,
      PRIMARY KEY (site_id, device_id)
    );
    CREATE INDEX site_presence_by_device ON site_presence (device_id);

    -- A value newly learned as a site's loses the edges it made: found by value.
    CREATE INDEX edges_by_value ON edges (value_key);
  `,
};
