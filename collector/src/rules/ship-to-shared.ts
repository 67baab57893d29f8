// Several "new hires" whose laptops IT shipped to one street address: a facilitator receives the
// laptops of many workers at one house (docs/THREATS.md: laptop farms in the United States host the
// laptops of several remote "employees"). Registration stores only keyed hashes of the normalized
// street line (src/enroll/street-address.ts), so the rules compare hashes and show a hash prefix,
// never the address. A couple shipped to one home is two people: from three people it counts.
// Two hashes: the address with its unit (the same apartment: strong), and the building alone
// (different apartments of one building: weak, a big apartment block holds many households).
import type { RegistrationRow } from '../store/fleet-records.js';
import type { ShippedRow } from '../store/place-store.js';
import { hashPrefix } from '../enroll/street-address.js';
import { DEVICE_WEIGHTS, SHIPTO } from './weights.js';

export interface ShipToSignal {
  id: 'shipto.shared' | 'shipto.building';
  weight: number;
  title: string;
  evidence: string[];
}

/** Registrations shipped to this laptop's address (with its unit) and to its building, this one included. */
export interface ShippedTogether {
  address: readonly ShippedRow[];
  building: readonly ShippedRow[];
}

const people = (rows: readonly ShippedRow[]): Set<string> => new Set(rows.map((r) => r.assigneeEmail.toLowerCase()));
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const line = (r: ShippedRow): string => `${r.deviceId}: ${r.assigneeName} <${r.assigneeEmail}>, registered ${day(r.registeredMs)}${r.revokedMs !== null ? ', revoked' : ''}`;

/** The device signal: `shipto.shared` (the same address, unit included) or else `shipto.building`. */
export function shipToSignals(reg: RegistrationRow | undefined, shipped: ShippedTogether | undefined): ShipToSignal[] {
  if (!reg?.shipStreetHash || !shipped) return [];
  const atAddress = people(shipped.address);
  if (atAddress.size >= SHIPTO.minPeople) {
    return [{
      id: 'shipto.shared', weight: DEVICE_WEIGHTS['shipto.shared'],
      title: `${atAddress.size} people shipped to the same street address (hash ${hashPrefix(reg.shipStreetHash)})`,
      evidence: [...shipped.address.map(line), 'several "new hires" shipped to one address: where a facilitator receives their laptops; a couple is two people'],
    }];
  }
  const inBuilding = people(shipped.building);
  if (reg.shipBuildingHash && inBuilding.size >= SHIPTO.minPeople) {
    const units = new Set(shipped.building.map((r) => r.shipStreetHash)).size;
    return [{
      id: 'shipto.building', weight: DEVICE_WEIGHTS['shipto.building'],
      title: `${inBuilding.size} people shipped to one building, different units (hash ${hashPrefix(reg.shipBuildingHash)})`,
      evidence: [...shipped.building.map(line), `${units} different addresses (units) in the building: neighbours in one apartment block, or one receiver using unit numbers; weak alone`],
    }];
  }
  return [];
}

/**
 * The cluster signal: of the people counted in the cluster (not excused by presence), the most
 * shipped to one address (unit included); from four on, 10 per person beyond three (at most 30).
 */
export function clusterShipToSignal(members: readonly string[], registrations: ReadonlyMap<string, RegistrationRow>, counted: ReadonlySet<string>):
  { id: 'cluster.shipto'; weight: number; title: string; evidence: string[] } | undefined {
  const byHash = new Map<string, Map<string, string[]>>();
  for (const m of members) {
    const r = registrations.get(m);
    if (!r?.shipStreetHash || !counted.has(r.assigneeEmail)) continue;
    let group = byHash.get(r.shipStreetHash);
    if (!group) byHash.set(r.shipStreetHash, (group = new Map<string, string[]>()));
    group.set(r.assigneeEmail, [...(group.get(r.assigneeEmail) ?? []), m]);
  }
  const [hash, group] = [...byHash].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0] ?? [];
  if (!hash || !group || group.size < SHIPTO.clusterMinPeople) return undefined;
  return {
    id: 'cluster.shipto', weight: Math.min(SHIPTO.clusterMax, (group.size - SHIPTO.clusterMinPeople + 1) * SHIPTO.clusterPerPerson),
    title: `${group.size} people shipped to the same street address (hash ${hashPrefix(hash)})`,
    evidence: [...group].map(([email, ids]) => `${email}: ${ids.join(', ')}`),
  };
}
