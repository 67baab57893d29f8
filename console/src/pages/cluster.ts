// A farm cluster: the graph of its laptops and the observations they share, each link clickable
// to its evidence (which laptop saw which value, how, when, how often; the pairs it joins; where
// an address is and whose network it is), the score explained and the people involved.
import { h, mount, type Child } from '../dom.js';
import { api } from '../api.js';
import { buttonLink, card, dl, link, pageHeader, render, severityBadge, statusBadge, table, tag } from '../components.js';
import { ago, KIND_NAMES, KIND_SHORT, when } from '../format.js';
import { signalList, type Signal } from '../signals.js';
import { drawGraph, KIND_COLOURS } from '../graph.js';
import { mapFigure, worldMap, type MapLine, type MapPoint } from '../world-map.js';

interface Node {
  id: string; type: 'laptop' | 'observation'; label: string; kind?: string; weight?: number; hostname?: string; assignee?: string; serial?: string; agent?: string;
  risk?: { score: number; severity: string }; ip?: { place: string; lat: number | null; lon: number | null; org: string; asn: number | null; network: { kind: string; name: string } };
  shipTo?: { place: string; lat: number | null; lon: number | null };
}
interface Link {
  id: string; source: string; target: string; kind: string; value: string; weight: number;
  evidence: { observation: { via: string; firstSeenMs: number; lastSeenMs: number; count: number } | null; pairs: { a: string; b: string; firstMs: number; lastMs: number }[] };
}
interface Graph {
  id: string; members: string[]; people: string[]; score: number; severity: string; farmCandidate: boolean; signals: Signal[]; truncated: boolean;
  alert: { id: number; status: string; severity: string; title: string } | null; nodes: Node[]; links: Link[];
  map: { farKm: number; lines: { laptop: string; node: string; km: number; far: boolean }[] };
}

/** Where the laptops were shipped, the home addresses they share and the peers that drive them. */
function clusterMap(g: Graph): HTMLElement {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const points: MapPoint[] = [];
  const lines: MapLine[] = [];
  const farNodes = new Set(g.map.lines.filter((l) => l.far).map((l) => l.node));
  for (const n of g.nodes) {
    if (n.type === 'laptop' && n.shipTo && n.shipTo.lat !== null && n.shipTo.lon !== null) {
      points.push({ kind: 'ship-to', lat: n.shipTo.lat, lon: n.shipTo.lon, label: `${n.label} (${n.assignee ?? ''}) shipped to ${n.shipTo.place}` });
    }
    const ip = n.ip;
    if (n.type !== 'observation' || !ip || ip.lat === null || ip.lon === null) continue;
    const laptops = g.links.filter((l) => l.target === n.id).length;
    if (n.kind === 'public_ip') {
      points.push({ kind: 'seen', lat: ip.lat, lon: ip.lon, ip: n.label, far: farNodes.has(n.id), label: `${n.label}: ${ip.place}, home address of ${laptops} of these laptops` });
    } else if (n.kind === 'remote_peer_ip') {
      points.push({ kind: 'peer', lat: ip.lat, lon: ip.lon, ip: n.label, label: `Remote-access peer ${n.label}: ${ip.place}${ip.network.kind === 'other' ? '' : ` (${ip.network.kind}: ${ip.network.name})`}, drives ${laptops} of these laptops` });
    }
  }
  for (const l of g.map.lines) {
    const from = byId.get(l.laptop)?.shipTo;
    const to = byId.get(l.node)?.ip;
    if (from?.lat != null && from.lon != null && to?.lat != null && to.lon != null) lines.push({ from: { lat: from.lat, lon: from.lon }, to: { lat: to.lat, lon: to.lon }, far: l.far });
  }
  return mapFigure(worldMap(points, lines, 'map of where the laptops were shipped, the addresses they share and the remote-access peers that drive them'), g.map.farKm);
}

export function clusterPage(el: HTMLElement, params: Record<string, string>): void {
  void render(el, async () => {
    const g = await api.get<Graph>(`/v1/clusters/${encodeURIComponent(params.id ?? '')}`);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const name = (id: string): string => byId.get(id)?.label ?? id;
    const panel = h('aside', { class: 'evidence-panel', attrs: { id: 'evidence', 'aria-live': 'polite' } },
      h('h2', null, 'Evidence'), h('p', { class: 'muted' }, 'Click a link between a laptop and a shared value, a laptop or a value in the graph (or a row of the table below) to see its evidence.'));
    const graphBox = h('div', { class: 'graph', attrs: { id: 'cluster-graph', role: 'img', 'aria-label': `graph of ${g.members.length} laptops and what they share` } });

    const ipFacts = (n: Node | undefined): [string, Child][] => (n?.ip ? [['Where (GeoIP)', n.ip.place || 'unknown'], ['Network', [n.ip.network.kind === 'other' ? 'residential / business' : tag(`${n.ip.network.kind}: ${n.ip.network.name}`, 'warn'), n.ip.org ? ` AS${n.ip.asn ?? '?'} ${n.ip.org}` : '']]] : []);
    function showLink(l: Link): void {
      const laptop = byId.get(l.source);
      const value = byId.get(l.target);
      const o = l.evidence.observation;
      mount(panel, h('h2', null, 'Evidence'),
        h('p', { class: 'evidence-title' }, h('span', { class: 'swatch', style: { background: KIND_COLOURS[l.kind] ?? '#6b7a90' } }), `${KIND_NAMES[l.kind] ?? l.kind}: `, h('code', null, l.value)),
        dl([
          ['Laptop', laptop ? link(`/devices/${encodeURIComponent(laptop.id)}`, laptop.label) : l.source],
          ['Assigned to', laptop?.assignee || '—'],
          ...(value?.type === 'laptop' ? [['Other laptop', link(`/devices/${encodeURIComponent(value.id)}`, value.label)] as [string, Child]] : []),
          ['Weight', l.weight > 0 ? `+${l.weight} to the cluster score (each kind counts once)` : 'nothing more: the same place is counted once, by its strongest link'],
          ...(o ? [['Observed via', o.via || 'agent'] as [string, Child], ['First seen', when(o.firstSeenMs)] as [string, Child], ['Last seen', `${when(o.lastSeenMs)} (${ago(o.lastSeenMs)})`] as [string, Child], ['Times', String(o.count)] as [string, Child]] : []),
          ...ipFacts(value),
        ]),
        h('h3', null, 'Laptops this value joins'),
        h('ul', { class: 'pairs' }, l.evidence.pairs.map((p) => h('li', null, `${name(p.a)} — ${name(p.b)}: ${when(p.firstMs)} … ${when(p.lastMs)}`))));
    }
    function showNode(n: Node): void {
      if (n.type === 'laptop') {
        mount(panel, h('h2', null, 'Laptop'), dl([
          ['Hostname', link(`/devices/${encodeURIComponent(n.id)}`, n.hostname || n.id)], ['Assigned to', n.assignee || 'not registered'], ['Serial', n.serial || '—'],
          ['Risk', n.risk ? [severityBadge(n.risk.severity), ` ${n.risk.score}`] : '—'], ['Agent', n.agent ?? '—'],
          ['Shares', `${g.links.filter((l) => l.source === n.id || l.target === n.id).length} value(s) with other laptops`],
        ]));
        return;
      }
      const sharing = g.links.filter((l) => l.target === n.id).map((l) => l.source);
      mount(panel, h('h2', null, KIND_NAMES[n.kind ?? ''] ?? n.kind ?? 'Value'), dl([
        ['Value', h('code', null, n.label)], ['Weight', n.weight ? `+${n.weight}` : 'counted once (the same place)'], ...ipFacts(n),
        ['Seen by', h('ul', { class: 'pairs' }, sharing.map((id) => h('li', null, link(`/devices/${encodeURIComponent(id)}`, name(id)))))],
      ]));
    }
    const select = (kind: 'node' | 'link', id: string): void => {
      if (kind === 'link') {
        const l = g.links.find((x) => x.id === id);
        if (l) showLink(l);
      } else {
        const n = byId.get(id);
        if (n) showNode(n);
      }
    };
    const kinds = [...new Set(g.links.map((l) => l.kind))];
    const content: Child[] = [
      pageHeader(['Farm cluster: ', `${g.members.length} laptops of ${g.people.length} ${g.people.length === 1 ? 'person' : 'people'}`],
        severityBadge(g.severity), ` score ${g.score}`, g.alert ? [' ', buttonLink(`/alerts/${g.alert.id}`, `Alert #${g.alert.id} `, statusBadge(g.alert.status))] : null),
      g.truncated ? h('p', { class: 'notice info' }, `The graph shows the first ${g.nodes.filter((n) => n.type === 'laptop').length} laptops of ${g.members.length}.`) : null,
      h('div', { class: 'cluster-view' }, h('div', { class: 'graph-card' }, graphBox,
        h('ul', { class: 'legend' }, h('li', null, h('span', { class: 'legend-laptop' }), 'laptop (colour: risk)'),
          kinds.map((k) => h('li', null, h('span', { class: 'swatch', style: { background: KIND_COLOURS[k] ?? '#6b7a90' } }), KIND_NAMES[k] ?? k)))), panel),
      card(`Why: score ${g.score}`, signalList(g.signals, new Map(g.nodes.filter((n) => n.type === 'laptop').map((n) => [n.id, n.label])))),
      card('Where they were shipped, where they are, who drives them', clusterMap(g)),
      card('Links', table([
        { title: 'Laptop', cell: (l: Link) => name(l.source) }, { title: 'Shares', cell: (l) => KIND_NAMES[l.kind] ?? l.kind },
        { title: 'Value', class: 'wide', cell: (l) => h('code', null, l.value) }, { title: 'Weight', class: 'num', cell: (l) => (l.weight > 0 ? `+${l.weight}` : 'counted once') },
        { title: '', cell: (l) => h('button', { class: 'link-button', attrs: { type: 'button', 'data-link-id': l.id }, on: { click: () => { showLink(l); graphBox.scrollIntoView({ block: 'nearest' }); } } }, 'evidence') },
      ], g.links)),
    ];
    // Drawn once the page is in the document (the graph needs its container's size).
    const labelled = g.nodes.map((n) => (n.type === 'observation' ? { ...n, label: `${KIND_SHORT[n.kind ?? ''] ?? n.kind ?? ''} · ${n.label}` } : n));
    requestAnimationFrame(() => drawGraph(graphBox, { nodes: labelled, links: g.links }, select));
    return content;
  });
}
