// Company sites over the API: everyone reads them (admin, analyst, IT), admins change them. The
// same operations as `farmwatch-collector sites` (src/sites/ops.ts); a change applies at once in
// this collector (the engine reloads sites and re-scores the clusters a site's values joined).
import type { Collector } from '../app.js';
import { SiteError } from '../sites/egress.js';
import { addSite, dropEquipment, findSite, removeSite, siteDetail, siteSummaries } from '../sites/ops.js';
import { ApiError, actor, type Routes } from './route.js';
import { NUMERIC_ID, wholeNumber } from './paging.js';

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SiteError) throw new ApiError(err.statusCode, err.message);
    throw err;
  }
}

const ITEM = { type: 'object', required: ['id', 'item'], properties: { id: wholeNumber(1, Number.MAX_SAFE_INTEGER), item: wholeNumber(1, Number.MAX_SAFE_INTEGER) } } as const;

export function siteRoutes(routes: Routes, c: Collector): void {
  const store = c.store;
  /** This collector applies an admin's change now (the sweep would within a minute). */
  const applied = (): void => c.bus.publish(c.fleet.reloadSites(true));
  routes.add({
    method: 'GET', url: '/v1/sites', roles: ['admin', 'analyst', 'it'], tag: 'fleet',
    summary: 'Company sites: egress ranges, laptops there now, equipment learned (counts by kind), warnings',
    handler: () => siteSummaries(store),
  });
  routes.add({
    method: 'POST', url: '/v1/sites', roles: ['admin'], tag: 'fleet',
    summary: 'Add a company site: its egress links and locates no laptop, and what laptops see there is learned as its equipment',
    body: {
      type: 'object', required: ['name', 'egress'], additionalProperties: false, properties: {
        name: { type: 'string', minLength: 1, maxLength: 64, description: 'what the site is called ("HQ Berlin")' },
        egress: {
          type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 64 },
          description: 'the egress ranges (CIDR, IPv4 or IPv6; an address alone is one address) its laptops come out of',
        },
      },
    },
    handler: (req, reply) => {
      const b = req.body as { name: string; egress: string[] };
      const site = wrap(() => addSite(store, b.name, b.egress, actor(req)));
      applied();
      void reply.status(201);
      return siteDetail(store, site);
    },
  });
  routes.add({
    method: 'GET', url: '/v1/sites/:id', roles: ['admin', 'analyst', 'it'], tag: 'fleet', params: NUMERIC_ID,
    summary: 'One company site with the equipment learned there (gateways, access points, LAN neighbours: first and last seen, how many laptops saw each)',
    handler: (req) => wrap(() => siteDetail(store, findSite(store, (req.params as { id: number }).id))),
  });
  routes.add({
    method: 'DELETE', url: '/v1/sites/:id', roles: ['admin'], tag: 'fleet', params: NUMERIC_ID,
    summary: 'Remove a company site and what was learned there',
    handler: (req) => {
      const site = wrap(() => findSite(store, (req.params as { id: number }).id));
      wrap(() => removeSite(store, site, actor(req)));
      applied();
      return { removed: site.id, name: site.name };
    },
  });
  routes.add({
    method: 'DELETE', url: '/v1/sites/:id/equipment/:item', roles: ['admin'], tag: 'fleet', params: ITEM,
    summary: "Drop a learned item that is not the site's: it links laptops again and is not learned again",
    handler: (req) => {
      const p = req.params as { id: number; item: number };
      const site = wrap(() => findSite(store, p.id));
      const row = wrap(() => dropEquipment(store, site, p.item, actor(req)));
      applied();
      return row;
    },
  });
}
