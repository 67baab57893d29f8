// The simulated fleet and its ground truth. Every laptop belongs to one scenario; positives are
// laptops a facilitator keeps for someone abroad (farm houses, KVM-driven laptops, laptops
// re-shipped abroad); negatives are employees whose innocent habits look like signals (travellers
// on consumer VPNs, helpdesk TeamViewer sessions, couples sharing a home, colleagues in one hotel).
// Each laptop has two phases: how it first reports (phase 0) and what happens later (phase 1: a
// remote-access tool and its operator appear, a KVM is plugged in, the laptop moves). Deterministic
// for a seed.
import { readFileSync } from 'node:fs';
import { mac } from './facts.mjs';

const addresses = JSON.parse(readFileSync(new URL('./addresses.json', import.meta.url), 'utf8'));

/** mulberry32: a small seeded generator (deterministic fleets). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/** Shares of the fleet per scenario (farm laptops are grouped in houses of 1 to 6). */
export const MIX = { farm: 0.14, kvm: 0.05, reshipped: 0.05, traveller: 0.1, helpdesk: 0.08, couple: 0.08 };

const FIRST = ['Avery', 'Jordan', 'Riley', 'Morgan', 'Casey', 'Taylor', 'Jamie', 'Drew', 'Quinn', 'Reese', 'Alex', 'Sam', 'Cameron', 'Harper', 'Rowan', 'Parker', 'Emerson', 'Skyler', 'Dakota', 'Hayden'];
const LAST = ['Brooks', 'Ellis', 'Chen', 'Patel', 'Nguyen', 'Rivera', 'Kim', 'Garcia', 'Johnson', 'Okafor', 'Novak', 'Silva', 'Cohen', 'Murphy', 'Sato', 'Haddad', 'Larsen', 'Moreau', 'Singh', 'Walker'];
const VPNS = ['nordvpn', 'protonvpn', 'expressvpn', 'surfshark'];
const KVMS = ['pikvm', 'pikvm4', 'tinypilot', 'jetkvm', 'jetkvmAcer', 'nanokvm', 'blikvm'];
/** IT's helpdesk technicians (TeamViewer ids, as their Connections_incoming.txt rows show them). */
const TECHNICIANS = [{ id: '545021772', name: 'IT-Helpdesk-1' }, { id: '514162531', name: 'IT-Helpdesk-2' }];

/**
 * The fleet of `agents` laptops for `seed`, in the shares of MIX. Options for a fleet laid out by
 * hand (the demo, scripts/demo.mjs); without them the plan is the simulator's:
 *   houses: farm houses [{ laptops, kvm, operator: 'astrill' }] instead of random ones (operator
 *     'astrill': one operator on a published Astrill exit, the house's own; otherwise as MIX draws)
 *   counts: laptops per scenario ({ kvm, reshipped, traveller, helpdesk, couple }) instead of MIX shares
 *   helpdeskSessions: false: the helpdesk's TeamViewer is installed, no technician connects (a
 *     collector without --sanctioned would link the laptops one technician drives)
 *   agentSanctioned: tools every laptop's agent is told are sanctioned (its policy, as IT deploys it)
 *   serialPrefix: the serials' prefix ('SIM')
 */
export function planFleet({ agents, seed = 1, houses: handLaid, counts, helpdeskSessions = true, agentSanctioned, serialPrefix = 'SIM' }) {
  const r = rng(seed);
  const cities = Object.keys(addresses.cities);
  const used = new Set();
  /** A residential address in `city` not used yet (homes never share one by accident). */
  const homeIp = (city, pool = addresses.cities) => {
    const free = pool[city].homes.filter((ip) => !used.has(ip));
    const ip = free.length > 0 ? r.pick(free) : r.pick(pool[city].homes);
    used.add(ip);
    return ip;
  };
  let places = 0;
  const place = (kind, extraNeighbours = []) => {
    const id = `${kind}-${++places}`;
    const household = Array.from({ length: r.int(1, 4) }, (_, i) => mac(`${id}:device:${i}`)); // phones, TV, printer
    return {
      id, lanPrefix: kind === 'hotel' ? `10.${r.int(16, 31)}.${r.int(0, 255)}` : '192.168.1', gatewayMac: mac(`${id}:gateway`),
      ssid: kind === 'hotel' ? `Hotel-Guest-${places}` : `HOME-${places.toString(16).toUpperCase()}`,
      bssids: [mac(`${id}:ap:0`), mac(`${id}:ap:1`)], visible: Array.from({ length: r.int(2, 6) }, (_, i) => mac(`${id}:around:${i}`)),
      neighbours: kind === 'hotel' ? [] : [...household, ...extraNeighbours],
    };
  };
  let people = 0;
  const laptop = (scenario, shipCity, extra = {}) => {
    const n = ++people;
    const first = FIRST[n % FIRST.length];
    const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
    const serial = `${serialPrefix}${String(n).padStart(5, '0')}`;
    return {
      serial, hostname: `LT-${first.toLowerCase()}-${n}`, assignee: `${first} ${last} <${first.toLowerCase()}.${last.toLowerCase()}.${n}@example.com>`,
      shipTo: shipCity, timeZone: (addresses.cities[shipCity] ?? addresses.abroad[shipCity]).timeZone, hostOctet: 10 + (n % 200), band: r.int(0, 1),
      ...(r.chance(0.3) ? { monitor: r.int(0, 1) } : {}), mouse: r.chance(0.4),
      scenario, positive: false, house: null, group: null, signalPhase: null, phases: [], ...(agentSanctioned ? { sanctioned: agentSanctioned } : {}), ...extra,
    };
  };
  const fleet = [];
  const count = (share, scenario) => counts?.[scenario] ?? Math.round(agents * share);

  // Farm houses: k laptops of different people behind one residential address, driven over
  // AnyDesk by operators on Astrill (or cloud servers), or through an IP-KVM on each laptop.
  let farm = handLaid ? handLaid.reduce((n, h) => n + h.laptops, 0) : count(MIX.farm, 'farm');
  let houses = 0;
  while (farm > 0) {
    const laid = handLaid?.[houses];
    const k = laid ? laid.laptops : Math.min(farm, r.int(1, 6));
    farm -= k;
    const house = `farm-${++houses}`;
    const city = r.pick(cities);
    const others = Array.from({ length: r.int(1, 8) }, (_, i) => mac(`${house}:other-employer:${i}`)); // other companies' laptops
    const at = place('home', others);
    const ip = homeIp(city);
    const kvm = laid ? laid.kvm === true : r.chance(0.3);
    const operators = laid?.operator === 'astrill'
      ? [{ id: String(r.int(100_000_000, 999_999_999)), name: `user${r.int(10, 99)}`, ip: addresses.astrill[handLaid.slice(0, houses - 1).filter((h) => h.operator === 'astrill').length % addresses.astrill.length].ip, port: 50_000 }]
      : Array.from({ length: r.int(1, 2) }, (_, i) => ({
        id: String(r.int(100_000_000, 999_999_999)), name: `user${r.int(10, 99)}`,
        // On Astrill most of the time: a published exit now and then, mostly another of its servers.
        ip: r.chance(0.8) ? (r.chance(0.3) ? r.pick(addresses.astrill) : r.pick(addresses.astrillNetworks)).ip : r.pick(addresses.cloud).ip, port: 50_000 + i,
      }));
    const members = Array.from({ length: k }, () => laptop('farm', r.chance(0.5) ? city : r.pick(cities), { positive: true, house, operatorIps: kvm ? [] : operators.map((o) => o.ip) }));
    for (const l of members) {
      const clock = r.chance(0.25) ? 'Asia/Shanghai' : undefined;
      const neighbours = r.chance(0.3) ? members.filter((m) => m !== l).map((m) => mac(`own:${m.serial}`)) : [];
      const here = { ...at, neighbours: [...at.neighbours, ...neighbours] };
      const control = kvm ? { kvm: r.pick(KVMS) } : { anydesk: [r.pick(operators)] };
      l.phases = [{ ip, place: here, extras: clock ? { timeZone: clock } : {} }, { extras: { ...control, ...(clock ? { timeZone: clock } : {}) } }];
      l.signalPhase = k >= 2 ? 0 : 1;
      fleet.push(l);
    }
  }
  // KVM-driven laptops, one per facilitator's home (other employers' laptops beside it).
  for (let i = 0; i < count(MIX.kvm, 'kvm'); i++) {
    const city = r.pick(cities);
    const at = place('home', Array.from({ length: r.int(1, 5) }, (_, j) => mac(`kvm-home-${i}:other-employer:${j}`)));
    const l = laptop('kvm', r.chance(0.7) ? city : r.pick(cities), { positive: true, signalPhase: 1 });
    l.phases = [{ ip: homeIp(city), place: at, extras: {} }, { extras: { kvm: r.pick(KVMS) } }];
    fleet.push(l);
  }
  // Laptops re-shipped abroad after a few days at the ship-to address.
  for (let i = 0; i < count(MIX.reshipped, 'reshipped'); i++) {
    const city = r.pick(cities);
    const abroad = r.pick(Object.keys(addresses.abroad));
    const l = laptop('reshipped', city, { positive: true, signalPhase: 1 });
    l.phases = [{ ip: homeIp(city), place: place('home'), extras: {} },
      { ip: homeIp(abroad, addresses.abroad), place: place('home'), extras: r.chance(0.5) ? { timeZone: addresses.abroad[abroad].timeZone } : {} }];
    fleet.push(l);
  }
  // Travellers: at home, then at a hotel (sometimes with colleagues) on a consumer VPN.
  const travellers = count(MIX.traveller, 'traveller');
  for (let i = 0; i < travellers;) {
    const size = Math.min(travellers - i, r.chance(0.5) ? r.int(2, 3) : 1);
    const hotel = place('hotel');
    for (let j = 0; j < size; j++, i++) {
      const city = r.pick(cities);
      const vpn = r.pick(VPNS);
      const l = laptop('traveller', city, { group: size > 1 ? hotel.id : null });
      l.phases = [{ ip: homeIp(city), place: place('home'), extras: {} },
        { ip: r.pick(addresses.consumerVpn).ip, place: hotel, extras: { vpn, ...(r.chance(0.3) ? { timeZone: 'Europe/London' } : {}) } }];
      fleet.push(l);
    }
  }
  // The helpdesk's laptops: TeamViewer (sanctioned) installed by IT; a technician connects later.
  for (let i = 0; i < count(MIX.helpdesk, 'helpdesk'); i++) {
    const city = r.pick(cities);
    const l = laptop('helpdesk', city);
    const tech = r.pick(TECHNICIANS);
    const sessions = helpdeskSessions ? [{ ...tech, localUser: l.hostname.slice(3), guid: `${l.serial.toLowerCase()}-0000-4000-8000-${String(i).padStart(12, '0')}` }] : [];
    l.phases = [{ ip: homeIp(city), place: place('home'), extras: { teamviewer: [] } }, { extras: { teamviewer: sessions } }];
    fleet.push(l);
  }
  // Couples who both work here: one home, one router, sometimes each other on the LAN.
  for (let i = 0; i < Math.floor(count(MIX.couple, 'couple') / 2); i++) {
    const city = r.pick(cities);
    const at = place('home');
    const ip = homeIp(city);
    const pair = [laptop('couple', city, { group: at.id }), laptop('couple', city, { group: at.id })];
    for (const l of pair) {
      const partner = pair.find((p) => p !== l);
      const here = r.chance(0.3) ? { ...at, neighbours: [...at.neighbours, mac(`own:${partner.serial}`)] } : at;
      l.phases = [{ ip, place: here, extras: {} }, { extras: {} }];
      fleet.push(l);
    }
  }
  // Everyone else: an ordinary laptop at home.
  while (fleet.length < agents) {
    const city = r.pick(cities);
    const l = laptop('ordinary', city);
    l.phases = [{ ip: homeIp(city), place: place('home'), extras: {} }, { extras: {} }];
    fleet.push(l);
  }
  caseOfHouses(fleet);
  return fleet;
}

/**
 * Farm houses whose operators come from the same address are one case: the collector links them,
 * rightly. `case` names the case of each farm laptop; a case of two or more laptops is a cluster to find.
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
    for (const ip of l.operatorIps) {
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

/** The exclusion the admin sets up, and what the collector is told is sanctioned. */
export const POLICY = { sanctioned: ['teamviewer'], corporate: addresses.corporate };

/** Every address is still what the scenario needs (residential, VPN, hosting) in the databases at hand. */
export function checkAddresses(enricher) {
  const problems = [];
  const expect = (a, kind, role) => {
    const info = enricher.lookup(a.ip);
    if (info.network.kind !== kind || info.geo?.countryCode !== a.country) {
      problems.push(`${a.ip} (${role}) is now ${info.network.kind} in ${info.geo?.countryCode ?? '?'}, not ${kind} in ${a.country}`);
    }
  };
  const homes = (pool) => Object.entries(pool).flatMap(([city, c]) => c.homes.map((ip) => ({ ip, country: city.split(',').at(-1).trim(), city })));
  for (const h of [...homes(addresses.cities), ...homes(addresses.abroad)]) expect(h, 'other', `home in ${h.city}`);
  for (const a of addresses.astrill) expect(a, 'vpn', 'Astrill exit');
  for (const a of [...addresses.consumerVpn, ...addresses.astrillNetworks, ...addresses.cloud]) expect(a, 'hosting', 'hosting');
  return problems;
}
