// The local time zone of a place the GeoIP database located: the zone of the nearest city of the
// same country in the city table of the city-timezones package (MIT; the table ship-to.ts reads),
// or of a city of the same name there. The presence rule reads a place's nights in it.
import { createRequire } from 'node:module';
import type { GeoRecord } from './geoip.js';
import { distanceKm } from '../rules/geo.js';

interface City {
  city: string;
  city_ascii: string;
  lat: number;
  lng: number;
  iso2: string;
  timezone: string;
}

const require = createRequire(import.meta.url);
const byCountry = new Map<string, City[]>();
const cache = new Map<string, string | undefined>();

/** Farther than this from every city of the table, the place's zone is not guessed. */
const MAX_KM = 400;

function citiesOf(iso2: string): City[] {
  let list = byCountry.get(iso2);
  if (!list) {
    list = (require('city-timezones') as { cityMapping: City[] }).cityMapping.filter((c) => c.iso2 === iso2 && !!c.timezone);
    byCountry.set(iso2, list);
  }
  return list;
}

export function timeZoneOfPlace(geo: GeoRecord): string | undefined {
  const key = `${geo.countryCode}|${geo.city}|${geo.lat}|${geo.lon}`;
  if (cache.has(key)) return cache.get(key);
  const cities = citiesOf(geo.countryCode);
  const name = geo.city.toLowerCase();
  let best: City | undefined;
  let bestKm = Infinity;
  for (const c of cities) {
    const km = distanceKm({ lat: geo.lat, lon: geo.lon }, { lat: c.lat, lon: c.lng });
    // A city of the same name nearby is the place itself.
    const d = name && (c.city.toLowerCase() === name || c.city_ascii.toLowerCase() === name) && km < 100 ? 0 : km;
    if (d < bestKm) {
      best = c;
      bestKm = d;
    }
  }
  const zone = best && bestKm <= MAX_KM ? best.timezone : undefined;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, zone);
  return zone;
}
