// Small pieces every page uses: badges, tables, definition lists, notices, toasts, page headers.
import { h, mount, type Child } from './dom.js';
import { ApiFailure } from './api.js';

export const severityBadge = (s: string): HTMLElement => h('span', { class: `badge sev-${/^[a-z]+$/.test(s) ? s : 'info'}` }, s);
export const statusBadge = (s: string): HTMLElement => h('span', { class: `badge status-${/^[a-z_]+$/.test(s) ? s : 'open'}` }, s.replace('_', ' '));
export const tag = (text: string, kind = ''): HTMLElement => h('span', { class: `tag ${kind}` }, text);
/** Marks a simulated laptop of the demo fleet (`npm run demo`), or an alert that names one. */
export const demoTag = (): HTMLElement => h('span', { class: 'tag demo', attrs: { title: 'a simulated laptop of the demo fleet (npm run demo); farmwatch-collector devices purge-demo removes them all' } }, 'demo');

/** An internal link, followed without reloading the page. */
export const link = (href: string, ...children: Child[]): HTMLAnchorElement => h('a', { attrs: { href, 'data-link': true } }, ...children);
export const buttonLink = (href: string, ...children: Child[]): HTMLAnchorElement => h('a', { class: 'button', attrs: { href, 'data-link': true } }, ...children);

export function pageHeader(title: Child, ...aside: Child[]): HTMLElement {
  return h('div', { class: 'page-header' }, h('h1', null, title), h('div', { class: 'page-actions' }, ...aside));
}

export function card(title: Child, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, title ? h('h2', null, title) : null, ...children);
}

export function dl(rows: [string, Child][]): HTMLElement {
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}

export interface Column<T> {
  title: Child;
  cell: (row: T) => Child;
  class?: string;
}

export function table<T>(columns: Column<T>[], rows: T[], opts: { empty?: string; rowAttrs?: (row: T) => Record<string, string> } = {}): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, opts.empty ?? 'Nothing here.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
    h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.class ?? '' }, c.title)))),
    h('tbody', null, rows.map((r) => h('tr', { attrs: opts.rowAttrs?.(r) ?? {} }, columns.map((c) => h('td', { class: c.class ?? '' }, c.cell(r))))))));
}

export function errorText(err: unknown): string {
  if (err instanceof ApiFailure) return err.problems.length > 0 ? `${err.message}: ${err.problems.join('; ')}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

export function notice(kind: 'error' | 'ok' | 'info', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice ${kind}`, attrs: { role: kind === 'error' ? 'alert' : 'status' } }, ...children);
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading' }, 'Loading…');
}

/** Shows a page's content once its data is in, or what went wrong. */
export async function render(el: HTMLElement, load: () => Promise<Child>): Promise<void> {
  mount(el, loading());
  try {
    mount(el, await load());
  } catch (err) {
    mount(el, notice('error', errorText(err)));
  }
}

let toasts: HTMLElement | undefined;
export function toast(text: string, kind: 'info' | 'ok' | 'error' = 'info', action?: { text: string; href: string }): void {
  if (!toasts || !toasts.isConnected) {
    toasts = h('div', { class: 'toasts', attrs: { 'aria-live': 'polite' } });
    document.body.append(toasts);
  }
  const t = h('div', { class: `toast ${kind}` }, h('span', null, text), action ? link(action.href, action.text) : null);
  toasts.append(t);
  while (toasts.children.length > 3) toasts.firstElementChild?.remove();
  setTimeout(() => t.remove(), 8000);
}
