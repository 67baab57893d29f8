// One pass over the host: run every sensor, then every detector over what they saw.
import type { Catalog } from '@farmwatch/shared';
import { Platform } from '@farmwatch/proto';
import { runSensor, sensorsOf, type HostFacts, type HostPlatform, type SensorContext, type SensorOutcome } from '../sensors/index.js';
import { applyExceptions, bySeverity, detectMultipleVendors, DETECTORS, runsOn, type Finding, type Policy } from '../detectors/index.js';

export type { HostFacts } from '../sensors/index.js';
export { localAddresses } from '../detectors/index.js';

export interface SensorSummary {
  sensor: string;
  status: 'ok' | 'unavailable' | 'error' | 'disabled';
  reason?: string;
  items: number;
  startedAtMs: number;
  durationMs: number;
}

export interface ScanReport {
  scannedAtMs: number;
  catalogVersion: string;
  sensors: SensorSummary[];
  facts: HostFacts;
  findings: Finding[];
}

export function protoPlatform(p: HostPlatform): Platform {
  return p === 'linux' ? Platform.PLATFORM_LINUX : p === 'darwin' ? Platform.PLATFORM_MACOS : Platform.PLATFORM_WINDOWS;
}

export function summarize(o: SensorOutcome<unknown>): SensorSummary {
  return o.status === 'ok'
    ? { sensor: o.sensor, status: 'ok', items: o.items, startedAtMs: o.startedAtMs, durationMs: o.durationMs }
    : { sensor: o.sensor, status: o.status, reason: o.reason, items: 0, startedAtMs: o.startedAtMs, durationMs: o.durationMs };
}

export async function scanHost(scanCtx: SensorContext, catalog: Catalog, policy: Policy): Promise<ScanReport> {
  const scannedAtMs = Date.now();
  const ctx: SensorContext = { ...scanCtx, catalog };
  const sensors = sensorsOf('scan');
  const outcomes = await Promise.all(sensors.map((d) => runSensor(d.spec, ctx)));
  const facts: HostFacts = {};
  sensors.forEach((d, i) => {
    const o = outcomes[i];
    if (o?.status === 'ok') (facts as Record<string, unknown>)[d.key] = o.facts;
  });
  const findings = detect(facts, catalog, policy, protoPlatform(ctx.platform));
  return { scannedAtMs, catalogVersion: catalog.version ?? '', sensors: outcomes.map(summarize), facts, findings };
}

/** Every declared detector whose facts are at hand (detectors/registry.ts), then the policy's exceptions. Pure. */
export function detect(facts: HostFacts, catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const ctx = { catalog, policy, platform };
  const findings = DETECTORS.filter((d) => runsOn(d, facts)).flatMap((d) => d.detect(facts, ctx));
  const afterPolicy = applyExceptions(findings, policy);
  // Over the other detectors' findings, not over facts: two or more tools at once.
  afterPolicy.push(...detectMultipleVendors(afterPolicy));
  return afterPolicy.sort(bySeverity);
}
