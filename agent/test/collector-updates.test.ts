// What the collector pushes: settings and catalogs, each checked whole and applied at once or
// refused whole; a pushed catalog survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pb, type Catalog } from '@farmwatch/proto';
import { builtinCatalog, catalogVersion, createLogger } from '@farmwatch/shared';
import { CollectorUpdates, persistedCatalog } from '../src/runtime/collector-updates.js';
import { defaults } from '../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'farmwatch-updates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger('test', (process.env.FW_TEST_LOG as 'error' | undefined) ?? 'silent');

function newerCatalog(): Catalog {
  const plain = pb.Catalog.toObject(pb.Catalog.fromObject(builtinCatalog()), { enums: String }) as { remoteAccess: unknown[] };
  plain.remoteAccess.push({ id: 'fw-test-tool', name: 'Test Tool', category: 'RMM', processes: [{ pattern: 'fwtesttool', platform: 'PLATFORM_LINUX' }], sources: [{ note: 'test entry', license: 'n/a' }] });
  const c = pb.Catalog.fromObject(plain) as Catalog;
  c.version = catalogVersion(c);
  return c;
}

describe('collector updates', () => {
  it('applies pushed settings on top of the local configuration', () => {
    const u = new CollectorUpdates({ ...defaults(dir), sanctioned_tools: ['anydesk'] }, builtinCatalog(), { sanctionedTools: [] }, log);
    const key = new Uint8Array(32).fill(9);
    expect(u.applyConfig({ version: 'v2', settings: { heartbeatIntervalS: 120, sanctionedTools: ['teamviewer'], observationKey: key, sensorIntervals: [{ sensor: 'processes', intervalS: 15 }, { sensor: 'wifi', disabled: true }] } })).toBe(true);
    expect(u.current.heartbeatIntervalS).toBe(120);
    expect(u.current.policy.sanctionedTools).toEqual(['anydesk', 'teamviewer']);
    expect(u.current.sensorIntervals.processes).toBe(15);
    expect(u.current.config.disabled_sensors).toContain('wifi');
    expect(Buffer.from(u.current.observationKey ?? []).equals(Buffer.from(key))).toBe(true);
    expect(u.current.configVersion).toBe('v2');
  });

  it('refuses a bad settings update whole, keeping the current one', () => {
    const u = new CollectorUpdates(defaults(dir), builtinCatalog(), { sanctionedTools: [] }, log);
    expect(u.applyConfig({ version: 'bad', settings: { heartbeatIntervalS: 30, observationKey: new Uint8Array(4) } })).toBe(false);
    expect(u.current.heartbeatIntervalS).toBe(60);
    expect(u.current.configVersion).toBe('');
  });

  it('checks pushed settings against the same schema as the local configuration, and says why it refused', () => {
    const errors: unknown[] = [];
    const recording = { ...log, error: (message: string, fields?: Record<string, unknown>) => void errors.push({ message, ...fields }), child: () => recording };
    const u = new CollectorUpdates(defaults(dir), builtinCatalog(), { sanctionedTools: [] }, recording);
    expect(u.applyConfig({ version: 'v7', settings: { heartbeatIntervalS: 7200, sensorIntervals: [{ sensor: 'processes', intervalS: 100_000 }, { sensor: 'wifi' }] } })).toBe(false);
    expect(errors).toEqual([expect.objectContaining({
      version: 'v7',
      problems: [
        "the collector's configuration v7: heartbeat_interval_s must be a whole number of seconds from 1 to 3600, not 7200 (heartbeat_interval_s: time between heartbeats)",
        "the collector's configuration v7: sensor_intervals.processes must be a whole number of seconds from 1 to 86400, not 100000",
        "the collector's configuration v7: sensor_intervals.wifi must be a whole number of seconds from 1 to 86400, not 0",
      ],
    })]);
    expect(u.current.heartbeatIntervalS).toBe(60);
    expect(u.current.sensorIntervals.processes).toBeUndefined();
  });

  it('switches to a pushed catalog, stores it, and refuses one whose content does not match its version', () => {
    const u = new CollectorUpdates(defaults(dir), builtinCatalog(), { sanctionedTools: [] }, log);
    const newer = newerCatalog();
    expect(u.applyCatalog({ version: newer.version ?? '', catalog: newer }, dir)).toBe(true);
    expect(u.current.catalog.version).toBe(newer.version);
    expect(persistedCatalog(dir, log)?.version).toBe(newer.version);
    const forged = { ...newerCatalog(), version: builtinCatalog().version ?? '' };
    (forged.remoteAccess ?? []).push({ id: 'sneaky', name: 'Sneaky' });
    const v = newerCatalog();
    expect(u.applyCatalog({ version: 'x', catalog: { ...forged, version: v.version ?? '' } }, dir)).toBe(false);
    expect(u.current.catalog.version).toBe(newer.version);
  });
});
