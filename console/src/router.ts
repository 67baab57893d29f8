// Pages by URL, drawn without reloading: internal links (data-link) and the back button go
// through here. A page the role may not open is refused here as the server refuses it.
import { mayOpen, pagePattern, session } from './session.js';
import { h, mount } from './dom.js';
import { notice } from './components.js';

export type Page = (el: HTMLElement, params: Record<string, string>, query: URLSearchParams) => void | (() => void);

const pages = new Map<string, { page: Page; title: string }>();
let main: HTMLElement | undefined;
let cleanup: (() => void) | undefined;
const navListeners = new Set<(path: string) => void>();

export function definePage(pattern: string, title: string, page: Page): void {
  pages.set(pattern, { page, title });
}

export function onNavigate(l: (path: string) => void): void {
  navListeners.add(l);
}

function params(pattern: string, path: string): Record<string, string> {
  const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const values = new RegExp(`^${pattern.replace(/:\w+/g, '([^/]+)')}$`).exec(path)?.slice(1) ?? [];
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i] ?? '')]));
}

export function show(): void {
  if (!main) return;
  cleanup?.();
  cleanup = undefined;
  const path = location.pathname;
  const pattern = pagePattern(path);
  const entry = pattern ? pages.get(pattern) : undefined;
  document.title = `${entry?.title ?? 'Not found'} · farmwatch`;
  navListeners.forEach((l) => l(path));
  window.scrollTo(0, 0);
  if (!pattern || !entry) {
    mount(main, notice('error', `There is no page ${path} in the console.`));
    return;
  }
  if (!mayOpen(path)) {
    const s = session();
    mount(main, h('div', { class: 'refused' }, h('h1', null, 'Not allowed'),
      h('p', null, `The page ${path} needs the role ${(s?.pages[pattern] ?? []).join(' or ')}; you have the role ${s?.user.role ?? '?'}.`)));
    return;
  }
  const el = h('div', { class: 'page' });
  mount(main, el);
  cleanup = entry.page(el, params(pattern, path), new URLSearchParams(location.search)) ?? undefined;
}

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  show();
}

export function startRouter(mainEl: HTMLElement): void {
  main = mainEl;
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a[data-link]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  });
  window.addEventListener('popstate', show);
  show();
}
