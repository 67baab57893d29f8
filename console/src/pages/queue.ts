// The case queue: one row per laptop (its case, with its findings as evidence) and one per farm
// cluster. Filter (status, severity, scope, words), sort (severity, score, age, last change),
// server-side pages, select and acknowledge in bulk with one note, and live: cases that open or
// change while the queue is open show up without reloading, marked as new.
import { h, mount } from '../dom.js';
import { api } from '../api.js';
import { demoTag, errorText, link, notice, pageHeader, severityBadge, statusBadge, table, toast, type Column } from '../components.js';
import { ago, when } from '../format.js';
import { onAlert } from '../live.js';

interface AlertItem {
  id: number; deviceId: string; hostname: string; rule: string; key: string; severity: string; title: string; status: string;
  firstSeenMs: number; lastSeenMs: number; occurrences: number; scope: 'device' | 'cluster'; score: number; assignee: string; updatedMs: number; memberCount: number; demo: boolean;
}
interface AlertPage { items: AlertItem[]; total: number; limit: number; offset: number }

const PAGE_SIZE = 50;
const SORTS: Record<string, string> = { severity: 'Severity', score: 'Score', age: 'Age', recent: 'Changed' };

export function queuePage(el: HTMLElement, _params: Record<string, string>, query: URLSearchParams): () => void {
  const state = {
    status: query.get('status') ?? 'active', severity: query.get('severity') ?? '', scope: query.get('scope') ?? '', q: query.get('q') ?? '',
    sort: query.get('sort') ?? 'severity', reverse: query.get('reverse') === 'true', page: Math.max(1, Number(query.get('page') ?? 1) || 1),
  };
  const selected = new Set<number>();
  const fresh = new Set<number>();
  let current: AlertPage | undefined;
  const summary = h('span', { class: 'muted' });
  const liveLine = h('p', { class: 'live-line', attrs: { 'aria-live': 'polite' } });
  const body = h('div');
  const bulkNote = h('input', { attrs: { type: 'text', placeholder: 'note for the selected cases (optional)', maxlength: 4000, 'aria-label': 'Note', id: 'bulk-note' } });
  const bulkCount = h('span', { class: 'muted' }, 'none selected');
  const bulkButton = h('button', { class: 'primary', attrs: { type: 'button', id: 'bulk-ack' }, props: { disabled: true }, on: { click: () => void bulk() } }, 'Acknowledge selected');
  const syncUrl = (): void => {
    const q = new URLSearchParams();
    if (state.status !== 'active') q.set('status', state.status);
    for (const k of ['severity', 'scope', 'q'] as const) if (state[k]) q.set(k, state[k]);
    if (state.sort !== 'severity') q.set('sort', state.sort);
    if (state.reverse) q.set('reverse', 'true');
    if (state.page > 1) q.set('page', String(state.page));
    history.replaceState(null, '', `/alerts${q.size > 0 ? `?${q.toString()}` : ''}`);
  };
  const toggle = (id: number, on: boolean): void => {
    if (on) selected.add(id);
    else selected.delete(id);
  };
  const updateBulk = (): void => {
    bulkCount.textContent = selected.size === 0 ? 'none selected' : `${selected.size} selected`;
    bulkButton.disabled = selected.size === 0;
  };

  async function load(): Promise<void> {
    syncUrl();
    try {
      current = await api.get<AlertPage>('/v1/alerts', {
        status: state.status === 'all' ? undefined : state.status, severity: state.severity || undefined, scope: state.scope || undefined,
        q: state.q || undefined, sort: state.sort, reverse: state.reverse || undefined, limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE,
      });
      draw();
    } catch (err) {
      mount(body, notice('error', errorText(err)));
    }
  }

  function sortHeader(key: string): HTMLElement {
    const active = state.sort === key;
    return h('button', {
      class: `sort${active ? ' active' : ''}`, attrs: { type: 'button', 'aria-sort': active ? (state.reverse ? 'descending' : 'ascending') : 'none', 'data-sort': key },
      on: { click: () => { state.reverse = active ? !state.reverse : false; state.sort = key; state.page = 1; void load(); } },
    }, SORTS[key] ?? key, active ? (state.reverse ? ' ▲' : ' ▼') : '');
  }

  function draw(): void {
    const p = current;
    if (!p) return;
    const pages = Math.max(1, Math.ceil(p.total / PAGE_SIZE));
    summary.textContent = p.total === 0 ? 'no case' : `${p.offset + 1}–${p.offset + p.items.length} of ${p.total.toLocaleString('en-US')}`;
    const all = h('input', {
      attrs: { type: 'checkbox', 'aria-label': 'select every alert on this page' },
      props: { checked: p.items.length > 0 && p.items.every((a) => selected.has(a.id)) },
      on: { change: (e) => { for (const a of p.items) toggle(a.id, (e.target as HTMLInputElement).checked); draw(); updateBulk(); } },
    });
    const columns: Column<AlertItem>[] = [
      { title: all, class: 'check', cell: (a) => h('input', { attrs: { type: 'checkbox', 'aria-label': `select alert ${a.id}` }, props: { checked: selected.has(a.id) }, on: { change: (e) => { toggle(a.id, (e.target as HTMLInputElement).checked); updateBulk(); } } }) },
      { title: sortHeader('severity'), cell: (a) => severityBadge(a.severity) },
      { title: sortHeader('score'), class: 'num', cell: (a) => (a.score > 0 ? String(a.score) : h('span', { class: 'muted', attrs: { title: a.rule === 'device.risk' ? 'no scored signal: a finding opened the case' : 'a finding alert from before cases: no score' } }, '—')) },
      { title: 'Case', class: 'wide', cell: (a) => [link(`/alerts/${a.id}`, a.title), h('div', { class: 'sub mono' }, a.demo ? [demoTag(), ' '] : null, `#${a.id} · ${a.rule}`)] },
      { title: 'Laptops', class: 'host', cell: (a) => (a.scope === 'cluster' ? link(`/clusters/${encodeURIComponent(a.deviceId)}`, `${a.memberCount} laptops`) : h('a', { attrs: { href: `/devices/${encodeURIComponent(a.deviceId)}`, 'data-link': true, title: a.hostname || a.deviceId } }, a.hostname || a.deviceId)) },
      { title: 'Status', cell: (a) => [statusBadge(a.status), a.assignee ? h('div', { class: 'sub' }, a.assignee) : null] },
      { title: sortHeader('age'), class: 'nowrap', cell: (a) => h('span', { attrs: { title: when(a.firstSeenMs) } }, ago(a.firstSeenMs)) },
      { title: sortHeader('recent'), class: 'nowrap', cell: (a) => h('span', { attrs: { title: when(a.updatedMs) } }, ago(a.updatedMs)) },
    ];
    mount(body,
      table(columns, p.items, { empty: 'No case matches these filters.', rowAttrs: (a) => ({ class: fresh.has(a.id) ? 'fresh' : '', 'data-alert': String(a.id) }) }),
      h('div', { class: 'pager' },
        h('button', { attrs: { type: 'button' }, props: { disabled: state.page <= 1 }, on: { click: () => { state.page--; void load(); } } }, '‹ Previous'),
        h('span', null, `page ${state.page} of ${pages}`),
        h('button', { attrs: { type: 'button' }, props: { disabled: state.page >= pages }, on: { click: () => { state.page++; void load(); } } }, 'Next ›')));
  }

  async function bulk(): Promise<void> {
    const ids = [...selected];
    bulkButton.disabled = true;
    try {
      const r = await api.post<{ changed: number; skipped: number; results: { id: number; ok: boolean; error?: string }[] }>('/v1/alerts/bulk', { ids, action: 'ack', note: bulkNote.value });
      toast(`${r.changed} alert(s) acknowledged${r.skipped ? `, ${r.skipped} skipped (${r.results.find((x) => !x.ok)?.error ?? ''})` : ''}`, r.skipped ? 'info' : 'ok');
      selected.clear();
      bulkNote.value = '';
      updateBulk();
      await load();
    } catch (err) {
      toast(errorText(err), 'error');
      updateBulk();
    }
  }

  const select = (label: string, key: 'status' | 'severity' | 'scope', options: [string, string][]): HTMLElement => h('label', { class: 'filter' }, label,
    h('select', { attrs: { name: key }, on: { change: (e) => { state[key] = (e.target as HTMLSelectElement).value; state.page = 1; void load(); } } },
      options.map(([v, t]) => h('option', { attrs: { value: v }, props: { selected: state[key] === v } }, t))));
  const search = h('input', { attrs: { type: 'search', placeholder: 'hostname, person, serial, title…', 'aria-label': 'Search', name: 'q' }, props: { value: state.q } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = search.value.trim(); state.page = 1; void load(); }, 300);
  });

  mount(el,
    pageHeader('Case queue', summary),
    h('div', { class: 'filters' },
      search,
      select('Status', 'status', [['active', 'Open or acknowledged'], ['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['false_positive', 'False positive'], ['all', 'Any']]),
      select('Severity', 'severity', [['', 'Any'], ['critical', 'Critical'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low'], ['info', 'Info']]),
      select('Scope', 'scope', [['', 'Laptops and clusters'], ['device', 'Laptops'], ['cluster', 'Farm clusters']])),
    h('div', { class: 'bulk' }, bulkCount, bulkNote, bulkButton),
    liveLine,
    body);
  void load();

  let reload: ReturnType<typeof setTimeout> | undefined;
  let changes = 0;
  const unsubscribe = onAlert((e) => {
    fresh.add(e.id);
    changes++;
    const what = { new: 'new', reopened: 'reopened', escalated: 'escalated', grew: 'grew', updated: 'changed' }[e.change] ?? e.change;
    mount(liveLine, h('span', { class: 'live-dot', attrs: { 'aria-hidden': 'true' } }), `${changes} change(s) since you opened the queue, marked in the list. Latest: case #${e.id} ${what} (${e.severity}): `, link(`/alerts/${e.id}`, e.title));
    clearTimeout(reload);
    reload = setTimeout(() => void load(), 250);
  });
  return () => {
    unsubscribe();
    clearTimeout(reload);
    clearTimeout(timer);
  };
}
