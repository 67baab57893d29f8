// The fleet at a glance: open alerts by severity and farm clusters, alerts raised over time, the
// agents (reporting, silent, stopped, never reported) and the most severe open alerts; live.
import { h, mount } from '../dom.js';
import { api } from '../api.js';
import { card, errorText, link, notice, pageHeader, severityBadge, statusBadge, table } from '../components.js';
import { ago, duration, SEVERITIES } from '../format.js';
import { trendChart, type Bucket } from '../charts.js';
import { onAlert } from '../live.js';

interface Overview {
  range: string; bucketMs: number; farmClusters: number; silentAfterMs: number;
  bySeverity: Record<string, { open: number; acknowledged: number; resolved: number; false_positive: number }>;
  trend: Bucket[];
  agents: { online: number; silent: number; stopped: number; never_reported: number; not_enrolled: number; revoked: number };
}
interface AlertItem { id: number; title: string; severity: string; status: string; score: number; firstSeenMs: number; scope: string; memberCount: number; hostname: string }

export function fleetPage(el: HTMLElement, _p: Record<string, string>, query: URLSearchParams): () => void {
  let range = ['24h', '7d', '30d'].includes(query.get('range') ?? '') ? (query.get('range') as string) : '7d';
  const body = h('div');
  const load = async (): Promise<void> => {
    try {
      const [o, top] = await Promise.all([
        api.get<Overview>('/v1/fleet/overview', { range }),
        api.get<{ items: AlertItem[] }>('/v1/alerts', { status: 'active', sort: 'severity', limit: 8 }),
      ]);
      draw(o, top.items);
    } catch (err) {
      mount(body, notice('error', errorText(err)));
    }
  };
  const rangeButtons = (): HTMLElement => h('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'trend range' } },
    ['24h', '7d', '30d'].map((r) => h('button', {
      class: r === range ? 'active' : '', attrs: { type: 'button', 'aria-pressed': r === range ? 'true' : 'false' },
      on: { click: () => { range = r; history.replaceState(null, '', `/fleet?range=${r}`); void load(); } },
    }, r)));

  function draw(o: Overview, top: AlertItem[]): void {
    const active = (s: string): number => (o.bySeverity[s]?.open ?? 0) + (o.bySeverity[s]?.acknowledged ?? 0);
    const a = o.agents;
    mount(body,
      h('div', { class: 'tiles' },
        SEVERITIES.map((s) => link(`/alerts?severity=${s}`, h('div', { class: `tile sev-tile-${s}` }, h('div', { class: 'tile-n' }, String(active(s))), h('div', { class: 'tile-label' }, s), h('div', { class: 'tile-sub' }, 'open or acknowledged')))),
        link('/clusters', h('div', { class: 'tile tile-farm' }, h('div', { class: 'tile-n' }, String(o.farmClusters)), h('div', { class: 'tile-label' }, 'farm clusters'), h('div', { class: 'tile-sub' }, 'open or acknowledged')))),
      h('div', { class: 'grid-2 wide-left' },
        card(['Alerts raised ', h('span', { class: 'muted' }, `per ${o.bucketMs < 86_400_000 ? 'hour' : 'day'}, last ${o.range}`), rangeButtons()], trendChart(o.trend, o.bucketMs)),
        card('Agents', h('ul', { class: 'agent-counts' },
          h('li', null, h('span', { class: 'agent agent-online' }, 'reporting'), h('b', null, String(a.online))),
          h('li', null, h('span', { class: 'agent agent-silent' }, `silent > ${duration(o.silentAfterMs)}`), h('b', null, String(a.silent))),
          h('li', null, h('span', { class: 'agent agent-stopped' }, 'stopped'), h('b', null, String(a.stopped))),
          h('li', null, h('span', { class: 'agent agent-never_reported' }, 'never reported'), h('b', null, String(a.never_reported))),
          h('li', null, h('span', { class: 'agent agent-not_enrolled' }, 'registered, not enrolled'), h('b', null, String(a.not_enrolled))),
          h('li', null, h('span', { class: 'agent' }, 'revoked'), h('b', null, String(a.revoked)))),
        h('p', null, link('/devices', 'All devices →')))),
      card('Most severe open alerts', table([
        { title: '', cell: (x: AlertItem) => severityBadge(x.severity) }, { title: 'Score', class: 'num', cell: (x) => (x.score > 0 ? String(x.score) : '—') },
        { title: 'Alert', class: 'wide', cell: (x) => link(`/alerts/${x.id}`, x.title) },
        { title: 'Laptops', cell: (x) => (x.scope === 'cluster' ? `${x.memberCount} laptops` : x.hostname) },
        { title: 'Status', cell: (x) => statusBadge(x.status) }, { title: 'Age', class: 'nowrap', cell: (x) => ago(x.firstSeenMs) },
      ], top, { empty: 'No open alert.' }), h('p', null, link('/alerts', 'The whole queue →'))));
  }

  mount(el, pageHeader('Fleet overview'), body);
  void load();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = onAlert(() => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), 500);
  });
  return () => {
    off();
    clearTimeout(timer);
  };
}
