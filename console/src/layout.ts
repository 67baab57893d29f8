// The frame around every page: the product name, the pages this role may open, whether live
// updates are flowing, who is logged in, and logging out.
import { h } from './dom.js';
import { api } from './api.js';
import { link } from './components.js';
import { mayOpen, session } from './session.js';
import { onNavigate } from './router.js';
import { onLiveState, stopLive } from './live.js';

const NAV: [string, string][] = [['/fleet', 'Fleet'], ['/alerts', 'Cases'], ['/clusters', 'Clusters'], ['/devices', 'Devices'], ['/it', 'IT'], ['/sites', 'Sites'], ['/admin', 'Admin']];

export function shell(): { root: HTMLElement; main: HTMLElement } {
  const s = session();
  const items = NAV.filter(([path]) => mayOpen(path)).map(([path, label]) => h('li', null, link(path, label)));
  const live = h('span', { class: 'live down', attrs: { title: 'live updates from the collector' } }, 'connecting…');
  onLiveState((up) => {
    live.className = `live ${up ? 'up' : 'down'}`;
    live.textContent = up ? 'live' : 'reconnecting…';
  });
  const logout = h('button', {
    class: 'link-button', attrs: { type: 'button' },
    on: {
      click: () => {
        stopLive();
        void api.del('/v1/session').finally(() => location.assign('/login'));
      },
    },
  }, 'Log out');
  const nav = h('ul', { class: 'nav' }, items);
  onNavigate((path) => {
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', path === a.getAttribute('href') || path.startsWith(`${a.getAttribute('href') ?? ''}/`));
  });
  const main = h('main', { class: 'main', attrs: { id: 'main' } });
  const root = h('div', { class: 'app' },
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', attrs: { href: s?.home ?? '/', 'data-link': true } }, h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }), 'farmwatch'),
      h('nav', { attrs: { 'aria-label': 'Console' } }, nav),
      h('div', { class: 'who' }, s?.user.role === 'it' ? null : live, h('span', { class: 'user' }, s?.user.name ?? '', ' ', h('span', { class: 'role' }, s?.user.role ?? '')), logout)),
    main,
    h('footer', { class: 'footer' }, 'farmwatch console · ', h('a', { attrs: { href: '/assets/licences.txt' } }, 'third-party licences'), ' · ', h('a', { attrs: { href: '/v1/openapi.json' } }, 'API')));
  return { root, main };
}
