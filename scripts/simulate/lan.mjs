// The local networks laptops sit on, as their sensors see them: the default gateway's MAC, the
// access point they joined and the ones around, and the devices on the LAN (the ARP table). Every
// MAC is made from the place's name (locally administered: never a real vendor's).
//   - a home: one router with one access point (two bands), the household's phones, TV and printer
//     on the LAN, the neighbours' Wi-Fi in the air;
//   - an office: one gateway for the whole floor, many access points (each laptop joins the one by
//     its desk and sees the ones around it), printers and servers on the LAN; corporate Wi-Fi
//     usually keeps clients apart (client isolation), a small branch's usually does not; some desks
//     have a dock (wired, no Wi-Fi);
//   - a coworking space: the same, with other companies' people around;
//   - a hotel: a guest network with client isolation.
import { createHash } from 'node:crypto';
import { mac } from './facts.mjs';

const hash = (s) => createHash('sha256').update(s).digest().readUInt32BE(0);

/** Makes places with ids unique in the fleet. */
export class Places {
  constructor(r) {
    this.r = r;
    this.n = 0;
  }

  /** A home (or a facilitator's house): `extraNeighbours` are other devices on its LAN (other employers' laptops). */
  home(extraNeighbours = [], kind = 'home') {
    const id = `${kind}-${++this.n}`;
    const household = Array.from({ length: this.r.int(1, 4) }, (_, i) => mac(`${id}:device:${i}`)); // phones, TV, printer
    return {
      id, kind, lanPrefix: '192.168.1', gatewayMac: mac(`${id}:gateway`), ssid: `HOME-${this.n.toString(16).toUpperCase()}`,
      bssids: [mac(`${id}:ap:0`), mac(`${id}:ap:1`)], visible: Array.from({ length: this.r.int(2, 6) }, (_, i) => mac(`${id}:around:${i}`)),
      neighbours: [...household, ...extraNeighbours], isolation: false, members: [],
    };
  }

  /** A hotel's guest network (clients isolated). */
  hotel() {
    const id = `hotel-${++this.n}`;
    return {
      id, kind: 'hotel', lanPrefix: `10.${this.r.int(16, 31)}.${this.r.int(0, 255)}`, gatewayMac: mac(`${id}:gateway`), ssid: `Hotel-Guest-${this.n}`,
      bssids: [mac(`${id}:ap:0`), mac(`${id}:ap:1`)], visible: Array.from({ length: this.r.int(2, 6) }, (_, i) => mac(`${id}:around:${i}`)),
      neighbours: [], isolation: true, members: [],
    };
  }

  /**
   * An office or a coworking space: `aps` access points (two bands each), `isolation` when the
   * Wi-Fi keeps clients apart, `others` devices of other companies' people on the LAN (coworking),
   * `wiredShare` the share of our laptops on a dock at their desk.
   */
  office(kind, { name, aps, isolation, others = 0, wiredShare = 0 }) {
    const id = `${kind}-${++this.n}`;
    const bssids = Array.from({ length: aps * 2 }, (_, i) => mac(`${id}:ap:${i}`));
    const servers = Array.from({ length: this.r.int(2, 5) }, (_, i) => mac(`${id}:printer-or-server:${i}`));
    return {
      id, kind, name, lanPrefix: `10.${this.r.int(32, 63)}.${this.r.int(0, 255)}`, gatewayMac: mac(`${id}:gateway`), ssid: name.replace(/\s+/g, '-'),
      bssids, visible: Array.from({ length: this.r.int(3, 8) }, (_, i) => mac(`${id}:other-tenant:${i}`)),
      neighbours: servers, others: Array.from({ length: others }, (_, i) => mac(`${id}:other-company:${i}`)), isolation, wiredShare, members: [],
    };
  }
}

/**
 * What one laptop sees of a place: the access point by its seat and those around it, the shared
 * devices on the LAN, and (without client isolation) some of the people around — our own laptops
 * among them — and whether it sits on a dock (wired).
 */
export function viewOf(place, laptop) {
  const seat = hash(`${place.id}:${laptop.serial}`);
  const n = place.bssids.length;
  const own = mac(`own:${laptop.serial}`);
  if (place.kind !== 'office' && place.kind !== 'coworking') {
    return { ...place, bssid: place.bssids[laptop.band % n], neighbours: place.neighbours.filter((m) => m !== own) };
  }
  const ap = (seat % (n / 2)) * 2;
  const bssid = place.bssids[ap + laptop.band];
  // Access points of the same floor within a few desks, then the other tenants' networks.
  const near = place.bssids.filter((b, i) => b !== bssid && Math.abs(Math.floor(i / 2) - ap / 2) <= 2);
  const wired = (seat % 100) / 100 < place.wiredShare;
  let neighbours = [...place.neighbours];
  if (!place.isolation) {
    const peers = [...place.members.filter((s) => s !== laptop.serial).map((s) => mac(`own:${s}`)), ...place.others];
    // The ARP table holds the hosts this laptop talked to or heard from lately: a handful.
    const k = Math.min(peers.length, 2 + (seat % 5));
    for (let i = 0; i < k; i++) neighbours.push(peers[(seat + i * 7919) % peers.length]);
    neighbours = [...new Set(neighbours)];
  }
  return { ...place, bssid, visible: [...near, ...place.visible], neighbours: neighbours.filter((m) => m !== own), wired };
}
