// Device rules: what one laptop's own facts say, as signals with weights and evidence. Pure: the
// caller gathers the facts (device row, registration, findings, observations, enrichment).
import { ROLE_EVIDENCE_FIELD } from '@farmwatch/shared';
import type { DeviceRow, FindingRow } from '../store/records.js';
import type { ObservationRow, RegistrationRow } from '../store/fleet-records.js';
import type { IpInfo } from '../enrich/enricher.js';
import { distanceKm, minimumRttMs, utcOffsetMinutes } from './geo.js';
import { DEFAULT_ACTIVITY, activityFindings, type ActivityConfig } from './activity.js';
import { relayNote, type PeerInfo } from './relay-peers.js';
import { shipToSignals, type ShippedTogether } from './ship-to-shared.js';
import { KVM_LAN_DETECTORS, hostFindingSignals, oneOfEachFamily } from './host-findings.js';
import { DEVICE_WEIGHTS, LANGUAGE_COUNTRIES, LANGUAGE_NAMES, PRIORITY_COUNTRIES, severityFor, type DeviceSignalId } from './weights.js';

export interface RuleConfig {
  /** Observed location this far from the ship-to city is a signal. */
  farKm: number;
  /** Unsanctioned remote access within this many days of enrollment weighs more. */
  earlyDays: number;
  /** No message for this long (and no stop said) is heartbeat loss. */
  silentAfterMs: number;
  /** RTT above the physical minimum for the distance plus this much suggests a tunnel. */
  rttSlackMs: number;
  /** Where the collector is, for the RTT rule. */
  collectorSite?: { lat: number; lon: number };
  /** Catalog ids of the company's own remote-access tools. */
  sanctionedTools: string[];
  /** The hours-on rules (around the clock, outside the assigned working day). */
  activity: ActivityConfig;
  /** Input languages (ISO 639-1) that count when the ship-to country does not speak them; none by default. */
  watchedInputLanguages: string[];
}

export const DEFAULT_RULES: RuleConfig = {
  farKm: 500, earlyDays: 14, silentAfterMs: 15 * 60_000, rttSlackMs: 80, sanctionedTools: [], activity: DEFAULT_ACTIVITY, watchedInputLanguages: [],
};

export interface Signal {
  id: DeviceSignalId;
  weight: number;
  title: string;
  evidence: string[];
}

export interface DeviceFacts {
  device: DeviceRow;
  registration: RegistrationRow | undefined;
  findings: FindingRow[];
  observations: ObservationRow[];
  egress: IpInfo | undefined;
  /** Enrichment of each remote-access peer IP observed (and of each relay on a VPN exit: relay-peers.ts). */
  peers: PeerInfo[];
  enrolledMs: number | null;
  nowMs: number;
  /** Hours (since the epoch, UTC) in which the laptop was on, ascending, over the last `activity.days` days. */
  onlineHours?: readonly number[];
  /** Hours with keyboard or mouse input, when the agent can read it (absent: it cannot). */
  activeHours?: readonly number[];
  /** Registrations shipped to this laptop's street address and building (absent: no street registered). */
  shippedTo?: ShippedTogether;
}

export interface RiskResult {
  score: number;
  severity: ReturnType<typeof severityFor>;
  signals: Signal[];
}

const signal = (id: DeviceSignalId, title: string, evidence: string[]): Signal => ({ id, weight: DEVICE_WEIGHTS[id], title, evidence });

function place(info: IpInfo): string {
  const g = info.geo;
  const where = g ? [g.city, g.region, g.countryCode].filter(Boolean).join(', ') : 'unknown place';
  return `${info.ip} (${where}${info.asn ? `; AS${info.asn} ${info.org ?? ''}` : ''})`;
}

function networkSignals(infos: PeerInfo[], prefix: 'peer' | 'egress', what: string): Signal[] {
  const vpn = infos.filter((i) => i.network.kind === 'vpn');
  const priority = vpn.filter((i) => i.network.priority === 'highest');
  if (priority.length > 0) {
    return [signal(`${prefix}.vpn.priority`, `${what} on ${priority[0]?.network.name ?? 'a VPN'}`, priority.map((i) => `${place(i)} is a ${i.network.name} exit${relayNote(i)}`))];
  }
  if (vpn.length > 0) return [signal(`${prefix}.vpn`, `${what} on a VPN network`, vpn.map((i) => `${place(i)}: ${i.network.name}${relayNote(i)}`))];
  const hosting = infos.filter((i) => i.network.kind === 'hosting');
  const rented = hosting.filter((i) => i.network.priority === 'highest');
  if (rented.length > 0) {
    return [signal(`${prefix}.hosting.priority`, `${what} on a network ${rented[0]?.network.rentedBy ?? 'a priority VPN'} rents servers in`,
      rented.map((i) => `${place(i)}: ${i.network.name}; not a published exit, but a server of the network its exits are in`))];
  }
  if (hosting.length > 0) return [signal(`${prefix}.hosting`, `${what} on a hosting network`, hosting.map((i) => `${place(i)}: ${i.network.name}`))];
  return [];
}

/**
 * Where the operator sits: a remote-access peer on a residential address in a country of the
 * scheme's workers, on a laptop shipped elsewhere. Peers of the company's own tools are the
 * helpdesk's, and do not count here.
 */
function peerLocationSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const shipped = f.registration?.shipCountry;
  if (!shipped || PRIORITY_COUNTRIES.includes(shipped)) return [];
  const abroad = f.peers.filter((p) => p.network.kind === 'other' && p.geo && PRIORITY_COUNTRIES.includes(p.geo.countryCode)
    && !(p.via && cfg.sanctionedTools.includes(p.via)));
  if (abroad.length === 0) return [];
  return [signal('peer.country.priority', `Remote-access peer at home in ${abroad[0]?.geo?.countryCode ?? ''}, laptop shipped to ${shipped}`,
    abroad.map((p) => `${place(p)}${p.via ? ` via ${p.via}` : ''}; ship-to ${f.registration?.shipTo ?? shipped}`))];
}

function locationSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const reg = f.registration;
  const g = f.egress?.geo;
  if (!reg || !g || !f.egress || f.egress.network.kind !== 'other') return [];
  if (reg.shipCountry && g.countryCode !== reg.shipCountry) {
    const id = PRIORITY_COUNTRIES.includes(g.countryCode) ? 'location.country.priority' : 'location.country';
    return [signal(id, `Online from ${g.countryCode}, shipped to ${reg.shipCountry}`, [`public IP ${place(f.egress)}; ship-to ${reg.shipTo}`])];
  }
  if (reg.shipLat !== null && reg.shipLon !== null) {
    const km = Math.round(distanceKm({ lat: g.lat, lon: g.lon }, { lat: reg.shipLat, lon: reg.shipLon }));
    if (km > cfg.farKm) {
      return [signal('location.far', `Online ${km} km from where it was shipped`, [`public IP ${place(f.egress)} is ${km} km from ship-to ${reg.shipTo} (limit ${cfg.farKm} km)`])];
    }
  }
  return [];
}

/**
 * Whether a remote-access finding says someone else may control this laptop. Not when its evidence
 * says the tool is a client only (`remote_access.role: client`: PuTTY, WinSCP, mstsc reach other
 * machines from here), nor when it names no tool (a port hint: a role but no catalog entry). A
 * finding without a role (an agent from before roles) counts as it always did.
 */
export function lettingOthersIn(x: FindingRow): boolean {
  const role = x.evidence.find((e) => e.field === ROLE_EVIDENCE_FIELD);
  if (!role) return true;
  return role.value !== 'client' && x.catalogEntry !== '';
}

/** Active, unsanctioned remote-access findings of tools that let others control the laptop. */
function hostSideRemoteAccess(findings: readonly FindingRow[], cfg: Pick<RuleConfig, 'sanctionedTools'>): FindingRow[] {
  return findings.filter((x) => x.category === 'remote_access' && x.clearedAtMs === null && !x.sanctioned
    && !cfg.sanctionedTools.includes(x.catalogEntry) && !cfg.sanctionedTools.includes(x.key) && x.severity !== 'info' && lettingOthersIn(x));
}

/** KVM findings of a KVM on the laptop's own ports (one answering on its LAN may drive another machine). */
const attachedKvms = (findings: readonly FindingRow[]): FindingRow[] =>
  findings.filter((x) => x.category === 'kvm' && x.clearedAtMs === null && x.severity !== 'info' && !KVM_LAN_DETECTORS.has(x.detector));

/** Something on the laptop lets others drive it: an unsanctioned host-side remote-access tool, or a KVM on its ports. */
export function drivenRemotely(findings: readonly FindingRow[], cfg: Pick<RuleConfig, 'sanctionedTools'>): boolean {
  return hostSideRemoteAccess(findings, cfg).length > 0 || attachedKvms(findings).length > 0;
}

function remoteAccessSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const unsanctioned = hostSideRemoteAccess(f.findings, cfg);
  if (unsanctioned.length === 0) return [];
  const start = f.enrolledMs ?? f.device.firstSeenMs;
  const early = unsanctioned.filter((x) => x.firstSeenMs - start <= cfg.earlyDays * 86_400_000);
  const describe = (x: FindingRow): string => `${x.title} (first seen ${new Date(x.firstSeenMs).toISOString()})`;
  if (early.length > 0) {
    return [signal('remote_access.early', `Unsanctioned remote access within ${cfg.earlyDays} days of first check-in`, early.map(describe))];
  }
  return [signal('remote_access.unsanctioned', 'Unsanctioned remote-access tool', unsanctioned.map(describe))];
}

function kvmSignals(f: DeviceFacts): Signal[] {
  // A KVM answering on the laptop's LAN is `kvm.lan` (host-findings.ts): it may drive another machine.
  const found = attachedKvms(f.findings).map((x) => x.title);
  const seen = f.observations.filter((o) => o.kind === 'kvm_identity').map((o) => `KVM identity ${o.value} (via ${o.via || 'agent'})`);
  return found.length + seen.length > 0 ? [signal('kvm.present', 'IP-KVM attached', [...found, ...seen])] : [];
}

function timeZoneSignals(f: DeviceFacts): Signal[] {
  const reg = f.registration;
  const tz = f.device.timeZone;
  if (!reg || !tz || tz === reg.timeZone) return [];
  const mine = utcOffsetMinutes(tz, f.nowMs);
  const theirs = utcOffsetMinutes(reg.timeZone, f.nowMs);
  if (mine === undefined || theirs === undefined || mine === theirs) return [];
  return [signal('timezone.mismatch', `Clock set to ${tz}, assigned ${reg.timeZone}`, [`UTC offset ${mine / 60} h on the laptop, ${theirs / 60} h where it was assigned`])];
}

function rttSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const g = f.egress?.geo;
  if (!cfg.collectorSite || !g || f.device.rttMs === null || f.egress?.network.kind !== 'other') return [];
  const km = distanceKm(cfg.collectorSite, { lat: g.lat, lon: g.lon });
  const floor = minimumRttMs(km);
  if (f.device.rttMs <= floor + cfg.rttSlackMs) return [];
  return [signal('rtt.tunnel', 'Round-trip time too long for the distance', [
    `stream RTT ${f.device.rttMs} ms; ${Math.round(km)} km to the collector allow about ${Math.round(floor)} ms (+${cfg.rttSlackMs} ms slack)`,
  ])];
}

function agentSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const d = f.device;
  if (d.stoppedAtMs !== null) {
    return d.stopReason === 'uninstall' || d.stopReason === 'user'
      ? [signal('agent.stopped', `Agent stopped (${d.stopReason})`, [`stopped at ${new Date(d.stoppedAtMs).toISOString()}, reason ${d.stopReason}`])]
      : [];
  }
  if (f.nowMs - d.lastSeenMs > cfg.silentAfterMs) {
    return [signal('agent.silent', 'Agent silent (heartbeat lost)', [`last message ${new Date(d.lastSeenMs).toISOString()}, no stop reported`])];
  }
  return [];
}

function inputLanguageSignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  const country = f.registration?.shipCountry;
  if (cfg.watchedInputLanguages.length === 0 || !country) return [];
  const typed = f.observations.filter((o) => o.kind === 'input_language' && cfg.watchedInputLanguages.includes(o.valueKey)
    && !(LANGUAGE_COUNTRIES[o.valueKey] ?? []).includes(country));
  if (typed.length === 0) return [];
  const names = typed.map((o) => LANGUAGE_NAMES[o.valueKey] ?? o.valueKey);
  return [signal('locale.input_language', `Keyboard set up for ${names.join(' and ')}, shipped to ${country}`,
    typed.map((o) => `${LANGUAGE_NAMES[o.valueKey] ?? o.valueKey} (${o.valueKey}) input on the laptop since ${new Date(o.firstSeenMs).toISOString()}; ship-to ${f.registration?.shipTo ?? country}`))];
}

function activitySignals(f: DeviceFacts, cfg: RuleConfig): Signal[] {
  if (!f.onlineHours || f.onlineHours.length === 0) return [];
  // Used (keyboard and mouse) on another continent's working day while a tool that lets others in
  // is on the laptop: the hours are those of whoever is at the other end of the tool.
  const controlled = f.activeHours !== undefined && remoteAccessSignals(f, cfg).length > 0;
  return activityFindings(f.onlineHours, f.registration?.timeZone, f.nowMs, cfg.activity, f.activeHours ? { active: f.activeHours } : undefined)
    .map((a) => (a.id === 'activity.off_hours' && controlled
      ? signal('activity.off_hours.remote', `${a.title}, with a remote-access tool on it`, [...a.evidence, 'a tool that lets others control the laptop is on it: the hours are those of the person at its other end'])
      : signal(a.id, a.title, a.evidence)));
}

export function evaluateDevice(f: DeviceFacts, cfg: RuleConfig = DEFAULT_RULES): RiskResult {
  const signals = oneOfEachFamily([
    ...networkSignals(f.peers, 'peer', 'Remote-access peer'),
    ...peerLocationSignals(f, cfg),
    ...(f.egress ? networkSignals([f.egress], 'egress', 'Laptop egress') : []),
    ...kvmSignals(f),
    ...locationSignals(f, cfg),
    ...remoteAccessSignals(f, cfg),
    ...rttSignals(f, cfg),
    ...agentSignals(f, cfg),
    ...timeZoneSignals(f),
    ...activitySignals(f, cfg),
    ...inputLanguageSignals(f, cfg),
    ...shipToSignals(f.registration, f.shippedTo),
    ...hostFindingSignals(f, cfg),
  ]).sort((a, b) => b.weight - a.weight);
  const score = Math.min(100, signals.reduce((n, s) => n + s.weight, 0));
  return { score, severity: severityFor(score), signals };
}
