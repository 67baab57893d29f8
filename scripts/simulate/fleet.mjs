// The simulated fleet and its ground truth. Every laptop belongs to one scenario class; positives
// are laptops a facilitator keeps for someone abroad, negatives are employees whose ordinary habits
// look like signals. Each class is written from how such people and places behave (scenarios/):
//   scenarios/farms.mjs    farm houses, farms driven by other host-side tools (direct or through
//                          the vendor's relay), a farm whose VPN is on the router, day-one farms,
//                          KVM-driven laptops, laptops re-shipped abroad;
//   scenarios/offices.mjs  the head office (a registered company site) and its helpdesk staff, a
//                          branch office nobody registered, coworking spaces;
//   scenarios/homes.mjs    households of three employees, couples, developers with client-side
//                          tools, travellers, helpdesk sessions at home, ordinary homes.
// A laptop has a daily routine (routine.mjs) that the history replay plays hour by hour before
// "now", and two live phases: now (phase 0) and what happens later (phase 1). Deterministic for a
// seed and a "now".
import { readFileSync } from 'node:fs';
import { rng } from './random.mjs';
import { People, Streets } from './people.mjs';
import { Places } from './lan.mjs';
import { livePhases } from './life.mjs';
import { farmHouses, toolFarms, routerVpnFarms, dayOneFarms, kvmLaptops, reshippedLaptops } from './scenarios/farms.mjs';
import { headOffice, branchOffices, coworking } from './scenarios/offices.mjs';
import { households, couples, developers, travellers, helpdeskAtHome, ordinary } from './scenarios/homes.mjs';

export { rng };
const addresses = JSON.parse(readFileSync(new URL('./addresses.json', import.meta.url), 'utf8'));

/**
 * Shares of the fleet per scenario class (farm laptops are grouped in houses). The rest are
 * ordinary homes.
 */
export const MIX = {
  farm: 0.1, 'tool farm': 0.08, 'router vpn farm': 0.03, 'day-one farm': 0.03, kvm: 0.03, reshipped: 0.03,
  'head office': 0.12, 'branch office': 0.08, coworking: 0.03, 'helpdesk staff': 0.02, helpdesk: 0.05, household: 0.03,
  developer: 0.06, traveller: 0.06, couple: 0.05,
};

/** Days of history replayed before "now" by default. */
export const HISTORY_DAYS = 4.5;

export { POLICY, HEAD_OFFICE_CITY } from './company.mjs';

/**
 * The fleet of `agents` laptops for `seed`, in the shares of MIX. `nowMs` is the moment the
 * history ends and the live phases start; `historyDays` how many days are replayed before it;
 * `dayOne`: no history, every farm's evidence at its first report. Options for a fleet laid out by
 * hand (the demo, scripts/demo/plan.mjs):
 *   houses: farm houses [{ laptops, kvm, operator: 'astrill' }] instead of random ones
 *   counts: laptops per class instead of MIX shares (a class not named has none)
 *   helpdeskSessions: false: the helpdesk's TeamViewer is installed, no technician connects
 *   agentSanctioned: tools every laptop's agent is told are sanctioned (its policy, as IT deploys it)
 *   serialPrefix: the serials' prefix ('SIM')
 */
export function planFleet({
  agents, seed = 1, nowMs = Date.now(), historyDays = HISTORY_DAYS, dayOne = false, houses, counts, helpdeskSessions = true, agentSanctioned, serialPrefix = 'SIM',
}) {
  const r = rng(seed);
  const days = dayOne ? 0 : historyDays;
  const ctx = {
    r, addresses, cities: Object.keys(addresses.cities), endMs: nowMs, startMs: nowMs - days * 86_400_000, dayOne, days,
    people: new People(r, serialPrefix), streets: new Streets(r), places: new Places(r), used: new Set(addresses.corporate.addresses.map((a) => a.ip)),
    helpdeskSessions, handLaid: houses,
    /** Laptops of a class: MIX's share of the fleet, or the hand-laid count. */
    count: (scenario) => (counts ? (counts[scenario] ?? 0) : Math.round(agents * (MIX[scenario] ?? 0))),
    /** A residential address in `city` not used yet (homes never share one by accident). */
    homeIp(city, pool = addresses.cities) {
      const free = pool[city].homes.filter((ip) => !this.used.has(ip));
      const ip = free.length > 0 ? r.pick(free) : r.pick(pool[city].homes);
      this.used.add(ip);
      return ip;
    },
    /** A laptop with its ship-to city, zone and street. */
    laptop(scenario, city, street, extra = {}) {
      const zone = (addresses.cities[city] ?? addresses.abroad[city]).timeZone;
      return this.people.laptop(scenario, { shipTo: city, timeZone: zone, shipStreet: street }, { ...(agentSanctioned ? { sanctioned: agentSanctioned } : {}), ...extra });
    },
  };
  const fleet = [
    ...farmHouses(ctx), ...toolFarms(ctx), ...routerVpnFarms(ctx), ...dayOneFarms(ctx), ...kvmLaptops(ctx), ...reshippedLaptops(ctx),
    ...headOffice(ctx), ...branchOffices(ctx), ...coworking(ctx), ...households(ctx), ...couples(ctx), ...developers(ctx), ...travellers(ctx),
    ...helpdeskAtHome(ctx),
  ].slice(0, agents);
  fleet.push(...ordinary(ctx, agents - fleet.length));
  for (const l of fleet) l.phases = livePhases(l, nowMs, dayOne);
  caseOfHouses(fleet);
  return fleet;
}

/**
 * Farm houses whose operators come from the same address are one case: the collector can link
 * them (an address it sees: an AnyDesk log's peer, a tool's direct connection), rightly. `case`
 * names the case of each farm laptop; a case of two or more laptops is a cluster to find.
 */
function caseOfHouses(fleet) {
  const parent = new Map();
  const find = (x) => {
    while (parent.get(x) !== x) x = parent.get(x);
    return x;
  };
  const farms = fleet.filter((l) => l.house);
  for (const l of farms) parent.set(l.house, l.house);
  const byIp = new Map();
  for (const l of farms) {
    for (const ip of l.operatorIps ?? []) {
      const other = byIp.get(ip);
      if (other) parent.set(find(l.house), find(other));
      else byIp.set(ip, l.house);
    }
  }
  for (const l of farms) l.case = find(l.house);
  const size = new Map();
  for (const l of farms) size.set(l.case, (size.get(l.case) ?? 0) + 1);
  for (const l of fleet) {
    l.case = l.house && size.get(l.case) >= 2 ? l.case : null;
    delete l.operatorIps;
  }
}

/** Every address is still what the scenario needs (residential, VPN, hosting, business) in the databases at hand. */
export function checkAddresses(enricher) {
  const problems = [];
  const expect = (a, kind, role) => {
    const info = enricher.lookup(a.ip);
    if (info.network.kind !== kind || (a.country && info.geo?.countryCode !== a.country)) {
      problems.push(`${a.ip} (${role}) is now ${info.network.kind} in ${info.geo?.countryCode ?? '?'}, not ${kind} in ${a.country}`);
    }
  };
  const homes = (pool) => Object.entries(pool).flatMap(([city, c]) => c.homes.map((ip) => ({ ip, country: city.split(',').at(-1).trim(), city })));
  for (const h of [...homes(addresses.cities), ...homes(addresses.abroad)]) expect(h, 'other', `home in ${h.city}`);
  for (const [city, b] of Object.entries(addresses.business)) for (const ip of b.offices) expect({ ip, country: city.split(',').at(-1).trim() }, 'other', `office line in ${city}`);
  for (const a of addresses.astrill) expect(a, 'vpn', 'Astrill exit');
  for (const a of [...addresses.consumerVpn, ...addresses.astrillNetworks, ...addresses.cloud, ...addresses.servers, ...Object.values(addresses.relays).flat()]) {
    expect(a, 'hosting', 'hosting');
  }
  return problems;
}
