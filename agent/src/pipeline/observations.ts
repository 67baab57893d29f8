// Co-location facts for fleet correlation (Observation events): the default gateway's MAC, the
// joined Wi-Fi network and the access points around, LAN neighbours, catalog KVM names, remote-access
// peers (from session logs, captured flows and catalog tools' sockets) and relays, and KVM identities;
// and the languages the keyboards type. Identifiers of other people's equipment (MACs, BSSIDs, SSIDs, peer
// ids) go out only as HMAC-SHA-256 with the fleet key, first 16 bytes: equal across laptops, not
// reversible without the key. Peer IPs and KVM identities travel as text, for enrichment.
import { createHmac } from 'node:crypto';
import { ObservationKind, type Observation, type Platform } from '@farmwatch/proto';
import { decodeEdid, type Catalog } from '@farmwatch/shared';
import type { Finding } from '../detectors/finding.js';
import { localAddresses, type HostFacts } from './scan.js';
import { remotePeerObservations } from '../detectors/network-flows.js';
import { socketPeerObservations, socketPeers } from '../detectors/remote-access-socket-peers.js';
import { inputLanguages } from '../sensors/locale/languages.js';

export function keyedHash(key: Uint8Array, value: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(value).digest().subarray(0, 16));
}

const normMac = (m: string): string => m.toLowerCase().replace(/-/g, ':');

/** What the socket peers need: the catalog names the tools; `relays` says the collector stores relay observations. */
export interface ObservationContext {
  catalog: Catalog;
  platform: Platform;
  relays: boolean;
}

/** The observations of one scan (pure: same facts and key, same observations). */
export function buildObservations(facts: HostFacts, findings: readonly Finding[], key: Uint8Array, ctx?: ObservationContext): Observation[] {
  const out: Observation[] = [];
  const hashed = (kind: ObservationKind, value: string, via: string, signalDbm?: number): void => {
    out.push({ kind, valueHash: keyedHash(key, value), via, ...(signalDbm !== undefined ? { signalDbm } : {}) });
  };
  const gw = facts.network?.defaultGateway;
  if (gw?.mac) hashed(ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, normMac(gw.mac), gw.interface);
  for (const n of facts.network?.neighbours ?? []) {
    if (gw?.mac && normMac(n.mac) === normMac(gw.mac)) continue;
    hashed(ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC, normMac(n.mac), n.interface);
  }
  for (const w of facts.wifi ?? []) {
    if (w.bssid) hashed(ObservationKind.OBSERVATION_KIND_WIFI_BSSID, normMac(w.bssid), w.interface, w.signalDbm);
    if (w.ssid) hashed(ObservationKind.OBSERVATION_KIND_WIFI_SSID, w.ssid, w.interface);
    for (const v of w.visible) if (v.bssid !== w.bssid) hashed(ObservationKind.OBSERVATION_KIND_VISIBLE_BSSID, normMac(v.bssid), w.interface, v.signalDbm);
  }
  for (const s of facts.sessions ?? []) {
    if (s.direction !== 'incoming') continue;
    if (s.peerId) hashed(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, `${s.tool}:${s.peerId}`, s.tool);
    if (s.peerIp) out.push({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: s.peerIp, via: s.tool });
  }
  // The remote ends of catalog tools' connections: peers counted like a log's peer, and relays.
  if (ctx && facts.sockets) out.push(...socketPeerObservations(socketPeers(facts.sockets, facts.processes ?? [], ctx.catalog, ctx.platform), { relays: ctx.relays }));
  // KVM identities: the USB identity of a device a KVM detector named, and a KVM EDID.
  const kvmUsb = new Set(findings.filter((f) => f.category === 'kvm' && f.detector.startsWith('kvm.usb')).map((f) => f.key));
  for (const d of facts.usb ?? []) {
    const key4 = `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
    if (![...kvmUsb].some((k) => k.startsWith(key4))) continue;
    // Sent as the device shows it; the collector decides that a default serial alone is no identity.
    out.push({ kind: ObservationKind.OBSERVATION_KIND_KVM_IDENTITY, value: `usb:${key4}:${d.serial ?? ''}`, via: d.portPath });
  }
  // Remote peers of VPN tunnels and remote-access sessions seen on the wire (public addresses only).
  if (facts.packets) out.push(...remotePeerObservations(facts.packets.flows, { localAddresses: localAddresses(facts) }));
  const kvmDisplays = new Set(findings.filter((f) => f.detector === 'kvm.edid').map((f) => f.key.split(':')[0]));
  for (const d of facts.displays ?? []) {
    if (!d.edid || !kvmDisplays.has(d.connector)) continue;
    const e = decodeEdid(d.edid);
    out.push({ kind: ObservationKind.OBSERVATION_KIND_KVM_IDENTITY, value: `edid:${e.manufacturerId}:${e.productCode.toString(16).padStart(4, '0')}:${e.serialNumberHex}:${e.serialString ?? ''}`, via: d.connector });
  }
  // The languages the laptop's keyboards type (not the layouts themselves): corroboration only.
  for (const lang of inputLanguages(facts.locale?.keyboardLayouts ?? [])) {
    out.push({ kind: ObservationKind.OBSERVATION_KIND_INPUT_LANGUAGE, value: lang, via: 'keyboard' });
  }
  return out;
}

const fingerprint = (o: Observation): string => `${o.kind ?? 0}|${o.valueHash ? Buffer.from(o.valueHash).toString('hex') : ''}|${o.value ?? ''}|${o.via ?? ''}`;

/**
 * Sends an observation once while it stays the same, and again after `refreshMs` (so the
 * collector's correlation window keeps seeing a laptop that stays where it is).
 */
export class ObservationDeduper {
  private readonly sent = new Map<string, number>();

  constructor(private readonly refreshMs = 24 * 3600_000) {}

  fresh(observations: readonly Observation[], nowMs: number): Observation[] {
    const out: Observation[] = [];
    for (const o of observations) {
      const fp = fingerprint(o);
      const at = this.sent.get(fp);
      if (at !== undefined && nowMs - at < this.refreshMs) continue;
      this.sent.set(fp, nowMs);
      out.push(o);
    }
    return out;
  }

  reset(): void {
    this.sent.clear();
  }
}
