// The weights of every signal, in one place: collector/RULES.md explains each one. A device's
// score is the sum of its signals' weights (at most 100); a cluster's is the sum of its edge
// kinds' weights plus the bonuses below. Severity follows from the score.
export const DEVICE_WEIGHTS = {
  'peer.vpn.priority': 45,
  'peer.vpn': 30,
  'peer.hosting': 25,
  'egress.vpn.priority': 40,
  'egress.vpn': 25,
  'egress.hosting': 20,
  'kvm.present': 35,
  'location.country': 30,
  'location.far': 20,
  'remote_access.early': 25,
  'remote_access.unsanctioned': 10,
  'rtt.tunnel': 15,
  'agent.stopped': 15,
  'timezone.mismatch': 10,
  'agent.silent': 10,
} as const;

export type DeviceSignalId = keyof typeof DEVICE_WEIGHTS;

export const EDGE_WEIGHTS = {
  public_ip: 10,
  lan_neighbour: 15,
  wifi_bssid: 25,
  gateway_mac: 25,
  lan_neighbour_laptop: 30,
  remote_peer_ip: 30,
  kvm_identity: 40,
  remote_peer_id: 40,
} as const;

export const CLUSTER_BONUS = {
  /** Per person beyond two whose laptop is in the cluster (at most `maxPeople`). */
  perPerson: 5,
  maxPeople: 20,
  /** A shared remote-access peer IP on a VPN or hosting network. */
  peerOnVpnOrHosting: 15,
} as const;

export function severityFor(score: number): 'critical' | 'high' | 'medium' | 'low' | 'info' {
  if (score >= 70) return 'critical';
  if (score >= 50) return 'high';
  if (score >= 30) return 'medium';
  if (score >= 15) return 'low';
  return 'info';
}
