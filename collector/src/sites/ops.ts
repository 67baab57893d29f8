// What an admin does with company sites, the same from the CLI (`farmwatch-collector sites`) and
// the API (/v1/sites): add one (a name and its egress ranges), list them, look at one with the
// equipment learned there, drop a learned item that is not the site's, remove a site. Every
// change is audited (target site:ID) and bumps the marker a running collector reloads sites by.
import type { Store } from '../store/store.js';
import { auditTarget } from '../store/audit-target.js';
import { inCidr, parseCidr } from '../enrich/ip.js';
import { LEARNED_KINDS, type EquipmentRow, type LearnedKind, type SiteRow } from './records.js';
import { SiteError, egressList, siteName } from './egress.js';
import { markSitesChanged } from './site-watch.js';

export interface SiteSummary extends SiteRow {
  /** Learned equipment (not dropped) by kind. */
  equipment: Record<LearnedKind, number>;
  dropped: number;
  /** Laptops that saw any of its equipment. */
  laptopsSeen: number;
  /** Laptops whose stream comes from its egress now. */
  laptopsNow: number;
  /** What looks wrong with the site, for the admin. */
  warnings: string[];
}

export interface SiteDetail extends SiteSummary {
  items: (EquipmentRow & { kindName: string })[];
}

/**
 * An office's laptops share a few gateways. Many different gateways, about one per laptop, say
 * the egress is not one place (a VPN concentrator, a carrier NAT), where learning would silence
 * every home behind it.
 */
export const MANY_GATEWAYS = 5;

/** A site by id or name; an unknown one is a 404 that says where to look. */
export function findSite(store: Store, ref: string | number): SiteRow {
  const text = String(ref).trim();
  const site = (/^\d+$/.test(text) ? store.sites.byId(Number(text)) : undefined) ?? store.sites.byName(text);
  if (!site) throw new SiteError(404, `there is no site "${text}": \`farmwatch-collector sites list\` (or GET /v1/sites) shows the sites`);
  return site;
}

export function addSite(store: Store, name: string, egress: readonly string[], actor: string, nowMs = Date.now()): SiteRow {
  const n = siteName(name);
  const existing = store.sites.byName(n);
  if (existing) throw new SiteError(409, `there is already a site "${existing.name}" (id ${existing.id}): remove it first to change its egress, or pick another name`);
  const ranges = egressList(egress, store.sites.list());
  const site = store.sites.add(n, ranges, actor, nowMs);
  store.alerts.audit(actor, 'site.add', auditTarget.site(site.id), `${site.name}: egress ${site.egress.join(', ')}`, nowMs);
  markSitesChanged(store, nowMs);
  return site;
}

export function removeSite(store: Store, site: SiteRow, actor: string, nowMs = Date.now()): void {
  if (!store.sites.remove(site.id)) throw new SiteError(404, `there is no site ${site.id} any more`);
  store.alerts.audit(actor, 'site.remove', auditTarget.site(site.id), `${site.name}: egress ${site.egress.join(', ')}`, nowMs);
  markSitesChanged(store, nowMs);
}

/** The admin says a learned item is not the site's: it links laptops again and is not learned again. */
export function dropEquipment(store: Store, site: SiteRow, equipmentId: number, actor: string, nowMs = Date.now()): EquipmentRow {
  const before = store.sites.equipment(site.id).find((e) => e.id === equipmentId);
  if (!before) throw new SiteError(404, `the site "${site.name}" has no learned item ${equipmentId}: \`farmwatch-collector sites show "${site.name}"\` lists them with their ids`);
  if (before.droppedMs !== null) throw new SiteError(409, `item ${equipmentId} of the site "${site.name}" was already dropped by ${before.droppedBy ?? '?'}`);
  const row = store.sites.drop(site.id, equipmentId, actor, nowMs) as EquipmentRow;
  store.alerts.audit(actor, 'site.drop', auditTarget.site(site.id), `${site.name}: ${LEARNED_KINDS[before.kind]} ${before.value} (seen by ${before.laptops} laptop(s)) is not the site's`, nowMs);
  markSitesChanged(store, nowMs);
  return row;
}

function summary(store: Store, site: SiteRow, items: EquipmentRow[], devices: { publicIp: string }[]): SiteSummary {
  const equipment = Object.fromEntries(Object.keys(LEARNED_KINDS).map((k) => [k, 0])) as Record<LearnedKind, number>;
  for (const e of items) if (e.droppedMs === null) equipment[e.kind]++;
  const ranges = site.egress.map((e) => parseCidr(e));
  const laptopsSeen = store.sites.laptops(site.id);
  const warnings: string[] = [];
  if (equipment.gateway_mac >= MANY_GATEWAYS && equipment.gateway_mac * 2 > laptopsSeen) {
    warnings.push(`${equipment.gateway_mac} different gateways for ${laptopsSeen} laptops: an office's laptops share a few; this egress looks like a VPN concentrator or a shared NAT, `
      + 'not one place, and its learned equipment keeps homes behind it from linking. Remove the site and use `farmwatch-collector exclusions add network CIDR` instead.');
  }
  return {
    ...site, equipment, dropped: items.filter((e) => e.droppedMs !== null).length, laptopsSeen,
    laptopsNow: devices.filter((d) => d.publicIp && ranges.some((r) => inCidr(d.publicIp, r))).length, warnings,
  };
}

export function siteSummaries(store: Store): SiteSummary[] {
  const devices = store.listDevices();
  return store.sites.list().map((s) => summary(store, s, store.sites.equipment(s.id), devices));
}

export function siteDetail(store: Store, site: SiteRow): SiteDetail {
  const items = store.sites.equipment(site.id);
  return { ...summary(store, site, items, store.listDevices()), items: items.map((e) => ({ ...e, kindName: LEARNED_KINDS[e.kind] })) };
}

/** The site whose egress holds this address (for views outside the running collector: the CLI). */
export function siteOfAddress(store: Store, ip: string): Pick<SiteRow, 'id' | 'name'> | undefined {
  if (!ip) return undefined;
  const s = store.sites.list().find((x) => x.egress.some((e) => inCidr(ip, parseCidr(e))));
  return s ? { id: s.id, name: s.name } : undefined;
}
