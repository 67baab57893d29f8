// farmwatch-collector sites: the company's own places (offices, branches) by the egress ranges
// their laptops come out of. A laptop there is at a company place: its address is no location,
// and the gateways, access points and LAN neighbours it sees there are learned as the site's
// equipment, which links no laptops (src/sites).
import { repeatable, type Command } from '@farmwatch/shared';
import type { SqliteStore } from '../store/sqlite-store.js';
import { SiteError } from '../sites/egress.js';
import { addSite, dropEquipment, findSite, removeSite, siteDetail, siteSummaries, type SiteSummary } from '../sites/ops.js';
import { LEARNED_KINDS } from '../sites/records.js';
import { DEFAULT_DB, cliActor, command, dbOption, exits, iso, jsonOption, openStore, required, UsageError } from './args.js';
import { table } from './table.js';

interface Db { db: string; json?: boolean }

/** Runs `fn` on the database; a site problem is a usage error (exit 2) that says what to do. */
function withStore(db: string, opts: { readonly?: boolean; create?: boolean }, fn: (store: SqliteStore) => number): number {
  const store = openStore(db, opts);
  try {
    return fn(store);
  } catch (err) {
    if (err instanceof SiteError) throw new UsageError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

const out = (text: string): void => void process.stdout.write(text);
const json = (value: unknown): void => out(JSON.stringify(value, null, 2) + '\n');

function counts(s: SiteSummary): string {
  const e = s.equipment;
  return `${e.gateway_mac} gateway(s), ${e.wifi_bssid} joined and ${e.visible_bssid} visible access point(s), ${e.lan_neighbour_mac} LAN neighbour(s)`;
}

export function sitesCommands(program: Command): void {
  const group = command(program, 'sites', 'company sites (offices, branches): their egress links and locates no laptop; their equipment is learned');
  group.addHelpText('after', `
A company site is a place of the company's own, named with the egress ranges (CIDR, IPv4 or IPv6)
its laptops come out of. While a laptop's address is in a site's egress it is at a company place:
no location or country signal from that address, no co-location link, and the gateways, Wi-Fi
access points and LAN neighbours it sees there are learned as the site's equipment, which links no
laptops wherever they see it (the helpdesk office reached through the site's gateway). \`sites
show\` lists what was learned; \`sites drop\` removes an item that is not the site's. A running
collector picks changes up within a minute. Every command takes --db FILE (default ${DEFAULT_DB}).

  farmwatch-collector sites add "HQ Berlin" --egress 203.0.113.0/24,2001:db8:4::/48`);

  command(group, 'add', 'add a site: a name and its egress ranges')
    .argument('<name>', 'what the site is called ("HQ Berlin")')
    .option('--egress <cidr,...>', 'the site\'s egress ranges, comma-separated or repeated (required)', repeatable)
    .addOption(jsonOption())
    .addOption(dbOption())
    .hook('preAction', required('--egress'))
    .action(exits((name: string, o: Db & { egress: string[] }) => withStore(o.db, { create: true }, (store) => {
      const site = addSite(store, name, o.egress, cliActor());
      if (o.json) json(site);
      else out(`Site ${site.id} "${site.name}": egress ${site.egress.join(', ')}. Laptops coming from there are at a company place; what they see there is learned.\n`);
      return 0;
    })));

  command(group, 'list', 'the sites, their egress and how much was learned at each')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((o: Db) => withStore(o.db, { readonly: true }, (store) => {
      const sites = siteSummaries(store);
      if (o.json) json(sites);
      else if (sites.length === 0) out('No site. Add one with `farmwatch-collector sites add NAME --egress CIDR[,CIDR...]`.\n');
      else {
        out(table(['ID', 'NAME', 'EGRESS', 'LAPTOPS NOW', 'LEARNED', 'SINCE'],
          sites.map((s) => [String(s.id), s.name, s.egress.join(', '), String(s.laptopsNow), counts(s), iso(s.createdMs)])));
        for (const s of sites) for (const w of s.warnings) out(`\nWarning, site "${s.name}": ${w}\n`);
      }
      return 0;
    })));

  command(group, 'show', 'one site: its egress and the equipment learned there, with ids for `sites drop`')
    .argument('<name>', 'the site\'s name or id')
    .addOption(jsonOption())
    .addOption(dbOption())
    .action(exits((name: string, o: Db) => withStore(o.db, { readonly: true }, (store) => {
      const d = siteDetail(store, findSite(store, name));
      if (o.json) {
        json(d);
        return 0;
      }
      out(`Site ${d.id} "${d.name}", added ${iso(d.createdMs)} by ${d.createdBy}\n  egress ${d.egress.join(', ')}\n  laptops there now: ${d.laptopsNow}; laptops that saw its equipment: ${d.laptopsSeen}\n  learned: ${counts(d)}${d.dropped ? `; ${d.dropped} dropped` : ''}\n`);
      for (const w of d.warnings) out(`  warning: ${w}\n`);
      if (d.items.length === 0) out('\nNothing learned yet: laptops report what they see when they are there.\n');
      else {
        out('\n' + table(['ID', 'KIND', 'VALUE', 'LAPTOPS', 'FIRST SEEN', 'LAST SEEN', 'STATE'],
          d.items.map((e) => [String(e.id), LEARNED_KINDS[e.kind], e.value, String(e.laptops), iso(e.firstSeenMs), iso(e.lastSeenMs), e.droppedMs ? `dropped by ${e.droppedBy ?? '?'}` : 'learned'])));
      }
      return 0;
    })));

  command(group, 'drop', 'drop a learned item that is not the site\'s: it links laptops again and is not learned again')
    .argument('<name>', 'the site\'s name or id')
    .argument('<item>', 'the item\'s id, from `sites show`')
    .addOption(dbOption())
    .action(exits((name: string, item: string, o: Db) => withStore(o.db, {}, (store) => {
      if (!/^\d+$/.test(item)) throw new UsageError(`"${item}" is not an item id: give the number \`farmwatch-collector sites show "${name}"\` shows`);
      const site = findSite(store, name);
      const e = dropEquipment(store, site, Number(item), cliActor());
      out(`Dropped ${LEARNED_KINDS[e.kind]} ${e.value} from the site "${site.name}": it links laptops again.\n`);
      return 0;
    })));

  command(group, 'remove', 'remove a site and what was learned there')
    .argument('<name>', 'the site\'s name or id')
    .addOption(dbOption())
    .action(exits((name: string, o: Db) => withStore(o.db, {}, (store) => {
      const site = findSite(store, name);
      removeSite(store, site, cliActor());
      out(`Site ${site.id} "${site.name}" removed, with what was learned there.\n`);
      return 0;
    })));
}
