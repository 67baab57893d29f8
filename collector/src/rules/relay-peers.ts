// Remote-access relays (OBSERVATION_KIND_REMOTE_RELAY_IP: a catalog tool's outgoing connection to
// one of its vendor's service ports) and when one is a peer after all. A vendor's relay or
// rendezvous server carries every customer's sessions: it links no laptops, and its network says
// nothing (Splashtop's and ScreenConnect's relays run on AWS and Azure), so a relay counts neither as
// an edge nor as `peer.hosting`. But vendors do not run their relays on consumer VPN exits: a
// "relay" whose address is a listed VPN exit (Astrill, network kind `vpn`) is the operator's own
// end, reached through the tool's port, and counts as a peer on that VPN.
import type { IpInfo } from '../enrich/enricher.js';

export const RELAY_KIND = 'remote_relay_ip';

/** A peer's enrichment, and the tool whose relay it was reached as, when it came from a relay observation. */
export interface PeerInfo extends IpInfo {
  relayOf?: string;
  /** The tool that saw the peer (the observation's `via`), when known. */
  via?: string;
}

/** The relays that are peers: those on a VPN network, unless the address is already a peer. */
export function relaysAsPeers(relays: readonly { info: IpInfo; via: string }[], peers: readonly IpInfo[]): PeerInfo[] {
  const known = new Set(peers.map((p) => p.ip));
  const out: PeerInfo[] = [];
  for (const r of relays) {
    if (r.info.network.kind !== 'vpn' || known.has(r.info.ip)) continue;
    known.add(r.info.ip);
    out.push({ ...r.info, relayOf: r.via || 'a remote-access tool' });
  }
  return out;
}

/** What a peer's evidence adds when the address came as a relay. */
export function relayNote(p: PeerInfo): string {
  return p.relayOf
    ? ` (reached as ${p.relayOf}'s relay server, yet a VPN exit: vendors do not run relays on consumer VPN exits, so this is the operator's end)`
    : '';
}
