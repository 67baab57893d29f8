// Farms: company laptops a facilitator keeps for someone abroad. What they have in common is the
// facilitator's house (a residential line; other employers' laptops on the LAN beside ours), laptops
// kept on for a remote worker who uses them in their own hours (or the employer's), and a way in:
// a remote-access tool on the laptop driven from abroad (through a VPN such as Astrill or a rented
// server), or an IP-KVM on the laptop's USB and HDMI ports.
//   farm            a house of one to six "new hires" driven over AnyDesk (its log names the
//                   operator's address) or through an IP-KVM on each laptop;
//   tool farm       a house of one to four driven over RustDesk, Chrome Remote Desktop, Splashtop or
//                   ScreenConnect: straight from the operator's address (an Astrill exit, a server
//                   of the networks Astrill rents, a cloud server: the address is the remote end of
//                   the tool's connection), or only through the vendor's relay (then the tool's
//                   connections name only the vendor's servers);
//   router vpn farm the facilitator's router sends everything through an Astrill server: the
//                   laptops' public address is that server, no VPN client on them; driven through
//                   a tool's relay or a KVM;
//   day-one farm    a single laptop whose evidence is complete at its first report: a host-side tool
//                   installed at once and driven from a VPN or hosting address, or a KVM;
//   kvm             a single laptop driven through an IP-KVM at a facilitator's home;
//   reshipped       a laptop online near its ship-to city for a while, then from a home in
//                   Dandong or Vladivostok.
// Ship-to streets: a facilitator's new hires are often all shipped to the facilitator's own
// address, or to different apartments of one building; the others to an address elsewhere that
// forwards them.
import { mac } from '../facts.mjs';
import { HOST_TOOLS } from '../tools.mjs';
import { control, controlStart, farmRoutine, personRoutine, remoteWorker, signalOf } from './habits.mjs';

const KVMS = ['pikvm', 'pikvm4', 'tinypilot', 'jetkvm', 'jetkvmAcer', 'nanokvm', 'blikvm'];
const TOOLS = Object.keys(HOST_TOOLS);

/** An operator's address: on Astrill most of the time (a published exit now and then, mostly another of its servers), else a cloud server. */
function operatorIp(ctx) {
  const { r, addresses: A } = ctx;
  return r.chance(0.8) ? (r.chance(0.3) ? r.pick(A.astrill) : r.pick(A.astrillNetworks)).ip : r.pick(A.cloud).ip;
}

/** A server of the vendor's network for a tool's relay (one in the US when there is one). */
function relayIp(ctx, net) {
  const list = ctx.addresses.relays[net];
  const us = list.filter((a) => a.country === 'US');
  return ctx.r.pick(us.length > 0 ? us : list).ip;
}

/** Where a facilitator's new hires are shipped: a function giving each one's { city, street }. */
function facilitatorShipping(ctx, city) {
  const { r, streets, cities } = ctx;
  const building = r.chance(0.35) ? streets.building() : undefined;
  const own = building ? undefined : streets.home();
  return () => {
    if (r.chance(0.6)) return { city, street: building ? building.apartment() : own };
    return { city: r.pick(cities), street: streets.home() };
  };
}

/** A facilitator's house in `city`: other employers' laptops on its LAN. */
function house(ctx, name, maxOthers = 8) {
  const others = Array.from({ length: ctx.r.int(1, maxOthers) }, (_, i) => mac(`${name}:other-employer:${i}`));
  return ctx.places.home(others, 'house');
}

/** Laptops of one house: each seen with some of the others on the LAN now and then. */
function seatAll(ctx, members, at, ip) {
  for (const l of members) {
    const neighbours = ctx.r.chance(0.3) ? members.filter((m) => m !== l).map((m) => mac(`own:${m.serial}`)) : [];
    l.places = { house: { ip, place: { ...at, neighbours: [...at.neighbours, ...neighbours] } } };
  }
}

/** A tool on a laptop: driven straight from `peer`, or through the vendor's relay. */
function toolSetup(ctx, id, mode, peer) {
  const relay = relayIp(ctx, HOST_TOOLS[id].relayNet);
  return { id, mode, ...(mode === 'direct' ? { peer, peerPort: ctx.r.int(40_000, 60_000) } : {}), relay, signal: relay };
}

export function farmHouses(ctx) {
  const { r, addresses: A, handLaid } = ctx;
  const out = [];
  let left = handLaid ? handLaid.reduce((n, h) => n + h.laptops, 0) : ctx.count('farm');
  let astrillHouses = 0;
  for (let houses = 0; left > 0; houses++) {
    const laid = handLaid?.[houses];
    const k = laid ? laid.laptops : Math.min(left, r.int(1, 6));
    left -= k;
    const name = `farm-${houses + 1}`;
    const city = r.pick(ctx.cities);
    const at = house(ctx, name);
    const ip = ctx.homeIp(city);
    const kvm = laid ? laid.kvm === true : r.chance(0.3);
    const operators = laid?.operator === 'astrill'
      ? [{ id: String(r.int(100_000_000, 999_999_999)), name: `user${r.int(10, 99)}`, ip: A.astrill[astrillHouses++ % A.astrill.length].ip, port: 50_000 }]
      : Array.from({ length: r.int(1, 2) }, (_, i) => ({ id: String(r.int(100_000_000, 999_999_999)), name: `user${r.int(10, 99)}`, ip: operatorIp(ctx), port: 50_000 + i }));
    const ship = facilitatorShipping(ctx, city);
    const style = r.chance(0.5) ? 'own' : 'employer';
    const alwaysOn = r.chance(0.85);
    const from = handLaid ? (ctx.dayOne ? 0 : 1) : controlStart(ctx);
    const members = Array.from({ length: k }, () => {
      const s = ship();
      return ctx.laptop('farm', s.city, s.street, { positive: true, house: name, operatorIps: kvm ? [] : operators.map((o) => o.ip) });
    });
    seatAll(ctx, members, at, ip);
    for (const l of members) {
      const operator = remoteWorker(r, l, style);
      l.routine = farmRoutine(operator, alwaysOn);
      l.installed = r.chance(0.25) ? { timeZone: 'Asia/Shanghai' } : {};
      const op = r.pick(operators);
      // The addresses that really drive this laptop: houses whose laptops share one are one case.
      l.operatorIps = kvm ? [] : [op.ip];
      l.control = control(ctx, kvm ? { kvm: r.pick(KVMS) } : { anydesk: [op] }, operator, from);
      l.signalPhase = signalOf(ctx, from, k);
      out.push(l);
    }
  }
  return out;
}

export function toolFarms(ctx) {
  const { r } = ctx;
  const out = [];
  let left = ctx.count('tool farm');
  for (let houses = 0; left > 0; houses++) {
    const k = Math.min(left, r.int(1, 4));
    left -= k;
    const name = `tool-farm-${houses + 1}`;
    const city = r.pick(ctx.cities);
    const at = house(ctx, name);
    const ip = ctx.homeIp(city);
    const id = r.pick(TOOLS);
    const mode = r.chance(0.6) ? 'direct' : 'relay';
    // ScreenConnect straight from the operator means his own server; others connect from an exit or a server.
    const operators = Array.from({ length: r.int(1, 2) }, () => (id === 'screenconnect' ? (r.chance(0.5) ? r.pick(ctx.addresses.cloud) : r.pick(ctx.addresses.astrillNetworks)).ip : operatorIp(ctx)));
    const ship = facilitatorShipping(ctx, city);
    const style = r.chance(0.5) ? 'own' : 'employer';
    const alwaysOn = r.chance(0.85);
    const from = controlStart(ctx);
    const members = Array.from({ length: k }, () => {
      const s = ship();
      return ctx.laptop('tool farm', s.city, s.street, { positive: true, house: name, tool: `${id} (${mode})`, operatorIps: mode === 'direct' ? operators : [] });
    });
    seatAll(ctx, members, at, ip);
    for (const l of members) {
      const operator = remoteWorker(r, l, style);
      l.routine = farmRoutine(operator, alwaysOn);
      l.installed = r.chance(0.25) ? { timeZone: 'Asia/Shanghai' } : {};
      const op = r.pick(operators);
      // Seen by the collector only when the operator connects directly (a relay hides him).
      l.operatorIps = mode === 'direct' ? [op] : [];
      l.control = control(ctx, { tool: toolSetup(ctx, id, mode, op) }, operator, from);
      l.signalPhase = signalOf(ctx, from, k);
      out.push(l);
    }
  }
  return out;
}

export function routerVpnFarms(ctx) {
  const { r, addresses: A } = ctx;
  const out = [];
  let left = ctx.count('router vpn farm');
  const servers = A.astrillNetworks.filter((a) => a.country === 'US');
  for (let houses = 0; left > 0; houses++) {
    const k = Math.min(left, r.int(1, 3));
    left -= k;
    const name = `router-vpn-farm-${houses + 1}`;
    const city = r.pick(ctx.cities);
    const at = house(ctx, name);
    // The router's tunnel ends at an Astrill server (one in the US, to look local, most of the time).
    const ip = (r.chance(0.7) && servers.length > 0 ? r.pick(servers) : r.pick(A.astrillNetworks)).ip;
    const kvm = r.chance(0.3);
    const id = r.pick(TOOLS);
    const ship = facilitatorShipping(ctx, city);
    const style = r.chance(0.5) ? 'own' : 'employer';
    const alwaysOn = r.chance(0.85);
    const from = controlStart(ctx);
    const members = Array.from({ length: k }, () => {
      const s = ship();
      return ctx.laptop('router vpn farm', s.city, s.street, { positive: true, house: name, tool: kvm ? 'kvm' : `${id} (relay)` });
    });
    seatAll(ctx, members, at, ip);
    for (const l of members) {
      const operator = remoteWorker(r, l, style);
      l.routine = farmRoutine(operator, alwaysOn);
      l.installed = {};
      l.control = control(ctx, kvm ? { kvm: r.pick(KVMS) } : { tool: toolSetup(ctx, id, 'relay') }, operator, from);
      l.signalPhase = signalOf(ctx, from, k);
      out.push(l);
    }
  }
  return out;
}

export function dayOneFarms(ctx) {
  const { r } = ctx;
  const out = [];
  for (let i = 0; i < ctx.count('day-one farm'); i++) {
    const name = `day-one-farm-${i + 1}`;
    const city = r.pick(ctx.cities);
    const at = house(ctx, name, 5);
    const x = r.next();
    const peer = operatorIp(ctx);
    const how = x < 0.4 ? { anydesk: [{ id: String(r.int(100_000_000, 999_999_999)), name: `user${r.int(10, 99)}`, ip: peer, port: 50_000 }] }
      : x < 0.75 ? { tool: toolSetup(ctx, r.pick(['rustdesk', 'chrome-remote-desktop', 'splashtop']), 'direct', peer) } : { kvm: r.pick(KVMS) };
    const ship = facilitatorShipping(ctx, city)();
    const l = ctx.laptop('day-one farm', ship.city, ship.street, {
      positive: true, house: name, tool: how.kvm ? 'kvm' : how.anydesk ? 'anydesk' : `${how.tool.id} (direct)`, operatorIps: how.kvm ? [] : [peer],
    });
    seatAll(ctx, [l], at, ctx.homeIp(city));
    const operator = remoteWorker(r, l, r.chance(0.5) ? 'own' : 'employer');
    l.routine = farmRoutine(operator, r.chance(0.85));
    l.installed = {};
    // Installed at once and driven from the first report.
    const from = ctx.dayOne ? 0 : 'history';
    l.control = control(ctx, how, operator, from);
    if (from === 'history') l.control.sessions = [ctx.startMs, ...l.control.sessions.filter((t) => t > ctx.startMs)];
    l.signalPhase = from;
    out.push(l);
  }
  return out;
}

export function kvmLaptops(ctx) {
  const { r } = ctx;
  const out = [];
  for (let i = 0; i < ctx.count('kvm'); i++) {
    const city = r.pick(ctx.cities);
    const at = house(ctx, `kvm-home-${i}`, 5);
    const ship = r.chance(0.7) ? { city, street: ctx.streets.home() } : { city: r.pick(ctx.cities), street: ctx.streets.home() };
    const l = ctx.laptop('kvm', ship.city, ship.street, { positive: true });
    seatAll(ctx, [l], at, ctx.homeIp(city));
    const operator = remoteWorker(r, l, r.chance(0.5) ? 'own' : 'employer');
    l.routine = farmRoutine(operator, r.chance(0.85));
    l.installed = {};
    const from = controlStart(ctx, 0.5);
    l.control = control(ctx, { kvm: r.pick(KVMS) }, operator, from);
    l.signalPhase = from;
    out.push(l);
  }
  return out;
}

export function reshippedLaptops(ctx) {
  const { r, addresses: A } = ctx;
  const out = [];
  for (let i = 0; i < ctx.count('reshipped'); i++) {
    const city = r.pick(ctx.cities);
    const abroad = r.pick(Object.keys(A.abroad));
    const l = ctx.laptop('reshipped', city, ctx.streets.home(), { positive: true });
    // Set up near the ship-to city in the employer's hours first; re-shipped later (never on day one).
    l.routine = personRoutine(r, l, { leavesOn: false });
    l.places = { home: { ip: ctx.homeIp(city), place: ctx.places.home() }, abroad: { ip: ctx.homeIp(abroad, A.abroad), place: ctx.places.home() } };
    l.installed = {};
    const clock = r.chance(0.5);
    if (!ctx.dayOne) {
      l.later = { at: 'abroad', extras: clock ? { timeZone: A.abroad[abroad].timeZone } : {} };
      l.signalPhase = 1;
    }
    out.push(l);
  }
  return out;
}
