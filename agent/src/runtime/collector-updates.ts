// What the agent runs with after the collector had its say: the local configuration, then the
// settings the collector pushed (ConfigUpdate) and the catalog it pushed (CatalogUpdate). Each
// update must be signed by the collector's server certificate, issued by the CA this agent enrolled
// with (ca_file; see @farmwatch/shared signed-push.ts), and is then checked whole and swapped in at
// once, or refused whole with the reason logged, keeping what the agent had. A pushed catalog is
// kept in the state folder, signed as it came, so a restart does not fall back to an older one;
// it is checked again when it is read.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pb, type farmwatch } from '@farmwatch/proto';
import { loadCatalogMessage, PUSH_KIND, PushRefused, PushVerifier, type Catalog, type Logger, type PushKind, type SignedPayload } from '@farmwatch/shared';
import type { Policy } from '../detectors/index.js';
import { validateSource, type AgentConfig } from '../config/index.js';
import { readFileNoFollow, writeFileSafely } from '../state/no-follow.js';

export interface Effective {
  config: AgentConfig;
  catalog: Catalog;
  policy: Policy;
  sensorIntervals: Record<string, number>;
  heartbeatIntervalS: number;
  observationKey: Uint8Array | undefined;
  /** Observation kinds added after the first ten that the collector said it stores (AgentSettings.observation_kinds). */
  observationKinds: number[];
  configVersion: string;
}

type ConfigUpdate = farmwatch.v1.ConfigUpdate.$Shape;
type CatalogUpdate = farmwatch.v1.CatalogUpdate.$Shape;

/** The pushed catalog as it came: a SignedPayload holding a CatalogUpdate. */
export const CATALOG_FILE = 'catalog.signed.pb';
/** Where agents before signed pushes kept an unsigned copy: never read, removed. */
const UNSIGNED_CATALOG_FILE = 'catalog.pb';

/** The payload of a signed push, checked against the CA in `caFile`; PushRefused says why not. */
function verifiedPayload(signed: SignedPayload | null | undefined, kind: PushKind, caFile: string): Uint8Array {
  let caPem: Buffer;
  try {
    caPem = readFileSync(caFile);
  } catch (err) {
    throw new PushRefused(`the CA certificate ${caFile} to check it against cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): enroll the agent`);
  }
  return new PushVerifier(caPem, `the CA this agent enrolled with (${caFile})`).verify(signed, kind);
}

/** The catalog in a signed CatalogUpdate, checked whole (schema, content hash, pattern bounds). */
function catalogOf(signed: SignedPayload | null | undefined, caFile: string, what: string): Catalog | undefined {
  const update = pb.CatalogUpdate.decode(verifiedPayload(signed, PUSH_KIND.catalog, caFile));
  return update.catalog ? loadCatalogMessage(update.catalog, what) : undefined;
}

/** A catalog the collector pushed earlier, if its signature still checks against `caFile` and it is still valid. */
export function persistedCatalog(stateDir: string, caFile: string, log: Logger): Catalog | undefined {
  try {
    rmSync(join(stateDir, UNSIGNED_CATALOG_FILE), { force: true });
  } catch {
    // not a file the agent made (a folder): left alone, and never read
  }
  const path = join(stateDir, CATALOG_FILE);
  try {
    const bytes = readFileNoFollow(path);
    return catalogOf(pb.SignedPayload.decode(bytes), caFile, `the pushed catalog kept in ${path}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn('ignoring the stored pushed catalog; using the built-in one until the collector pushes its catalog again', { file: path, error: (err as Error).message });
    }
    return undefined;
  }
}

export class CollectorUpdates {
  current: Effective;
  private pushed: farmwatch.v1.AgentSettings.$Shape | undefined;

  constructor(config: AgentConfig, catalog: Catalog, private readonly basePolicy: Policy, private readonly log: Logger) {
    this.current = this.compute(config, catalog, undefined, '');
  }

  setLocalConfig(config: AgentConfig): void {
    this.current = this.compute(config, this.current.catalog, this.pushed, this.current.configVersion);
  }

  /** True when something changed. Only the signed copy counts (`signed`); the unsigned fields are for older agents. */
  applyConfig(signedUpdate: ConfigUpdate): boolean {
    let update: ConfigUpdate;
    try {
      update = pb.ConfigUpdate.decode(verifiedPayload(signedUpdate.signed, PUSH_KIND.config, this.current.config.ca_file));
    } catch (err) {
      this.log.error('refused a configuration update from the collector; keeping the current one', { version: signedUpdate.version ?? '', problems: [(err as Error).message] });
      return false;
    }
    const s = update.settings ?? {};
    const problems: string[] = [];
    // The settings the agent's own configuration has too are checked against the same schema.
    const asSettings: Record<string, unknown> = {};
    if (s.heartbeatIntervalS) asSettings.heartbeat_interval_s = s.heartbeatIntervalS;
    const intervals: Record<string, number> = {};
    for (const i of s.sensorIntervals ?? []) {
      if (!i.sensor) problems.push('a sensor interval names no sensor');
      else if (!i.disabled) intervals[i.sensor] = i.intervalS ?? 0;
    }
    if (Object.keys(intervals).length > 0) asSettings.sensor_intervals = intervals;
    if (s.sanctionedTools?.length) asSettings.sanctioned_tools = s.sanctionedTools;
    if (s.sanctionedVpns?.length) asSettings.sanctioned_vpns = s.sanctionedVpns;
    problems.push(...validateSource(asSettings, () => `the collector's configuration ${update.version ?? ''}`).problems);
    if (s.observationKey && s.observationKey.length > 0 && s.observationKey.length < 16) problems.push('the observation key is shorter than 16 bytes');
    if (problems.length > 0) {
      this.log.error('refused a configuration update from the collector; keeping the current one', { version: update.version ?? '', problems });
      return false;
    }
    this.pushed = s;
    this.current = this.compute(this.current.config, this.current.catalog, s, update.version ?? '');
    this.log.info('applied the configuration the collector pushed', { version: update.version ?? '' });
    return true;
  }

  /** True when the agent switched to the pushed catalog (signed, valid, and another version). */
  applyCatalog(update: CatalogUpdate, stateDir: string): boolean {
    if (update.version && update.version === this.current.catalog.version) return false;
    let catalog: Catalog | undefined;
    try {
      catalog = catalogOf(update.signed, this.current.config.ca_file, `the catalog ${update.version ?? ''} the collector pushed`);
    } catch (err) {
      this.log.error('refused a catalog update; keeping the current catalog', { version: update.version ?? '', current: this.current.catalog.version ?? '', error: (err as Error).message });
      return false;
    }
    if (!catalog || catalog.version === this.current.catalog.version) return false;
    try {
      writeFileSafely(join(stateDir, CATALOG_FILE), pb.SignedPayload.encode(update.signed ?? {}).finish(), { mode: 0o600 });
    } catch (err) {
      this.log.warn('the new catalog is in use but could not be stored for the next start', { error: (err as Error).message });
    }
    this.current = this.compute(this.current.config, catalog, this.pushed, this.current.configVersion);
    this.log.info('switched to the catalog the collector pushed', { version: catalog.version ?? '' });
    return true;
  }

  private compute(config: AgentConfig, catalog: Catalog, pushed: farmwatch.v1.AgentSettings.$Shape | undefined, configVersion: string): Effective {
    const union = (...lists: (readonly string[] | null | undefined)[]): string[] => [...new Set(lists.flatMap((l) => l ?? []))];
    const sensorIntervals: Record<string, number> = { ...config.sensor_intervals };
    const disabled = new Set(config.disabled_sensors);
    for (const i of pushed?.sensorIntervals ?? []) {
      if (!i.sensor) continue;
      if (i.disabled) disabled.add(i.sensor);
      else if (i.intervalS) sensorIntervals[i.sensor] = i.intervalS;
    }
    return {
      config: { ...config, disabled_sensors: [...disabled] },
      catalog,
      policy: {
        ...this.basePolicy,
        sanctionedTools: union(this.basePolicy.sanctionedTools, config.sanctioned_tools, pushed?.sanctionedTools),
        sanctionedVpns: union(this.basePolicy.sanctionedVpns, config.sanctioned_vpns, pushed?.sanctionedVpns),
      },
      sensorIntervals,
      heartbeatIntervalS: pushed?.heartbeatIntervalS || config.heartbeat_interval_s,
      observationKey: pushed?.observationKey && pushed.observationKey.length > 0 ? Uint8Array.from(pushed.observationKey) : this.current?.observationKey,
      observationKinds: [...(pushed?.observationKinds ?? [])],
      configVersion,
    };
  }
}
