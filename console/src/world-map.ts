// The device page's map: where IT shipped the laptop, where the collector saw it connect from and
// where its remote-access sessions came from, as SVG over the land of Natural Earth's 1:110m
// map (public domain, packaged by world-atlas), in a plain equirectangular projection (x = lon,
// y = -lat): distances on it are only a picture; the table beside it gives them in km.
import land from 'world-atlas/land-110m.json';
import { h, svg } from './dom.js';
import { km } from './format.js';
import { project, viewport, type LatLon } from './map-view.js';
import { decodeTopology, type Topology } from './topojson.js';

export interface MapPoint {
  kind: 'ship-to' | 'seen' | 'exit' | 'peer';
  lat: number;
  lon: number;
  /** Shown when the pointer rests on the marker. */
  label: string;
  /** An address, kept on the marker for the page's links and tests. */
  ip?: string;
  far?: boolean;
}

let landPath: string | undefined;

/** The land as one SVG path in degrees (x = lon + 180, y = 90 - lat), built once. */
function landOutline(): string {
  if (landPath !== undefined) return landPath;
  const parts: string[] = [];
  for (const polygon of decodeTopology(land as unknown as Topology, 'land')) {
    for (const ring of polygon) {
      parts.push(ring.map(([lon, lat], i) => `${i === 0 ? 'M' : 'L'}${(lon + 180).toFixed(1)} ${(90 - lat).toFixed(1)}`).join('') + 'Z');
    }
  }
  landPath = parts.join('');
  return landPath;
}

function marker(p: MapPoint, r: number): SVGElement {
  const [x, y] = project(p);
  const attrs = {
    class: `map-point map-${p.kind}${p.far ? ' map-far' : ''}`, 'data-kind': p.kind, 'data-ip': p.ip ?? '',
    'data-lat': p.lat.toFixed(2), 'data-lon': p.lon.toFixed(2),
  };
  const title = svg('title', {}, p.label);
  if (p.kind === 'ship-to') return svg('rect', { ...attrs, x: x - r, y: y - r, width: 2 * r, height: 2 * r }, title);
  if (p.kind === 'peer') {
    const s = r * 1.2;
    return svg('path', { ...attrs, d: `M${x} ${y - s}L${x + s} ${y + s * 0.8}L${x - s} ${y + s * 0.8}Z` }, title);
  }
  return svg('circle', { ...attrs, cx: x, cy: y, r }, title);
}

/** A dashed line from where a laptop was shipped to where it was seen. */
export interface MapLine { from: LatLon; to: LatLon; far?: boolean }

/**
 * The map, or null when no point has coordinates. `lines`: by default from the (one) ship-to to
 * every place the laptop was seen.
 */
export function worldMap(points: readonly MapPoint[], lines?: readonly MapLine[], ariaLabel = 'map of the ship-to place and where the laptop and its remote-access peers were seen'): SVGSVGElement | null {
  if (points.length === 0) return null;
  const v = viewport(points);
  const r = v.w / 110;
  const ship = points.find((p) => p.kind === 'ship-to');
  const drawn = (lines ?? (ship ? points.filter((p) => p.kind === 'seen').map((p) => ({ from: ship, to: p, far: p.far ?? false })) : [])).map((l) => {
    const [x1, y1] = project(l.from);
    const [x2, y2] = project(l.to);
    return svg('line', { class: `map-line${l.far ? ' map-far' : ''}`, x1, y1, x2, y2 });
  });
  // Drawn back to front: the ship-to on top, since everything is measured from it.
  const order: MapPoint['kind'][] = ['exit', 'peer', 'seen', 'ship-to'];
  const markers = order.flatMap((k) => points.filter((p) => p.kind === k).map((p) => marker(p, r)));
  return svg('svg', {
    class: 'world-map', viewBox: `${v.x.toFixed(1)} ${v.y.toFixed(1)} ${v.w.toFixed(1)} ${v.h.toFixed(1)}`, role: 'img',
    'aria-label': ariaLabel, preserveAspectRatio: 'xMidYMid meet',
  }, svg('rect', { class: 'map-sea', x: v.x, y: v.y, width: v.w, height: v.h }), svg('path', { class: 'map-land', d: landOutline() }), drawn, markers);
}

/** The map with its legend, or a sentence when there is nothing to draw. */
export function mapFigure(map: SVGSVGElement | null, farKm: number): HTMLElement {
  if (!map) return h('p', { class: 'empty' }, 'Nothing to put on a map: no place with coordinates yet.');
  const key = (cls: string, text: string): HTMLElement => h('li', null, h('span', { class: `map-key ${cls}` }), text);
  return h('figure', { class: 'map' }, map, h('figcaption', null, h('ul', { class: 'map-legend' },
    key('key-ship', 'ship-to'), key('key-seen', 'laptop seen'), key('key-far', `seen more than ${km(farKm)} away`),
    key('key-exit', 'VPN / hosting exit'), key('key-peer', 'remote-access peer'))));
}
