// A score explained: each signal with its weight (and its share of the score as a bar) and the
// evidence behind it, strongest first.
import { h } from './dom.js';

export interface Signal { signal?: string; id?: string; weight: number; title: string; evidence: string[] }

/** Device ids in evidence text read better as hostnames: `names` maps one to the other. */
function named(text: string, names: Map<string, string> | undefined): string {
  if (!names) return text;
  return text.replace(/\bdev_[0-9a-f]{16,}\b/g, (id) => names.get(id) ?? id);
}

export function signalList(list: Signal[], names?: Map<string, string>): HTMLElement {
  const total = list.reduce((n, s) => n + s.weight, 0);
  return h('ol', { class: 'signals' }, list.map((s) => h('li', { class: 'signal' },
    h('div', { class: 'signal-head' },
      h('span', { class: 'weight', attrs: { title: 'weight added to the score' } }, `+${s.weight}`),
      h('span', { class: 'signal-title' }, s.title),
      h('code', { class: 'sub' }, s.signal ?? s.id ?? '')),
    h('div', { class: 'bar', attrs: { 'aria-hidden': 'true' } }, h('span', { class: 'fill', style: { width: `${Math.min(100, Math.round((100 * s.weight) / Math.max(total, 1)))}%` } })),
    h('ul', { class: 'evidence' }, s.evidence.map((e) => h('li', null, named(e, names)))))));
}
