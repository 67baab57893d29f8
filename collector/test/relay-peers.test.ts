// Remote-access relays as the collector reads them: stored as text for enrichment, never an edge,
// never a hosting peer; a relay on a VPN exit is the operator's end and counts as a peer on it.
import { describe, expect, it } from 'vitest';
import { ObservationKind } from '@farmwatch/proto';
import { Enricher } from '../src/index.js';
import { observationKey } from '../src/correlate/keys.js';
import { relaysAsPeers, relayNote } from '../src/rules/relay-peers.js';

const enricher = new Enricher();
const ASTRILL = '142.214.202.2';
const AWS = '3.120.10.10';

describe('remote-access relays', () => {
  it('a relay observation is kept by its address and links no laptops', () => {
    expect(observationKey({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_RELAY_IP, value: ` ${AWS} `, via: 'splashtop' }))
      .toEqual({ kind: 'remote_relay_ip', edge: undefined, valueKey: AWS, display: AWS });
    expect(observationKey({ kind: ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, value: AWS, via: 'rustdesk' })?.edge).toBe('remote_peer_ip');
  });

  it('only a relay on a VPN exit is a peer, once per address, marked with the tool it was reached through', () => {
    const relays = [{ info: enricher.lookup(AWS), via: 'splashtop' }, { info: enricher.lookup(ASTRILL), via: 'screenconnect' }, { info: enricher.lookup(ASTRILL), via: 'rustdesk' }];
    const peers = relaysAsPeers(relays, []);
    expect(peers.map((p) => [p.ip, p.relayOf, p.network.kind])).toEqual([[ASTRILL, 'screenconnect', 'vpn']]);
    expect(relayNote(peers[0] as (typeof peers)[number])).toMatch(/^ \(reached as screenconnect's relay server, yet a VPN exit: vendors do not run relays on consumer VPN exits/);
    // Already a peer (from a session log or a socket): not counted twice.
    expect(relaysAsPeers(relays, [enricher.lookup(ASTRILL)])).toEqual([]);
    expect(relayNote(enricher.lookup(ASTRILL))).toBe('');
  });
});
