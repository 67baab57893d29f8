// Where a laptop was shipped against where it is seen: every public address the collector saw it
// come from (residential, VPN or hosting, with the GeoIP place and the distance to the ship-to
// city), where the remote-access sessions on it came from, and the relays its tools connect through.
import type { Enricher, IpInfo } from '../../enrich/enricher.js';
import type { RegistrationRow, ObservationRow } from '../../store/fleet-records.js';
import { isPublicIp } from '../../enrich/ip.js';
import { distanceKm } from '../../rules/geo.js';

export interface Place {
  ip: string;
  via: string;
  firstSeenMs: number;
  lastSeenMs: number;
  count: number;
  /** The address the laptop's stream comes from now. */
  current: boolean;
  place: string;
  countryCode: string;
  lat: number | null;
  lon: number | null;
  asn: number | null;
  org: string;
  network: { kind: string; name: string };
  /** Great-circle distance to the ship-to city; null when either is unknown. */
  distanceKm: number | null;
  /** The distance says nothing: a VPN or hosting exit is not where the laptop is. */
  locatesLaptop: boolean;
}

export interface Locations {
  shipTo: { place: string; country: string; lat: number | null; lon: number | null; timeZone: string } | null;
  farKm: number;
  observed: Place[];
  peers: Place[];
  /** Relay and rendezvous servers the laptop's remote-access tools connect to (vendors' servers, unless one is a VPN exit). */
  relays: Place[];
}

function describe(info: IpInfo, o: Pick<ObservationRow, 'via' | 'firstSeenMs' | 'lastSeenMs' | 'count'>, reg: RegistrationRow | undefined, current: boolean): Place {
  const g = info.geo;
  const km = g && reg?.shipLat != null && reg.shipLon != null ? Math.round(distanceKm({ lat: g.lat, lon: g.lon }, { lat: reg.shipLat, lon: reg.shipLon })) : null;
  return {
    ip: info.ip, via: o.via, firstSeenMs: o.firstSeenMs, lastSeenMs: o.lastSeenMs, count: o.count, current,
    place: g ? [g.city, g.region, g.countryCode].filter(Boolean).join(', ') : info.public ? 'unknown place' : 'private address',
    countryCode: g?.countryCode ?? '', lat: g?.lat ?? null, lon: g?.lon ?? null, asn: info.asn ?? null, org: info.org ?? '',
    network: { kind: info.network.kind, name: info.network.name }, distanceKm: km, locatesLaptop: info.public && info.network.kind === 'other',
  };
}

export function deviceLocations(opts: {
  registration: RegistrationRow | undefined; observations: ObservationRow[]; currentIp: string; enricher: Enricher; farKm: number;
}): Locations {
  const reg = opts.registration;
  const byTime = (a: Place, b: Place): number => b.lastSeenMs - a.lastSeenMs;
  const observed = opts.observations.filter((o) => o.kind === 'public_ip')
    .map((o) => describe(opts.enricher.lookup(o.valueKey), o, reg, o.valueKey === opts.currentIp)).sort(byTime);
  if (opts.currentIp && !observed.some((p) => p.ip === opts.currentIp)) {
    // A private or loopback address (a laptop on the collector's own network) is shown, not located.
    observed.unshift(describe(opts.enricher.lookup(opts.currentIp), { via: 'collector', firstSeenMs: 0, lastSeenMs: 0, count: 0 }, reg, true));
  }
  const peers = opts.observations.filter((o) => o.kind === 'remote_peer_ip' && isPublicIp(o.valueKey))
    .map((o) => describe(opts.enricher.lookup(o.valueKey), o, reg, false)).sort(byTime);
  const relays = opts.observations.filter((o) => o.kind === 'remote_relay_ip' && isPublicIp(o.valueKey))
    .map((o) => describe(opts.enricher.lookup(o.valueKey), o, reg, false)).sort(byTime);
  return {
    shipTo: reg ? { place: reg.shipTo, country: reg.shipCountry, lat: reg.shipLat, lon: reg.shipLon, timeZone: reg.timeZone } : null,
    farKm: opts.farKm, observed, peers, relays,
  };
}
