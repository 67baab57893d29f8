// One pass over the host: run every sensor, then every detector over what they saw.
import type { Catalog } from '@farmwatch/shared';
import { Platform } from '@farmwatch/proto';
import { runSensor, sensorsOf, type HostFacts, type HostPlatform, type SensorContext, type SensorOutcome } from '../sensors/index.js';
import { applyExceptions, bySeverity, detectMultipleVendors, DETECTORS, runsOn, type DetectorContext, type DetectorDeclaration, type Finding, type Policy } from '../detectors/index.js';

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
  return combineFindings(runDetectors(facts, { catalog, policy, platform }), policy);
}

/** What each detector found, by detector id, before the policy's exceptions: the running agent keeps it between runs. */
export type DetectorResults = Map<string, Finding[]>;

/**
 * Runs the detectors `which` picks (all by default) into `results`: a detector whose facts are
 * not at hand leaves no entry. The running agent re-runs only those that read the facts that
 * changed; the others' results stand, as they are pure functions of their declared facts.
 */
export function runDetectors(facts: HostFacts, ctx: DetectorContext, which: (d: DetectorDeclaration) => boolean = () => true, results: DetectorResults = new Map()): DetectorResults {
  for (const d of DETECTORS) {
    if (!which(d)) continue;
    if (runsOn(d, facts)) results.set(d.id, d.detect(facts, ctx));
    else results.delete(d.id);
  }
  return results;
}

/** The findings of every detector, in declaration order, after the policy's exceptions, with the findings over findings; most severe first. */
export function combineFindings(results: ReadonlyMap<string, readonly Finding[]>, policy: Policy): Finding[] {
  const afterPolicy = applyExceptions(DETECTORS.flatMap((d) => results.get(d.id) ?? []), policy);
  // Over the other detectors' findings, not over facts: two or more tools at once.
  afterPolicy.push(...detectMultipleVendors(afterPolicy));
  return afterPolicy.sort(bySeverity);
}
