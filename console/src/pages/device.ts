// One laptop: who it is assigned to, where it was shipped against where it is seen (with
// distances), the agent's health (last seen, stopped or silent, spool depth), its risk score
// explained, its alerts and findings, sensor states and the timeline of what changed.
import { h, type Child } from '../dom.js';
import { api } from '../api.js';
import { buttonLink, card, demoTag, dl, link, pageHeader, render, severityBadge, statusBadge, table, tag } from '../components.js';
import { ago, bytes, duration, km, when, whenExact } from '../format.js';
import { signalList, type Signal } from '../signals.js';
import { mapFigure, worldMap, type MapPoint } from '../world-map.js';
import { hoursGrid, type Activity } from '../hours-grid.js';

interface Place {
  ip: string; via: string; firstSeenMs: number; lastSeenMs: number; count: number; current: boolean; place: string; countryCode: string;
  lat: number | null; lon: number | null; asn: number | null; org: string; network: { kind: string; name: string }; distanceKm: number | null; locatesLaptop: boolean;
  /** The company site whose egress this address is (a company place, not a location). */
  site?: string | null;
}
interface Health {
  status: string; connected: boolean; lastSeenMs: number | null; silentAfterMs: number; stoppedAtMs: number | null; stopReason: string | null;
  spoolDepth: number | null; cpuPermille: number | null; cpuWindowS: number | null; cpuAtMs: number | null; rssBytes: number | null; rttMs: number | null; agentVersion: string; catalogVersion: string; eventsStored: number;
}
interface DeviceDetail {
  id: string; state: string; demo: boolean;
  registration: { serial: string; assigneeName: string; assigneeEmail: string; shipTo: string; timeZone: string; registeredMs: number; registeredBy: string; enrolledMs: number | null } | null;
  device: { hostname: string; osName: string; osVersion: string; timeZone: string; publicIp: string; firstSeenMs: number } | null;
  risk: { score: number; severity: string; signals: Signal[] } | null;
  findings: { detector: string; key: string; title: string; severity: string; sanctioned: boolean; firstSeenMs: number; clearedAtMs: number | null }[];
  sensors: { sensor: string; status: string; reason: string; lastRunMs: number; durationMs: number; items: number }[];
  cluster: { members: string[]; score: number; severity: string } | null;
  alerts: { id: number; title: string; severity: string; status: string; updatedMs: number }[];
  health: Health;
  activity: Activity;
  observations: { kind: string; value: string; firstSeenMs: number }[];
  locations: { shipTo: { place: string; timeZone: string; lat: number | null; lon: number | null } | null; farKm: number; observed: Place[]; peers: Place[]; relays?: Place[] };
  site: { id: number; name: string } | null;
}
interface TimelineEntry { atMs: number; kind: string; title: string; detail: string; severity?: string; alertId?: number }

const HEALTH_TEXT: Record<string, string> = {
  online: 'reporting', silent: 'silent: no message and no stop announced', stopped: 'stopped', never_reported: 'enrolled, never reported', not_enrolled: 'not enrolled yet',
};

/** The agent's CPU with the span it covers, so a start-up burst is not read as a steady load. */
function agentCpu(hl: Health): string {
  if (hl.cpuPermille === null) return '—';
  const pct = `${(hl.cpuPermille / 10).toFixed(1)}% of a core`;
  const at = hl.cpuAtMs ? `, measured ${ago(hl.cpuAtMs)}` : '';
  return hl.cpuWindowS ? `${pct} over ${hl.cpuWindowS} s${at}` : `${pct} since its previous report (older agent)${at}`;
}

function health(hl: Health): HTMLElement {
  const status = h('span', { class: `agent agent-${hl.status}` }, HEALTH_TEXT[hl.status] ?? hl.status);
  return card('Agent health', dl([
    ['Status', [status, hl.status === 'stopped' ? ` (${hl.stopReason ?? 'no reason'}, ${ago(hl.stoppedAtMs)})` : '', hl.connected ? tag('stream open', 'ok') : null]],
    ['Last seen', `${ago(hl.lastSeenMs)} (${when(hl.lastSeenMs)})`],
    ['Silent after', duration(hl.silentAfterMs)],
    ['Spool depth', hl.spoolDepth === null ? '—' : `${hl.spoolDepth} event(s) waiting on the laptop`],
    ['Agent', `${hl.agentVersion || '—'}, catalog ${hl.catalogVersion || '—'}`],
    ['Agent CPU', h('span', { class: 'agent-cpu' }, agentCpu(hl))],
    ['Agent memory', `${bytes(hl.rssBytes)} resident`],
    ['Round trip', hl.rttMs === null ? '—' : `${hl.rttMs} ms`],
    ['Events stored', String(hl.eventsStored)],
  ]));
}

function places(list: Place[], farKm: number, empty: string): HTMLElement {
  return table([
    { title: 'Address', cell: (p: Place) => [h('code', null, p.ip), p.current ? tag('now', 'ok') : null] },
    { title: 'Network', cell: (p) => [p.site ? [tag(`site ${p.site}`, 'ok'), ' '] : null, p.network.kind === 'other' ? (p.locatesLaptop ? 'residential / business' : 'private') : tag(`${p.network.kind}: ${p.network.name}`, 'warn'), p.org ? h('div', { class: 'sub' }, `AS${p.asn ?? '?'} ${p.org}`) : null] },
    { title: 'Place (GeoIP)', cell: (p) => p.place },
    { title: 'From ship-to', class: 'num', cell: (p) => (p.distanceKm === null ? '—' : [km(p.distanceKm), p.site ? h('div', { class: 'sub' }, 'a company site, not a location') : !p.locatesLaptop ? h('div', { class: 'sub' }, 'exit, not the laptop') : p.distanceKm > farKm ? tag('far', 'warn') : null]) },
    { title: 'Seen', cell: (p) => (p.firstSeenMs ? `${when(p.firstSeenMs)} … ${ago(p.lastSeenMs)}${p.count > 1 ? ` (${p.count}×)` : ''}` : 'now') },
    { title: 'Via', cell: (p) => p.via },
  ], list, { empty });
}

/** The ship-to place and every located address, as map points. */
function mapPoints(loc: DeviceDetail['locations']): MapPoint[] {
  const points: MapPoint[] = [];
  const s = loc.shipTo;
  if (s && s.lat !== null && s.lon !== null) points.push({ kind: 'ship-to', lat: s.lat, lon: s.lon, label: `Shipped to ${s.place}` });
  const placed = (p: Place): p is Place & { lat: number; lon: number } => p.lat !== null && p.lon !== null;
  const far = (p: Place): string => (p.distanceKm === null ? '' : `, ${km(p.distanceKm)} from ship-to`);
  for (const p of loc.observed.filter(placed)) {
    points.push(p.locatesLaptop
      ? { kind: 'seen', lat: p.lat, lon: p.lon, ip: p.ip, far: p.distanceKm !== null && p.distanceKm > loc.farKm, label: `Laptop seen from ${p.ip}: ${p.place}${far(p)}` }
      : { kind: 'exit', lat: p.lat, lon: p.lon, ip: p.ip, label: `${p.network.kind} exit ${p.ip} (${p.network.name}): ${p.place}; not where the laptop is` });
  }
  for (const p of loc.peers.filter(placed)) {
    points.push({ kind: 'peer', lat: p.lat, lon: p.lon, ip: p.ip, label: `Remote-access session from ${p.ip}: ${p.place}${p.network.kind === 'other' ? '' : ` (${p.network.kind}: ${p.network.name})`}` });
  }
  return points;
}

function locationMap(loc: DeviceDetail['locations']): Child {
  return mapFigure(worldMap(mapPoints(loc)), loc.farKm);
}

function timeline(items: TimelineEntry[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, 'Nothing yet.');
  return h('ol', { class: 'timeline' }, items.map((t) => h('li', { class: `tl tl-${t.kind}` },
    h('span', { class: 'tl-when' }, whenExact(t.atMs)),
    h('div', { class: 'tl-body' },
      h('div', { class: 'tl-title' }, t.severity ? [severityBadge(t.severity), ' '] : null, t.alertId ? link(`/alerts/${t.alertId}`, t.title) : t.title),
      t.detail ? h('div', { class: 'tl-detail' }, t.detail) : null))));
}

export function devicePage(el: HTMLElement, params: Record<string, string>): void {
  void render(el, async () => {
    const id = encodeURIComponent(params.id ?? '');
    const [d, tl] = await Promise.all([api.get<DeviceDetail>(`/v1/devices/${id}`), api.get<{ items: TimelineEntry[] }>(`/v1/devices/${id}/timeline`, { limit: 200 })]);
    const r = d.registration;
    const loc = d.locations;
    const children: Child[] = [
      pageHeader([d.device?.hostname || r?.serial || d.id, ' ', h('span', { class: 'muted mono' }, d.id)], d.demo ? demoTag() : null, tag(d.state, d.state === 'reporting' ? 'ok' : d.state === 'revoked' || d.state === 'stopped' ? 'warn' : ''), d.risk ? [severityBadge(d.risk.severity), ` risk ${d.risk.score}`] : null),
      h('div', { class: 'grid-2' },
        card('Assigned to', dl([
          ['Person', r ? `${r.assigneeName} <${r.assigneeEmail}>` : 'not registered'],
          ['Serial', r?.serial ?? '—'], ['Ship-to', loc.shipTo?.place ?? '—'],
          ['Time zone', `${r?.timeZone ?? '—'} assigned; ${d.device?.timeZone || '—'} on the laptop`],
          ['Laptop', d.device ? `${d.device.osName} ${d.device.osVersion}` : '—'],
          ['Keyboards type', d.observations.filter((o) => o.kind === 'input_language').map((o) => o.value).join(', ') || '—'],
          ['Registered', r ? `${when(r.registeredMs)} by ${r.registeredBy}` : '—'], ['Enrolled', when(r?.enrolledMs)],
          ['Where now', d.site ? [tag(`at site ${d.site.name}`, 'ok'), ' a company place (its egress is no location)'] : (d.device?.publicIp ? 'not at a company site' : '—')],
          ['Cluster', d.cluster ? buttonLink(`/clusters/${encodeURIComponent(d.id)}`, `${d.cluster.members.length} laptops, score ${d.cluster.score} →`) : 'shares nothing with another laptop'],
        ])),
        health(d.health)),
      card(`Ship-to against observed locations (far: more than ${km(loc.farKm)})`,
        locationMap(loc),
        h('p', { class: 'muted' }, `Shipped to ${loc.shipTo?.place ?? 'an unknown place'}. Where the collector saw the laptop connect from:`),
        places(loc.observed, loc.farKm, 'No public address seen yet.'),
        h('h3', null, 'Where remote-access sessions on this laptop came from'),
        places(loc.peers, loc.farKm, 'No remote-access session seen.'),
        h('h3', null, 'Remote-access relays its tools connect through'),
        h('p', { class: 'muted' }, 'Vendors\' relay and rendezvous servers carry every customer\'s sessions: they say nothing about who drives this laptop, unless one is a VPN exit.'),
        places(loc.relays ?? [], loc.farKm, 'No remote-access relay seen.')),
      d.risk && d.risk.signals.length > 0 ? card(`Risk ${d.risk.score}, signal by signal`, signalList(d.risk.signals)) : null,
      card(`Hours on, in ${d.activity.timeZone} (last ${d.activity.days} days)`,
        h('div', { class: 'hours-scroll' }, hoursGrid(d.activity)),
        h('p', { class: 'hint' }, `A filled hour: the agent sent something stamped in it; a dark one: keyboard or mouse input${d.activity.inputReportedMs === null ? ' (this agent does not report input)' : ''}. `
          + `Shaded: 08:00–20:00, the working day the activity rules compare with. ${d.activity.hours.length} hour(s) on, ${d.activity.activeHours.length} in use.`)),
      h('div', { class: 'grid-2' },
        card('Alerts', table([
          { title: '', cell: (a: DeviceDetail['alerts'][number]) => severityBadge(a.severity) },
          { title: 'Alert', class: 'wide', cell: (a) => link(`/alerts/${a.id}`, a.title) }, { title: 'Status', cell: (a) => statusBadge(a.status) },
        ], d.alerts, { empty: 'No alert.' })),
        card('Findings now', table([
          { title: '', cell: (f: DeviceDetail['findings'][number]) => severityBadge(f.severity) },
          { title: 'Finding', class: 'wide', cell: (f) => [f.title, h('div', { class: 'sub mono' }, `${f.detector}/${f.key}`)] },
          { title: 'State', cell: (f) => (f.clearedAtMs ? `gone ${ago(f.clearedAtMs)}` : f.sanctioned ? 'sanctioned' : `since ${ago(f.firstSeenMs)}`) },
        ], d.findings, { empty: 'No finding.' }))),
      h('div', { class: 'grid-2' },
        card('Timeline', timeline(tl.items)),
        card('Sensors', table([
          { title: 'Sensor', cell: (s: DeviceDetail['sensors'][number]) => h('code', null, s.sensor) },
          { title: 'State', cell: (s) => tag(s.status, s.status === 'ok' ? 'ok' : 'warn') },
          { title: 'Detail', class: 'wide', cell: (s) => (s.status === 'ok' ? `${s.items} item(s) in ${s.durationMs} ms` : s.reason) },
          { title: 'Last run', cell: (s) => ago(s.lastRunMs) },
        ], d.sensors, { empty: 'No sensor report yet.' }))),
    ];
    return children;
  });
}
