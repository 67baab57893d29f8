// A farm cluster's alert keeps every link as evidence: a shared value that arrives after the score
// reached its cap of 100 (no new member, no new severity) still lands in the alert's edges and
// explanation, which the console shows; a batch that only repeats known values writes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ObservationKind, pb, type Observation } from '@farmwatch/proto';
import { createLogger } from '@farmwatch/shared';
import { FleetEngine, SqliteStore } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const now = Date.now();
const obs = (o: object): Observation => pb.Observation.decode(pb.Observation.encode(o).finish());
const hash = (s: string): Buffer => Buffer.from(s.padEnd(16, '.')).subarray(0, 16);

describe('a cluster alert at its score cap', () => {
  it('takes in a link that comes later, and rewrites nothing for a repeated one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'farmwatch-cluster-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'c.db'));
    const ids = [0, 1, 2].map((i) => {
      const r = store.registry.register({ serial: `S${i}`, assigneeName: `P${i}`, assigneeEmail: `p${i}@x.com`, shipTo: 'Fairfield, California, US', shipCountry: 'US',
        shipLat: 38.25, shipLon: -122.04, timeZone: 'America/Los_Angeles' }, 'test', now);
      store.db.prepare("INSERT INTO devices (id, machine_id, time_zone, first_seen_ms, last_seen_ms) VALUES (?, ?, 'America/Los_Angeles', ?, ?)").run(r.deviceId, `m${i}`, now, now);
      return r.deviceId;
    });
    const fleet = new FleetEngine({ store, log: createLogger('test', 'silent') });
    const see = (kind: ObservationKind, o: object): void => {
      for (const id of ids) store.write((w) => fleet.onObservation(w, id, obs({ kind, via: 'test', ...o }), now));
    };
    // Peer id 40 + peer IP 30 (+15 on Astrill) + gateway 25: 110, capped at 100.
    see(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_ID, { valueHash: hash('peer') });
    see(ObservationKind.OBSERVATION_KIND_REMOTE_PEER_IP, { value: '142.214.202.2' });
    see(ObservationKind.OBSERVATION_KIND_GATEWAY_MAC, { valueHash: hash('gw') });
    fleet.evaluate(ids);
    const [first] = store.listAlerts({ rule: 'fleet.colocation' });
    expect(first).toMatchObject({ score: 100, severity: 'critical' });
    const kinds = (): string[] => [...new Set((store.alerts.detail(first?.id ?? 0)?.details as { edges: { kind: string }[] }).edges.map((e) => e.kind))].sort();
    expect(kinds()).toEqual(['gateway_mac', 'remote_peer_id', 'remote_peer_ip']);

    see(ObservationKind.OBSERVATION_KIND_WIFI_BSSID, { valueHash: hash('ap') });
    const changes = fleet.evaluate(ids).filter((c) => c.id === first?.id);
    expect(changes).toEqual([{ id: first?.id, change: 'updated' }]);
    expect(kinds()).toEqual(['gateway_mac', 'remote_peer_id', 'remote_peer_ip', 'wifi_bssid']);
    const explained = (store.alerts.detail(first?.id ?? 0)?.details as { explanation: { signal: string }[] }).explanation.map((s) => s.signal);
    expect(explained).toContain('shared.wifi_bssid');
    expect(store.alert(first?.id ?? 0)?.score).toBe(100);

    // The same values again within the refresh interval: no new edge, nothing evaluated or written.
    const updated = store.alert(first?.id ?? 0)?.updatedMs;
    see(ObservationKind.OBSERVATION_KIND_WIFI_BSSID, { valueHash: hash('ap') });
    expect(fleet.evaluate(ids).filter((c) => c.id === first?.id)).toEqual([]);
    expect(store.alert(first?.id ?? 0)?.updatedMs).toBe(updated);
    store.close();
  });
});
