// One pass over the host: run every sensor, then every detector over what they saw.
import type { Catalog } from '@farmwatch/shared';
import { Platform } from '@farmwatch/proto';
import {
  displaysSensor, hostSensor, networkInterfacesSensor, processesSensor, runSensor, usbSensor,
  type DisplayFact, type HostFact, type HostPlatform, type NetworkInterfaceFact, type ProcessFact,
  type SensorContext, type SensorOutcome, type UsbDeviceFact,
} from '../sensors/index.js';
import { bySeverity, detectRemoteAccessProcesses, type Finding, type Policy } from '../detectors/index.js';

export interface SensorSummary {
  sensor: string;
  status: 'ok' | 'unavailable' | 'error';
  reason?: string;
  items: number;
  startedAtMs: number;
  durationMs: number;
}

export interface HostFacts {
  host?: HostFact;
  processes?: ProcessFact[];
  interfaces?: NetworkInterfaceFact[];
  usb?: UsbDeviceFact[];
  displays?: DisplayFact[];
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

function summarize(o: SensorOutcome<unknown>): SensorSummary {
  return o.status === 'ok'
    ? { sensor: o.sensor, status: 'ok', items: o.items, startedAtMs: o.startedAtMs, durationMs: o.durationMs }
    : { sensor: o.sensor, status: o.status, reason: o.reason, items: 0, startedAtMs: o.startedAtMs, durationMs: o.durationMs };
}

function factsOf<T>(o: SensorOutcome<T>): T | undefined {
  return o.status === 'ok' ? o.facts : undefined;
}

export async function scanHost(ctx: SensorContext, catalog: Catalog, policy: Policy): Promise<ScanReport> {
  const scannedAtMs = Date.now();
  const [host, processes, interfaces, usb, displays] = await Promise.all([
    runSensor(hostSensor, ctx), runSensor(processesSensor, ctx), runSensor(networkInterfacesSensor, ctx),
    runSensor(usbSensor, ctx), runSensor(displaysSensor, ctx),
  ]);
  const facts: HostFacts = {};
  const setFact = <K extends keyof HostFacts>(k: K, v: HostFacts[K] | undefined): void => {
    if (v !== undefined) facts[k] = v;
  };
  setFact('host', factsOf(host));
  setFact('processes', factsOf(processes));
  setFact('interfaces', factsOf(interfaces));
  setFact('usb', factsOf(usb));
  setFact('displays', factsOf(displays));
  const findings = detect(facts, catalog, policy, protoPlatform(ctx.platform));
  return {
    scannedAtMs,
    catalogVersion: catalog.version ?? '',
    sensors: [host, processes, interfaces, usb, displays].map(summarize),
    facts,
    findings,
  };
}

/** Every detector over the facts at hand; a detector whose facts are missing is skipped. */
export function detect(facts: HostFacts, catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const findings: Finding[] = [];
  if (facts.processes) findings.push(...detectRemoteAccessProcesses(facts.processes, catalog, policy, platform));
  return findings.sort(bySeverity);
}
