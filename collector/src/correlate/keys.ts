// What in an observation makes two laptops co-located: its edge kind, a key that is equal across
// laptops (the keyed hash, or the normalised text for peer IPs and KVM identities) and a value to
// show analysts. KVM identities whose only distinguishing part is a factory-default serial are
// not identities: every PiKVM and GL.iNet Comet says CAFEBABE.
import { ObservationKind, enumName, type Observation } from '@farmwatch/proto';
import { builtinCatalog } from '@farmwatch/shared';

export type EdgeKind =
  | 'public_ip' | 'gateway_mac' | 'wifi_bssid' | 'lan_neighbour' | 'lan_neighbour_laptop'
  | 'kvm_identity' | 'remote_peer_id' | 'remote_peer_ip';

/** Observation kinds that become edges. Visible BSSIDs, SSIDs and mDNS names are too common to link laptops. */
const EDGE_KINDS: Partial<Record<number, EdgeKind>> = {
  [ObservationKind.OBSERVATION_KIND_GATEWAY_MAC]: 'gateway_mac',
  [ObservationKind.OBSERVATION_KIND_WIFI_BSSID]: 'wifi_bssid',
  [ObservationKind.OBSERVATION_KIND_LAN_NEIGHBOUR_MAC]: 'lan_neighbour',
  [ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID]: 'remote_peer_id',
  [ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP]: 'remote_peer_ip',
  [ObservationKind.OBSERVATION_KIND_KVM_IDENTITY]: 'kvm_identity',
};

/** Kinds whose text is the value (addresses for enrichment, KVM identities); the rest are keyed by their hash. A relay links nobody: no edge kind. */
const TEXT_KINDS: ReadonlySet<number> = new Set([
  ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP, ObservationKind.OBSERVATION_KIND_KVM_IDENTITY,
]);

/**
 * Factory-default serials shared by every unit of a KVM model (reference/kvm-devices.json,
 * notes: "CAFEBABE" PiKVM and GL.iNet Comet; "6b65796d696d6570690" TinyPilot and BliKVM; EDID
 * serial 0x88888800 on Toshiba-bridge KVMs; 0x01010101 on PiKVM EDIDs; "0123456789ABCDEF" the
 * NanoKVM's USB serial, sipeed-nanokvm usb[0].serial, also in a real NanoKVM's kernel log:
 * agent/test/fixtures/golden/usb-kvm). The catalog's EDID and USB serials are added below.
 */
export const DEFAULT_KVM_SERIALS = new Set(['cafebabe', '6b65796d696d6570690', '88888800', '0x88888800', '01010101', '0x01010101', '0123456789abcdef', '', '0', '00000000']);

export interface ObservationKey {
  /** Stored kind name ("wifi_bssid"), for every observation. */
  kind: string;
  /** Edge kind, when this observation can link laptops. */
  edge: EdgeKind | undefined;
  valueKey: string;
  /** What analysts see: the text for peer IPs and KVM identities, a short hash prefix otherwise. */
  display: string;
}

let catalogDefaults: Set<string> | undefined;

/**
 * Serials every unit of a KVM model ships with, from the catalog (reference/kvm-devices.json):
 * USB serials and EDID serial numbers and strings, e.g. NanoKVM's USB serial 0123456789ABCDEF and
 * EDID "NanoKVM" 0x00000015, and the fixed serials of JetKVM's monitor presets (T8NEE0038522, ...).
 */
function factoryDefault(serial: string): boolean {
  if (DEFAULT_KVM_SERIALS.has(serial)) return true;
  if (!catalogDefaults) {
    catalogDefaults = new Set<string>();
    for (const k of builtinCatalog().kvmDevices ?? []) {
      for (const u of k.usb ?? []) if (u.serial) catalogDefaults.add(u.serial.toLowerCase());
      for (const e of k.edid ?? []) {
        if (e.serialNumberHex) catalogDefaults.add(e.serialNumberHex.toLowerCase()).add(`0x${e.serialNumberHex.toLowerCase()}`);
        if (e.serialString) catalogDefaults.add(e.serialString.toLowerCase());
      }
    }
  }
  return catalogDefaults.has(serial);
}

/**
 * Whether a KVM identity as the agent sends it tells one unit from another: `usb:VID:PID:SERIAL`,
 * or `edid:PNP:PRODUCT:SERIALNUMBER:SERIALSTRING`. It does when one of its serials is not a
 * factory default.
 */
export function kvmIsIdentity(value: string): boolean {
  const parts = value.split(':');
  const serials = parts[0] === 'edid' ? parts.slice(3) : [parts.slice(3).join(':')];
  return serials.some((s) => !factoryDefault(s.trim().toLowerCase()));
}

export function observationKey(o: Observation): ObservationKey | undefined {
  const kind = enumName(ObservationKind, o.kind);
  const hash = o.valueHash && o.valueHash.length > 0 ? Buffer.from(o.valueHash).toString('hex') : '';
  const text = (o.value ?? '').trim();
  const valueKey = TEXT_KINDS.has(o.kind ?? 0) ? (text ? text.toLowerCase() : hash) : (hash || text.toLowerCase());
  if (!valueKey) return undefined;
  let edge = EDGE_KINDS[o.kind ?? 0];
  if (edge === 'kvm_identity' && !kvmIsIdentity(text)) edge = undefined;
  return { kind, edge, valueKey, display: text || `hash:${hash.slice(0, 12)}` };
}
