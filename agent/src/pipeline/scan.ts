// One pass over the host: run every sensor, then every detector over what they saw.
import type { Catalog } from '@farmwatch/shared';
import type { PacketFacts } from '../sensors/packets/types.js';
import { detectNetworkFlows } from '../detectors/network-flows.js';
import { Platform } from '@farmwatch/proto';
import {
  appsSensor, displaysSensor, hostSensor, localeSensor, networkInterfacesSensor, networkStateSensor, processesSensor, runSensor,
  servicesSensor, sessionsSensor, socketsSensor, usbSensor, wifiSensor, mdnsSensor, nameConfigSensor,
  type AppFact, type DisplayFact, type HostFact, type HostPlatform, type LocaleFact, type NetworkInterfaceFact, type NetworkStateFact,
  type ProcessFact, type RemoteSessionFact, type SensorContext, type SensorOutcome, type ServiceFact, type SocketFact, type UsbDeviceFact,
  type WifiFact, type MdnsAnswerFact, type NameConfigFact, type InputIdleFact,
} from '../sensors/index.js';
import {
  applyExceptions, bySeverity, detectKvmEdid, detectKvmUsbIdentity, detectKvmUsbStructure, detectMouseJigglers, detectMultipleVendors,
  detectRemoteAccessInstalled, detectRemoteAccessNetwork, detectRemoteAccessProcesses, detectRemoteSessions, detectVpn,
  detectKvmMdns, detectKvmMacPrefixes, detectVpnDns, detectNameConfig, detectRelayPorts,
  type Finding, type Policy,
} from '../detectors/index.js';

export interface SensorSummary {
  sensor: string;
  status: 'ok' | 'unavailable' | 'error' | 'disabled';
  reason?: string;
  items: number;
  startedAtMs: number;
  durationMs: number;
}

export interface HostFacts {
  /** Notable flows from live capture (the runtime keeps a window of them). */
  packets?: PacketFacts;
  host?: HostFact;
  processes?: ProcessFact[];
  interfaces?: NetworkInterfaceFact[];
  network?: NetworkStateFact;
  wifi?: WifiFact[];
  sockets?: SocketFact[];
  usb?: UsbDeviceFact[];
  displays?: DisplayFact[];
  services?: ServiceFact[];
  apps?: AppFact[];
  sessions?: RemoteSessionFact[];
  locale?: LocaleFact;
  mdns?: MdnsAnswerFact[];
  nameConfig?: NameConfigFact;
  /** Keyboard and mouse idle time (the running agent only: it goes into heartbeats). */
  input?: InputIdleFact;
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

function factsOf<T>(o: SensorOutcome<T>): T | undefined {
  return o.status === 'ok' ? o.facts : undefined;
}

export async function scanHost(scanCtx: SensorContext, catalog: Catalog, policy: Policy): Promise<ScanReport> {
  const scannedAtMs = Date.now();
  const ctx: SensorContext = { ...scanCtx, catalog };
  const [host, processes, interfaces, network, wifi, sockets, usb, displays, services, apps, sessions, locale, mdns, nameConfig] = await Promise.all([
    runSensor(hostSensor, ctx), runSensor(processesSensor, ctx), runSensor(networkInterfacesSensor, ctx), runSensor(networkStateSensor, ctx),
    runSensor(wifiSensor, ctx), runSensor(socketsSensor, ctx), runSensor(usbSensor, ctx), runSensor(displaysSensor, ctx),
    runSensor(servicesSensor, ctx), runSensor(appsSensor, ctx), runSensor(sessionsSensor, ctx), runSensor(localeSensor, ctx),
    runSensor(mdnsSensor, ctx), runSensor(nameConfigSensor, ctx),
  ]);
  const facts: HostFacts = {};
  const setFact = <K extends keyof HostFacts>(k: K, v: HostFacts[K] | undefined): void => {
    if (v !== undefined) facts[k] = v;
  };
  setFact('host', factsOf(host));
  setFact('processes', factsOf(processes));
  setFact('interfaces', factsOf(interfaces));
  setFact('network', factsOf(network));
  setFact('wifi', factsOf(wifi));
  setFact('sockets', factsOf(sockets));
  setFact('usb', factsOf(usb));
  setFact('displays', factsOf(displays));
  setFact('services', factsOf(services));
  setFact('apps', factsOf(apps));
  setFact('sessions', factsOf(sessions));
  setFact('locale', factsOf(locale));
  setFact('mdns', factsOf(mdns));
  setFact('nameConfig', factsOf(nameConfig));
  const findings = detect(facts, catalog, policy, protoPlatform(ctx.platform));
  return {
    scannedAtMs,
    catalogVersion: catalog.version ?? '',
    sensors: [host, processes, interfaces, network, wifi, sockets, usb, displays, services, apps, sessions, locale, mdns, nameConfig].map(summarize),
    facts,
    findings,
  };
}

/** Every detector over the facts at hand; a detector whose facts are missing is skipped. Pure. */
export function detect(facts: HostFacts, catalog: Catalog, policy: Policy, platform: Platform): Finding[] {
  const findings: Finding[] = [];
  if (facts.processes) findings.push(...detectRemoteAccessProcesses(facts.processes, catalog, policy, platform));
  if (facts.services || facts.apps) findings.push(...detectRemoteAccessInstalled(facts.services ?? [], facts.apps ?? [], catalog, policy, platform));
  if (facts.sockets) findings.push(...detectRemoteAccessNetwork(facts.sockets, facts.processes ?? [], catalog, policy, platform));
  if (facts.sessions) findings.push(...detectRemoteSessions(facts.sessions, policy));
  if (facts.usb) {
    findings.push(...detectKvmUsbIdentity(facts.usb, catalog), ...detectKvmUsbStructure(facts.usb), ...detectMouseJigglers(facts.usb, catalog));
  }
  if (facts.displays) findings.push(...detectKvmEdid(facts.displays, catalog));
  if (facts.mdns) findings.push(...detectKvmMdns(facts.mdns, catalog));
  if (facts.network) {
    findings.push(...detectKvmMacPrefixes(facts.network.neighbours, catalog));
    findings.push(...detectVpnDns(facts.network, facts.interfaces ?? [], catalog, policy, platform));
  }
  if (facts.nameConfig) findings.push(...detectNameConfig(facts.nameConfig, catalog, policy));
  if (facts.sockets) findings.push(...detectRelayPorts(facts.sockets, facts.processes ?? [], catalog, policy, platform));
  findings.push(...detectVpn(facts, catalog, policy, platform));
  if (facts.packets) findings.push(...detectNetworkFlows(facts.packets.flows, catalog, policy, { localAddresses: localAddresses(facts) }));
  const afterPolicy = applyExceptions(findings, policy);
  afterPolicy.push(...detectMultipleVendors(afterPolicy));
  return afterPolicy.sort(bySeverity);
}

/** The laptop's own addresses (without prefix lengths), to tell inbound flows from outbound. */
export function localAddresses(facts: HostFacts): string[] {
  return (facts.interfaces ?? []).flatMap((i) => i.addresses.map((a) => a.split('/')[0] ?? a));
}
