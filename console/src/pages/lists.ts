// The lists behind the menu: farm clusters (highest score first) and devices (search, state).
import { h, mount } from '../dom.js';
import { api } from '../api.js';
import { card, demoTag, errorText, link, notice, pageHeader, render, severityBadge, table, tag } from '../components.js';
import { ago, KIND_NAMES } from '../format.js';

interface Cluster {
  id: string; members: string[]; people: string[]; score: number; severity: string; farmCandidate: boolean;
  edges: { kind: string }[]; devices: { id: string; hostname: string; assignee: string }[];
}

export function clustersPage(el: HTMLElement): void {
  void render(el, async () => {
    const r = await api.get<{ items: Cluster[]; total: number; hubs: { kind: string; value: string; devices: number }[] }>('/v1/clusters', { limit: 500 });
    return [
      pageHeader('Farm clusters', h('span', { class: 'muted' }, `${r.total} cluster(s) of laptops that share a home, a KVM or a remote-access peer`)),
      card(null, table([
        { title: '', cell: (c: Cluster) => severityBadge(c.severity) }, { title: 'Score', class: 'num', cell: (c) => String(c.score) },
        { title: 'Laptops', cell: (c) => link(`/clusters/${encodeURIComponent(c.members[0] ?? '')}`, `${c.members.length} laptops`) },
        { title: 'People', class: 'wide', cell: (c) => [c.people.join(', '), c.farmCandidate ? null : h('div', { class: 'sub' }, 'one person: no farm case')] },
        { title: 'Shared', cell: (c) => [...new Set(c.edges.map((e) => e.kind))].map((k) => tag(KIND_NAMES[k] ?? k)) },
      ], r.items, { empty: 'No two laptops share anything.' })),
      r.hubs.length > 0 ? card('Hubs (too many laptops share these: they link nobody; exclude them)', table([
        { title: 'Kind', cell: (x: { kind: string; value: string; devices: number }) => KIND_NAMES[x.kind] ?? x.kind }, { title: 'Value', cell: (x) => h('code', null, x.value) }, { title: 'Laptops', cell: (x) => String(x.devices) },
      ], r.hubs)) : null,
    ];
  });
}

interface DeviceRow {
  id: string; state: string; demo: boolean;
  registration: { serial: string; assigneeName: string; assigneeEmail: string; shipTo: string } | null;
  device: { hostname: string; lastSeenMs: number; publicIp: string } | null;
}

export function devicesPage(el: HTMLElement, _p: Record<string, string>, query: URLSearchParams): void {
  const state = { q: query.get('q') ?? '', state: query.get('state') ?? '', offset: 0 };
  const body = h('div');
  const load = async (): Promise<void> => {
    try {
      const r = await api.get<{ items: DeviceRow[]; total: number; offset: number }>('/v1/devices', { q: state.q || undefined, state: state.state || undefined, limit: 100, offset: state.offset });
      mount(body, h('p', { class: 'muted' }, `${r.total} device(s)`), table([
        { title: 'Laptop', cell: (d: DeviceRow) => [link(`/devices/${encodeURIComponent(d.id)}`, d.device?.hostname || d.registration?.serial || d.id), d.demo ? [' ', demoTag()] : null] },
        { title: 'Serial', cell: (d) => d.registration?.serial ?? '—' },
        { title: 'Assigned to', class: 'wide', cell: (d) => (d.registration ? `${d.registration.assigneeName} <${d.registration.assigneeEmail}>` : 'not registered') },
        { title: 'Ship-to', cell: (d) => d.registration?.shipTo ?? '—' },
        { title: 'State', cell: (d) => tag(d.state, d.state === 'reporting' ? 'ok' : d.state === 'revoked' || d.state === 'stopped' ? 'warn' : '') },
        { title: 'Last seen', cell: (d) => ago(d.device?.lastSeenMs) },
      ], r.items, { empty: 'No device matches.' }),
      h('div', { class: 'pager' },
        h('button', { attrs: { type: 'button' }, props: { disabled: state.offset === 0 }, on: { click: () => { state.offset = Math.max(0, state.offset - 100); void load(); } } }, '‹ Previous'),
        h('button', { attrs: { type: 'button' }, props: { disabled: state.offset + 100 >= r.total }, on: { click: () => { state.offset += 100; void load(); } } }, 'Next ›')));
    } catch (err) {
      mount(body, notice('error', errorText(err)));
    }
  };
  const search = h('input', { attrs: { type: 'search', placeholder: 'hostname, serial, person…', 'aria-label': 'Search devices' }, props: { value: state.q } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; void load(); }, 300);
  });
  const states = h('select', { attrs: { 'aria-label': 'State' }, on: { change: (e) => { state.state = (e.target as HTMLSelectElement).value; state.offset = 0; void load(); } } },
    [['', 'Any state'], ['registered', 'Registered'], ['enrolled', 'Enrolled'], ['reporting', 'Reporting'], ['stopped', 'Stopped'], ['revoked', 'Revoked'], ['unregistered', 'Unregistered']]
      .map(([v, t]) => h('option', { attrs: { value: v ?? '' }, props: { selected: state.state === v } }, t ?? '')));
  mount(el, pageHeader('Devices'), h('div', { class: 'filters' }, search, states), body);
  void load();
}
