// Where the device page says a laptop is at a company site: the site of its address now, and a
// site's name on each address of its egress the laptop was seen from (a company place, not a
// location: no "far" for it).
import type { Locations, Place } from '../api/views/device-locations.js';

export type SitePlace = Place & { site: string | null };

export function withSites(loc: Locations, siteOf: (ip: string) => { name: string } | undefined): Omit<Locations, 'observed'> & { observed: SitePlace[] } {
  return { ...loc, observed: loc.observed.map((p) => ({ ...p, site: siteOf(p.ip)?.name ?? null })) };
}
