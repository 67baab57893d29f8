// The weights of every signal, in one place: collector/RULES.md explains each one. A device's
// score is the sum of its signals' weights (at most 100); a cluster's is the sum of its edge
// kinds' weights plus the bonuses below. Severity follows from the score.
export const DEVICE_WEIGHTS = {
  'peer.vpn.priority': 45,
  'peer.vpn': 30,
  'peer.hosting.priority': 40,
  'peer.country.priority': 45,
  'peer.hosting': 25,
  'egress.vpn.priority': 40,
  'egress.vpn': 25,
  'egress.hosting.priority': 35,
  'egress.hosting': 20,
  'kvm.present': 50,
  'location.country.priority': 50,
  'location.country': 30,
  'location.far': 20,
  'remote_access.early': 25,
  'remote_access.unsanctioned': 10,
  'rtt.tunnel': 15,
  'agent.stopped': 15,
  'timezone.mismatch': 10,
  'agent.silent': 10,
  'activity.off_hours': 10,
  'activity.off_hours.remote': 20,
  'activity.always_on': 10,
  'activity.never_idle': 15,
  'locale.input_language': 10,
  'shipto.shared': 25,
  'shipto.building': 10,
  // Host findings that had no signal (collector/RULES.md, "Host findings"): one of each family counts.
  'vpn.client.priority': 40,
  'vpn.client': 10,
  'vpn.other': 5,
  'kvm.lan': 20,
  'mouse_jiggler.present': 10,
  'remote_access.hint': 5,
  'finding.other': 10,
} as const;

/**
 * Where a watched input language is at home (ISO 3166 alpha-2): a Korean keyboard on a laptop
 * shipped to Seoul says nothing. Languages of the scheme's workers (THREATS.md) and neighbours.
 */
export const LANGUAGE_COUNTRIES: Readonly<Record<string, readonly string[]>> = {
  ko: ['KR', 'KP'], zh: ['CN', 'TW', 'HK', 'MO', 'SG'], ru: ['RU', 'BY', 'KZ', 'KG'], ja: ['JP'], uk: ['UA'], mn: ['MN'], vi: ['VN'],
};

export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  ko: 'Korean', zh: 'Chinese', ru: 'Russian', ja: 'Japanese', uk: 'Ukrainian', mn: 'Mongolian', vi: 'Vietnamese', en: 'English',
};

/** Edge kinds that say "the same place": they count once, by the strongest. */
export const PLACE_KINDS: ReadonlySet<string> = new Set(['public_ip', 'lan_neighbour', 'wifi_bssid', 'gateway_mac', 'lan_neighbour_laptop']);

/**
 * Countries where the workers of the scheme usually sit (docs/THREATS.md: "a worker
 * abroad (usually China or Russia)"; North Korea itself): a laptop online from a residential
 * address there, shipped elsewhere, is `location.country.priority`.
 */
export const PRIORITY_COUNTRIES: readonly string[] = ['CN', 'RU', 'KP'];

export type DeviceSignalId = keyof typeof DEVICE_WEIGHTS;

export const EDGE_WEIGHTS = {
  // One place: only the strongest of these counts (a couple shares all of them at home).
  public_ip: 10,
  lan_neighbour: 10,
  wifi_bssid: 12,
  gateway_mac: 12,
  lan_neighbour_laptop: 14,
  // One operator or one device.
  remote_peer_ip: 30,
  kvm_identity: 40,
  remote_peer_id: 40,
} as const;

export const CLUSTER_BONUS = {
  /**
   * Per person beyond a household whose laptop is in the cluster (at most `maxPeople`). A household
   * holds two; up to `householdMax` when the cluster is linked by a place only and no place of it is
   * a dwelling where laptops are kept on overnight (a family or flatmates, who sleep).
   */
  perPerson: 20,
  householdMax: 3,
  maxPeople: 60,
  /**
   * A crowd linked by nothing but a place, together for less than `settledAfterMs`, counts half
   * (at most `unsettledMaxPeople`): colleagues in one hotel for a conference, an offsite. A farm
   * stays; once its laptops have shared the place this long they count in full.
   */
  unsettledPerPerson: 10,
  unsettledMaxPeople: 15,
  settledAfterMs: 4 * 86_400_000,
  /** A shared remote-access peer IP on a VPN or hosting network. */
  peerOnVpnOrHosting: 15,
  /** Two or more people's laptops in the cluster are each at risk on their own (`AT_RISK`). */
  membersAtRisk: 40,
} as const;

/**
 * A cluster member at risk on its own: its device risk is high, or medium while something on it lets
 * others drive it (an unsanctioned host-side remote-access tool, a KVM).
 */
export const AT_RISK = { high: 50, medium: 30 } as const;

/** Several different people's laptops shipped to one street address (src/rules/ship-to-shared.ts). */
export const SHIPTO = {
  /** People (by e-mail) before one address is a signal: a couple shipped to one home is two people. */
  minPeople: 3,
  /**
   * In a cluster: from `clusterMinPeople` of its counted people shipped to one address, 10 per person
   * beyond three, at most 30. Three is left to the laptops' own `shipto.shared`: a household of three
   * employees at one address is in a cluster from day one, before presence can tell it from a farm.
   */
  clusterMinPeople: 4,
  clusterPerPerson: 10,
  clusterMax: 30,
} as const;

export function severityFor(score: number): 'critical' | 'high' | 'medium' | 'low' | 'info' {
  if (score >= 70) return 'critical';
  if (score >= 50) return 'high';
  if (score >= 30) return 'medium';
  if (score >= 15) return 'low';
  return 'info';
}
