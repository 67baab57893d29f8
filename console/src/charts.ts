// A stacked bar chart in SVG (alerts raised per hour or day, by severity), drawn from numbers
// only: axis labels are text nodes, nothing is parsed.
import { h, svg } from './dom.js';
import { SEVERITIES } from './format.js';

export interface Bucket { startMs: number; [severity: string]: number }

export const SEVERITY_COLOURS: Record<string, string> = { critical: '#b42318', high: '#d9480f', medium: '#d89614', low: '#2f6fb0', info: '#9aa3af' };

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n) ?? n;
}

export function trendChart(buckets: Bucket[], bucketMs: number): HTMLElement {
  const W = 760;
  const H = 220;
  const left = 36;
  const bottom = 24;
  const top = 10;
  const plotH = H - bottom - top;
  const totals = buckets.map((b) => SEVERITIES.reduce((n, s) => n + (b[s] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const bw = (W - left - 8) / Math.max(1, buckets.length);
  const y = (v: number): number => top + plotH - (plotH * v) / max;
  const label = (ms: number): string => {
    const d = new Date(ms);
    return bucketMs < 86_400_000 ? `${String(d.getUTCHours()).padStart(2, '0')}:00` : `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
  };
  const every = Math.ceil(buckets.length / 12);
  const grid = [0, max / 2, max].map((v) => [
    svg('line', { x1: left, x2: W - 4, y1: y(v), y2: y(v), class: 'grid-line' }),
    svg('text', { x: left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(Math.round(v))),
  ]);
  const bars = buckets.map((b, i) => {
    let acc = 0;
    const x = left + i * bw + 1;
    const parts = SEVERITIES.slice().reverse().map((s) => {
      const v = b[s] ?? 0;
      if (v === 0) return null;
      const rect = svg('rect', { x, width: Math.max(1, bw - 2), y: y(acc + v), height: Math.max(0.5, y(acc) - y(acc + v)), fill: SEVERITY_COLOURS[s] ?? '#999' },
        svg('title', {}, `${label(b.startMs)}: ${v} ${s}`));
      acc += v;
      return rect;
    });
    return [parts, i % every === 0 ? svg('text', { x: x + bw / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, label(b.startMs)) : null];
  });
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `alerts raised per ${bucketMs < 86_400_000 ? 'hour' : 'day'}, by severity` }, grid, bars);
  const legend = h('ul', { class: 'legend' }, SEVERITIES.map((s) => h('li', null, h('span', { class: 'swatch', style: { background: SEVERITY_COLOURS[s] ?? '#999' } }), s)));
  return h('figure', { class: 'trend' }, chart, legend);
}
