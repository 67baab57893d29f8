// The admin's set-up of the company's own places: the head office registered as a company site
// (POST /v1/sites: its name and egress ranges). A collector without the sites API (404) gets the
// head office's egress as a network exclusion instead, as admins did before there were sites.

/**
 * Registers `site` ({ name, egress: [cidr] }) on the collector `c` (its `api` and admin `token`).
 * Returns how: 'site', or 'exclusion' when the collector has no sites API.
 */
export async function registerSite(c, site) {
  const res = await fetch(`${c.api}/v1/sites`, {
    method: 'POST', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' }, body: JSON.stringify(site),
  });
  if (res.status === 404 || res.status === 405) {
    await res.body?.cancel();
    for (const cidr of site.egress) await c.call('POST', '/v1/exclusions', { kind: 'network', value: cidr, reason: `${site.name}: company egress` });
    return 'exclusion';
  }
  if (res.status >= 400) throw new Error(`POST /v1/sites: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
  return 'site';
}
