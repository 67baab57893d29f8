// What the agent runs with after the collector had its say: the local configuration, then the
// settings the collector pushed (ConfigUpdate) and the catalog it pushed (CatalogUpdate). Each
// update is checked whole and swapped in at once, or refused whole with the reason logged; a pushed
// catalog is kept in the state folder so a restart does not fall back to an older one.
import { join } from 'node:path';
import { pb, type farmwatch } from '@farmwatch/proto';
import { loadCatalogMessage, type Catalog, type Logger } from '@farmwatch/shared';
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

const CATALOG_FILE = 'catalog.pb';

/** A catalog the collector pushed earlier, if it is still valid. */
export function persistedCatalog(stateDir: string, log: Logger): Catalog | undefined {
  try {
    const bytes = readFileNoFollow(join(stateDir, CATALOG_FILE));
    return loadCatalogMessage(pb.Catalog.decode(bytes), `the pushed catalog in ${stateDir}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('ignoring the stored pushed catalog', { error: (err as Error).message });
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

  /** True when something changed. */
  applyConfig(update: ConfigUpdate): boolean {
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

  applyCatalog(update: CatalogUpdate, stateDir: string): boolean {
    if (!update.catalog || update.version === this.current.catalog.version) return false;
    let catalog: Catalog;
    try {
      catalog = loadCatalogMessage(update.catalog, `the catalog ${update.version ?? ''} the collector pushed`);
    } catch (err) {
      this.log.error('refused a catalog update; keeping the current catalog', { error: (err as Error).message });
      return false;
    }
    try {
      writeFileSafely(join(stateDir, CATALOG_FILE), pb.Catalog.encode(catalog).finish(), { mode: 0o600 });
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
