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

/** A city with its names normalized once (normalizing the whole table per laptop made a CSV import of thousands of rows take minutes). */
interface Normalized {
  c: City;
  names: string[];
  regions: string[];
  countries: string[];
}

let normalized: Normalized[] | undefined;
const byCountry = new Map<string, Normalized[]>();

/** The cities of a country given by name or ISO code, normalized. */
function citiesOf(country: string): Normalized[] {
  const n = norm(country);
  let found = byCountry.get(n);
  if (!found) {
    normalized ??= table().map((c) => ({ c, names: [norm(c.city), norm(c.city_ascii)], regions: [norm(c.province), norm(c.state_ansi ?? '')], countries: [norm(c.country), norm(c.iso2), norm(c.iso3)] }));
    found = normalized.filter((x) => x.countries.includes(n) || (x.c.iso2 === 'US' && ['usa', 'united states', 'us'].includes(n))
      || (x.c.iso2 === 'GB' && ['uk', 'united kingdom', 'great britain'].includes(n)));
    byCountry.set(n, found);
  }
  return found;
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
  const inCountry = citiesOf(country);
  if (inCountry.length === 0) {
    throw new Error(`ship-to country "${country}" is not a country this collector knows: use its name or ISO code ("US", "Germany")`);
  }
  const wantedCity = norm(city);
  const wantedRegion = norm(region);
  const byCity = inCountry.filter((x) => x.names.includes(wantedCity));
  const byRegion = region ? byCity.filter((x) => x.regions.includes(wantedRegion)) : byCity;
  const best = [...(byRegion.length > 0 ? byRegion : byCity)].sort((a, b) => b.c.pop - a.c.pop)[0]?.c;
  const iso2 = (inCountry[0] as Normalized).c.iso2;
  return {
    city, region, country, countryCode: iso2,
    lat: best ? best.lat : null, lon: best ? best.lng : null, cityTimeZone: best?.timezone ?? '',
  };
}
