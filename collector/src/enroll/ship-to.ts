// Where IT ships a laptop: "City, Region, Country" resolved offline to a country code and
// coordinates, from the city table of the city-timezones package (MIT; see collector/NOTICE).
import { createRequire } from 'node:module';

interface City {
  city: string;
  city_ascii: string;
  lat: number;
  lng: number;
  pop: number;
  country: string;
  iso2: string;
  iso3: string;
  province: string;
  state_ansi?: string;
  timezone: string;
}

const require = createRequire(import.meta.url);
let cities: City[] | undefined;
const table = (): City[] => (cities ??= (require('city-timezones') as { cityMapping: City[] }).cityMapping);

export interface ShipTo {
  city: string;
  region: string;
  country: string;
  /** ISO 3166-1 alpha-2, when the country is known. */
  countryCode: string;
  lat: number | null;
  lon: number | null;
  /** The time zone of the matched city, when one matched. */
  cityTimeZone: string;
}

const norm = (s: string | number | null | undefined): string => String(s ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase();

function countryMatches(c: City, country: string): boolean {
  const n = norm(country);
  return [c.country, c.iso2, c.iso3].some((v) => norm(v) === n) || (c.iso2 === 'US' && ['usa', 'united states', 'us'].includes(n))
    || (c.iso2 === 'GB' && ['uk', 'united kingdom', 'great britain'].includes(n));
}

/** Parses "City, Region, Country" (Region optional). Throws with what is wrong. */
export function parseShipTo(text: string): ShipTo {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length < 2 || parts.length > 3) {
    throw new Error(`ship-to "${text}" should be "City, Region, Country" (for example "Austin, Texas, US")`);
  }
  const city = parts[0] as string;
  const country = parts[parts.length - 1] as string;
  const region = parts.length === 3 ? (parts[1] as string) : '';
  const inCountry = table().filter((c) => countryMatches(c, country));
  if (inCountry.length === 0) {
    throw new Error(`ship-to country "${country}" is not a country this collector knows: use its name or ISO code ("US", "Germany")`);
  }
  const byCity = inCountry.filter((c) => norm(c.city) === norm(city) || norm(c.city_ascii) === norm(city));
  const byRegion = region
    ? byCity.filter((c) => norm(c.province) === norm(region) || norm(c.state_ansi ?? '') === norm(region))
    : byCity;
  const best = (byRegion.length > 0 ? byRegion : byCity).sort((a, b) => b.pop - a.pop)[0];
  const iso2 = (inCountry[0] as City).iso2;
  return {
    city, region, country, countryCode: iso2,
    lat: best ? best.lat : null, lon: best ? best.lng : null, cityTimeZone: best?.timezone ?? '',
  };
}
