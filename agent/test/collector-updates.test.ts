// What the collector pushes: settings and catalogs, each signed by the collector's server
// certificate, checked whole and applied at once or refused whole; a pushed catalog survives a
// restart, and is checked again when it is read.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pb, type Catalog, type farmwatch } from '@farmwatch/proto';
import { PUSH_KIND, PushSigner, builtinCatalog, catalogVersion, createAuthority, createLogger, issueCertificate, type Logger, type PemPair } from '@farmwatch/shared';
import { CATALOG_FILE, CollectorUpdates, persistedCatalog } from '../src/runtime/collector-updates.js';
import { defaults, type AgentConfig } from '../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'farmwatch-updates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger('test', (process.env.FW_TEST_LOG as 'error' | undefined) ?? 'silent');
const caFile = join(dir, 'ca.pem');
const config = (over: Partial<AgentConfig> = {}): AgentConfig => ({ ...defaults(dir), ca_file: caFile, ...over });

let ca: PemPair;
let server: PushSigner;
beforeAll(async () => {
  ca = await createAuthority('updates test CA', 30);
  writeFileSync(caFile, ca.certPem);
  server = new PushSigner(await issueCertificate(ca, { commonName: 'farmwatch-collector', usage: 'server', days: 30, ipAddresses: ['127.0.0.1'] }));
});

type Settings = farmwatch.v1.AgentSettings.$Shape;
const signedConfig = (version: string, settings: Settings, signer = server): farmwatch.v1.ConfigUpdate.$Shape =>
  ({ version, signed: signer.sign(PUSH_KIND.config, pb.ConfigUpdate.encode({ version, settings }).finish()) });
const signedCatalog = (catalog: Catalog, signer = server): farmwatch.v1.CatalogUpdate.$Shape =>
  ({ version: catalog.version ?? '', signed: signer.sign(PUSH_KIND.catalog, pb.CatalogUpdate.encode({ version: catalog.version ?? '', catalog }).finish()) });

function recorder(): { log: Logger; errors: Record<string, unknown>[]; warnings: Record<string, unknown>[] } {
  const errors: Record<string, unknown>[] = [];
  const warnings: Record<string, unknown>[] = [];
  const l: Logger = {
    ...log, child: () => l,
    error: (message, fields) => void errors.push({ message, ...fields }),
    warn: (message, fields) => void warnings.push({ message, ...fields }),
  };
  return { log: l, errors, warnings };
}

function newerCatalog(processPattern = 'fwtesttool'): Catalog {
  const plain = pb.Catalog.toObject(pb.Catalog.fromObject(builtinCatalog()), { enums: String }) as { remoteAccess: unknown[] };
  plain.remoteAccess.push({ id: 'fw-test-tool', name: 'Test Tool', category: 'RMM', processes: [{ pattern: processPattern, platform: 'PLATFORM_LINUX' }], sources: [{ note: 'test entry', license: 'n/a' }] });
  const c = pb.Catalog.fromObject(plain) as Catalog;
  c.version = catalogVersion(c);
  return c;
}

describe('collector updates', () => {
  it('applies signed settings on top of the local configuration', () => {
    const u = new CollectorUpdates(config({ sanctioned_tools: ['anydesk'] }), builtinCatalog(), { sanctionedTools: [] }, log);
    const key = new Uint8Array(32).fill(9);
    expect(u.applyConfig(signedConfig('v2', { heartbeatIntervalS: 120, sanctionedTools: ['teamviewer'], observationKey: key, sensorIntervals: [{ sensor: 'processes', intervalS: 15 }, { sensor: 'wifi', disabled: true }] }))).toBe(true);
    expect(u.current.heartbeatIntervalS).toBe(120);
    expect(u.current.policy.sanctionedTools).toEqual(['anydesk', 'teamviewer']);
    expect(u.current.sensorIntervals.processes).toBe(15);
    expect(u.current.config.disabled_sensors).toContain('wifi');
    expect(Buffer.from(u.current.observationKey ?? []).equals(Buffer.from(key))).toBe(true);
    expect(u.current.configVersion).toBe('v2');
  });

  it('refuses a bad settings update whole, keeping the current one', () => {
    const u = new CollectorUpdates(config(), builtinCatalog(), { sanctionedTools: [] }, log);
    expect(u.applyConfig(signedConfig('bad', { heartbeatIntervalS: 30, observationKey: new Uint8Array(4) }))).toBe(false);
    expect(u.current.heartbeatIntervalS).toBe(60);
    expect(u.current.configVersion).toBe('');
  });

  it('checks pushed settings against the same schema as the local configuration, and says why it refused', () => {
    const r = recorder();
    const u = new CollectorUpdates(config(), builtinCatalog(), { sanctionedTools: [] }, r.log);
    expect(u.applyConfig(signedConfig('v7', { heartbeatIntervalS: 7200, sensorIntervals: [{ sensor: 'processes', intervalS: 100_000 }, { sensor: 'wifi' }] }))).toBe(false);
    expect(r.errors).toEqual([expect.objectContaining({
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

  it('refuses settings that are unsigned, altered, signed by an agent\'s certificate or under another CA, saying which', async () => {
    const r = recorder();
    const u = new CollectorUpdates(config(), builtinCatalog(), { sanctionedTools: [] }, r.log);
    const key = new Uint8Array(32).fill(7);
    const agent = new PushSigner(await issueCertificate(ca, { commonName: 'some-device', usage: 'client', days: 30 }));
    const otherCa = await createAuthority('not the enrolled CA', 30);
    const stranger = new PushSigner(await issueCertificate(otherCa, { commonName: 'farmwatch-collector', usage: 'server', days: 30 }));
    const altered = signedConfig('v3', { sanctionedTools: ['anydesk'], observationKey: key });
    const payload = Buffer.from(altered.signed?.payload ?? []);
    payload[payload.indexOf('anydesk')] = 'b'.charCodeAt(0);
    const cases: [farmwatch.v1.ConfigUpdate.$Shape, RegExp][] = [
      [{ version: 'v1', settings: { sanctionedTools: ['anydesk'], observationKey: key } }, /^it is not signed/],
      [{ ...altered, signed: { ...altered.signed, payload } }, /^its signature does not match its content: it was changed after the signing certificate \(CN=farmwatch-collector, serial [0-9A-F]+\) signed it$/],
      [signedConfig('v4', { observationKey: key }, agent), /^the signing certificate \(CN=some-device, .*\) is not a server certificate \(no serverAuth usage\)/],
      [signedConfig('v5', { observationKey: key }, stranger), new RegExp(`^the signing certificate \\(CN=farmwatch-collector, .*\\) was not issued by the CA this agent enrolled with \\(${caFile}\\)$`)],
      [{ version: 'v6', signed: signedCatalog(newerCatalog()).signed }, /^it is signed as "farmwatch.v1.CatalogUpdate", not as farmwatch.v1.ConfigUpdate$/],
    ];
    for (const [update] of cases) expect(u.applyConfig(update)).toBe(false);
    const reasons = r.errors.map((e) => (e.problems as string[])[0] ?? '');
    expect(reasons).toHaveLength(cases.length);
    cases.forEach(([, why], i) => expect(reasons[i]).toMatch(why));
    expect(r.errors.every((e) => e.message === 'refused a configuration update from the collector; keeping the current one')).toBe(true);
    expect(u.current.observationKey).toBeUndefined();
    expect(u.current.configVersion).toBe('');
  });

  it('switches to a signed catalog, stores it signed, reads it back, and refuses one whose content does not match its version', () => {
    const sub = join(dir, 'switch');
    mkdirSync(sub);
    const u = new CollectorUpdates(config(), builtinCatalog(), { sanctionedTools: [] }, log);
    const newer = newerCatalog();
    expect(u.applyCatalog(signedCatalog(newer), sub)).toBe(true);
    expect(u.current.catalog.version).toBe(newer.version);
    expect(persistedCatalog(sub, caFile, log)?.version).toBe(newer.version);
    const forged = newerCatalog();
    (forged.remoteAccess ?? []).push({ id: 'sneaky', name: 'Sneaky' });
    expect(u.applyCatalog(signedCatalog({ ...forged, version: newerCatalog('other').version ?? '' }), sub)).toBe(false);
    expect(u.current.catalog.version).toBe(newer.version);
  });

  it('refuses an unsigned or altered catalog, and one with a pattern past the bounds, naming the entry; the previous catalog stays', () => {
    const sub = join(dir, 'refuse');
    mkdirSync(sub);
    const r = recorder();
    const u = new CollectorUpdates(config(), builtinCatalog(), { sanctionedTools: [] }, r.log);
    const unsigned = newerCatalog();
    const altered = signedCatalog(newerCatalog('fwtool'));
    const bytes = Buffer.from(altered.signed?.payload ?? []);
    bytes[bytes.indexOf('fwtool')] = 'F'.charCodeAt(0);
    const long = newerCatalog(`${'x'.repeat(300)}*`);
    const starry = newerCatalog(`${'*a'.repeat(17)}*b`);
    expect(u.applyCatalog({ version: unsigned.version ?? '', catalog: unsigned }, sub)).toBe(false);
    expect(u.applyCatalog({ ...altered, signed: { ...altered.signed, payload: bytes } }, sub)).toBe(false);
    expect(u.applyCatalog(signedCatalog(long), sub)).toBe(false);
    expect(u.applyCatalog(signedCatalog(starry), sub)).toBe(false);
    const entry = `catalog.remoteAccess[${(long.remoteAccess?.length ?? 0) - 1}] (fw-test-tool).processes[0].pattern`;
    expect(r.errors.map((e) => e.error)).toEqual([
      expect.stringMatching(/^it is not signed/),
      expect.stringMatching(/^its signature does not match its content/),
      expect.stringContaining(`${entry} is 301 characters long; at most 256`),
      expect.stringContaining(`${entry} has 18 '*'; at most 16`),
    ]);
    expect(u.current.catalog.version).toBe(builtinCatalog().version);
    expect(persistedCatalog(sub, caFile, log)).toBeUndefined();
  });

  it('ignores a stored catalog that was altered on disk or is signed under another CA, saying so', async () => {
    const sub = join(dir, 'stored');
    mkdirSync(sub);
    const u = new CollectorUpdates(config(), builtinCatalog(), { sanctionedTools: [] }, log);
    expect(u.applyCatalog(signedCatalog(newerCatalog('fwstored')), sub)).toBe(true);
    const file = join(sub, CATALOG_FILE);
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[bad.indexOf('fwstored')] = 'F'.charCodeAt(0);
    writeFileSync(file, bad);
    const r = recorder();
    expect(persistedCatalog(sub, caFile, r.log)).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.file).toBe(file);
    expect(r.warnings[0]?.error).toMatch(/^its signature does not match its content/);
    writeFileSync(file, good);
    const otherCaFile = join(sub, 'other-ca.pem');
    writeFileSync(otherCaFile, (await createAuthority('another CA', 30)).certPem);
    expect(persistedCatalog(sub, otherCaFile, r.log)).toBeUndefined();
    expect(r.warnings[1]?.error).toMatch(/was not issued by the CA this agent enrolled with/);
    // An unsigned copy an older agent kept is not read, and is removed.
    writeFileSync(join(sub, 'catalog.pb'), pb.Catalog.encode(newerCatalog('fwold')).finish());
    expect(persistedCatalog(sub, caFile, r.log)?.version).toBe(newerCatalog('fwstored').version);
    expect(() => readFileSync(join(sub, 'catalog.pb'))).toThrow(/ENOENT/);
  });
});
