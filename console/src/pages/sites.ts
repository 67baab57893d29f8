// Company sites: each site's egress ranges, the laptops there now, and the equipment learned
// there (gateways, access points, LAN neighbours: when first and last seen, by how many laptops)
// for review. Admins add a site, drop a learned item that is not the site's, and remove a site;
// analysts and IT read. The server checks the role of every change.
import { h, mount } from '../dom.js';
import { api } from '../api.js';
import { card, errorText, notice, pageHeader, table, tag, toast } from '../components.js';
import { ago, when } from '../format.js';
import { session } from '../session.js';

interface Item { id: number; kind: string; kindName: string; value: string; firstSeenMs: number; lastSeenMs: number; laptops: number; droppedMs: number | null; droppedBy: string | null }
interface Site {
  id: number; name: string; egress: string[]; createdMs: number; createdBy: string;
  equipment: Record<string, number>; dropped: number; laptopsSeen: number; laptopsNow: number; warnings: string[];
}
interface SiteDetail extends Site { items: Item[] }

const counts = (s: Site): string => {
  const e = s.equipment;
  return `${e.gateway_mac ?? 0} gateway(s), ${e.wifi_bssid ?? 0} joined and ${e.visible_bssid ?? 0} visible access point(s), ${e.lan_neighbour_mac ?? 0} LAN neighbour(s)`;
};

export function sitesPage(el: HTMLElement): void {
  const admin = session()?.user.role === 'admin';
  const list = h('div');
  const fail = (err: unknown): void => toast(errorText(err), 'error');

  const siteCard = (d: SiteDetail): HTMLElement => card([d.name, ' ', h('span', { class: 'muted mono' }, d.egress.join(', '))],
    d.warnings.map((w) => notice('error', w)),
    h('p', { class: 'muted' }, `${d.laptopsNow} laptop(s) there now; ${d.laptopsSeen} saw its equipment. Learned: ${counts(d)}${d.dropped ? `; ${d.dropped} dropped` : ''}. Added ${when(d.createdMs)} by ${d.createdBy}.`),
    table([
      { title: 'What', cell: (x: Item) => x.kindName },
      { title: 'Value (keyed hash)', cell: (x) => h('code', null, x.value) },
      { title: 'Laptops', class: 'num', cell: (x) => String(x.laptops) },
      { title: 'Seen', cell: (x) => `${when(x.firstSeenMs)} … ${ago(x.lastSeenMs)}` },
      { title: 'State', cell: (x) => (x.droppedMs ? tag(`dropped by ${x.droppedBy ?? '?'}`, 'warn') : tag('learned', 'ok')) },
      ...(admin ? [{
        title: '', cell: (x: Item) => (x.droppedMs ? '' : h('button', {
          attrs: { type: 'button', title: "not the site's: it links laptops again and is not learned again" },
          on: { click: () => void api.del(`/v1/sites/${d.id}/equipment/${x.id}`).then(() => { toast(`Dropped ${x.kindName} ${x.value} from ${d.name}`, 'ok'); void load(); }, fail) },
        }, 'Drop')),
      }] : []),
    ], d.items, { empty: 'Nothing learned yet: laptops report what they see when they are there.' }),
    admin ? h('div', { class: 'row-actions' }, removeButton(d)) : null);

  /** Removing a site takes two clicks: the first asks, the second removes. */
  const removeButton = (d: SiteDetail): HTMLButtonElement => {
    let asked = false;
    const b = h('button', {
      class: 'remove-site', attrs: { type: 'button' },
      on: {
        click: () => {
          if (!asked) {
            asked = true;
            b.textContent = `Remove ${d.name} and what was learned there?`;
            return;
          }
          void api.del(`/v1/sites/${d.id}`).then(() => { toast(`Removed the site ${d.name}`, 'ok'); void load(); }, fail);
        },
      },
    }, 'Remove site');
    return b;
  };

  const load = async (): Promise<void> => {
    try {
      const sites = await api.get<Site[]>('/v1/sites');
      const details = await Promise.all(sites.map((s) => api.get<SiteDetail>(`/v1/sites/${s.id}`)));
      mount(list, details.length === 0
        ? h('p', { class: 'empty' }, 'No site yet. A site is a place of the company\'s own (an office, a branch), named with the egress ranges its laptops come out of.')
        : details.map(siteCard));
    } catch (err) {
      mount(list, notice('error', errorText(err)));
    }
  };

  const name = h('input', { attrs: { id: 'site-name', required: true, maxlength: 64, placeholder: 'HQ Berlin' } });
  const egress = h('input', { attrs: { id: 'site-egress', required: true, maxlength: 1000, placeholder: '203.0.113.0/24, 2001:db8:4::/48', size: 40 } });
  const add = h('form', {
    class: 'inline-form', on: {
      submit: (e) => {
        e.preventDefault();
        const ranges = egress.value.split(/[\s,]+/).filter((x) => x !== '');
        api.post<SiteDetail>('/v1/sites', { name: name.value.trim(), egress: ranges }).then((s) => {
          toast(`Added the site ${s.name}`, 'ok');
          name.value = '';
          egress.value = '';
          void load();
        }, fail);
      },
    },
  }, h('label', { attrs: { for: 'site-name' } }, 'Name'), name, h('label', { attrs: { for: 'site-egress' } }, 'Egress (CIDR)'), egress,
  h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Add site'));

  mount(el, pageHeader('Company sites'),
    h('p', { class: 'hint' }, 'A laptop whose address is in a site\'s egress is at a company place: that address is no location and links no laptops, and the gateways, '
      + 'access points and LAN neighbours it sees there are learned as the site\'s equipment, which links no laptops wherever they see it. Drop an item that is not the site\'s.'),
    admin ? card('Add a site', add) : null,
    list);
  void load();
}
