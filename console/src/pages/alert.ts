// One case (a laptop's, or a cluster's; or a finding alert from before cases): why it was raised
// (each signal with its weight and evidence), a laptop's findings with what the agent matched, the
// laptops and people involved, what to do (acknowledge, resolve, false positive, reopen, with a
// note; assign) and the audit trail of everything done to it.
import { h, mount, type Child } from '../dom.js';
import { api } from '../api.js';
import { buttonLink, card, demoTag, dl, errorText, link, notice, pageHeader, render, severityBadge, statusBadge, table, toast } from '../components.js';
import { ago, when } from '../format.js';
import { onAlert } from '../live.js';
import { signalList, type Signal } from '../signals.js';

interface Evidence { field: string; value: string; catalogEntry?: string; matched?: string }
interface CaseFinding {
  detector: string; key: string; title: string; severity: string; confidence: number; firstSeenMs: number; lastSeenMs: number; clearedAtMs: number | null;
  suppressedBy?: number; evidence: Evidence[];
}
interface AlertDetail {
  id: number; deviceId: string; hostname: string; rule: string; key: string; severity: string; title: string; status: string;
  firstSeenMs: number; lastSeenMs: number; occurrences: number; scope: 'device' | 'cluster'; score: number; assignee: string; updatedMs: number;
  suppressedBy: number | null; members: string[]; demo: boolean;
  details: { explanation?: Signal[]; people?: string[] };
  finding: { title: string; detector: string; key: string; severity: string; confidence: number; catalogEntry: string; evidence: Evidence[]; firstSeenMs: number; lastSeenMs: number; clearedAtMs: number | null } | null;
  /** A laptop's case: the findings it carries as evidence. */
  findings?: CaseFinding[];
  notes: { id: number; author: string; text: string; atMs: number }[];
  audit: { id: number; atMs: number; actor: string; action: string; detail: string }[];
  document: { devices: { id: string; hostname: string; serial: string; assignee: string; publicIp: string }[] } | null;
}

const ACTIONS: [string, string, string[]][] = [
  ['ack', 'Acknowledge', ['open']], ['resolve', 'Resolve', ['open', 'acknowledged']],
  ['false-positive', 'False positive', ['open', 'acknowledged', 'resolved']], ['reopen', 'Reopen', ['acknowledged', 'resolved', 'false_positive']],
];

function why(a: AlertDetail): Child {
  const explanation = a.details.explanation ?? [];
  if (explanation.length > 0) {
    const names = new Map((a.document?.devices ?? []).filter((d) => d.hostname).map((d) => [d.id, d.hostname]));
    return card(`Why: score ${a.score}, signal by signal`, signalList(explanation, names));
  }
  if (a.finding) {
    const f = a.finding;
    return card('Why: what the agent found',
      dl([['Finding', f.title], ['Detector', h('code', null, `${f.detector} / ${f.key}`)], ['Severity', severityBadge(f.severity)], ['Confidence', `${f.confidence}%`],
        ['Catalog entry', f.catalogEntry || '—'], ['Seen', `${when(f.firstSeenMs)} … ${when(f.lastSeenMs)}${f.clearedAtMs ? ` (gone ${ago(f.clearedAtMs)})` : ''}`]]),
      table([{ title: 'Field', cell: (e: Evidence) => h('code', null, e.field) }, { title: 'Value', class: 'wide', cell: (e) => h('code', { class: 'value' }, e.value) },
        { title: 'Catalog', cell: (e) => e.catalogEntry ?? '' }, { title: 'Matched', cell: (e) => (e.matched ? h('code', null, e.matched) : '') }], f.evidence, { empty: 'No evidence recorded.' }));
  }
  return card('Why', h('p', { class: 'muted' }, 'This alert carries no explanation.'));
}

/** A laptop's case: what the agent found on it, each finding with what matched. */
function findingsCard(findings: CaseFinding[]): Child {
  const state = (f: CaseFinding): string => (f.clearedAtMs !== null ? `gone ${ago(f.clearedAtMs)}` : f.suppressedBy !== undefined ? `left out (suppression #${f.suppressedBy})` : 'there');
  return card(`Findings (${findings.length}): the case's evidence`, table([
    { title: 'Severity', cell: (f: CaseFinding) => severityBadge(f.severity) },
    { title: 'Finding', class: 'wide', cell: (f) => [h('div', null, f.title), h('code', { class: 'sub' }, `${f.detector} / ${f.key}`),
      h('ul', { class: 'evidence' }, f.evidence.map((e) => h('li', null, h('code', null, e.field), ' = ', h('code', { class: 'value' }, e.value), e.matched ? ` (${e.catalogEntry ?? ''}: ${e.matched})` : '')))] },
    { title: 'Seen', class: 'nowrap', cell: (f) => h('span', { attrs: { title: `${when(f.firstSeenMs)} … ${when(f.lastSeenMs)}` } }, `${ago(f.firstSeenMs)} … ${ago(f.lastSeenMs)}`) },
    { title: 'Now', class: 'nowrap', cell: (f) => state(f) },
  ], findings, { empty: 'No finding.' }));
}

export function alertPage(el: HTMLElement, params: Record<string, string>): () => void {
  const id = Number(params.id);
  const load = (): Promise<void> => render(el, async () => {
    const a = await api.get<AlertDetail>(`/v1/alerts/${id}`);
    return draw(a);
  });

  function draw(a: AlertDetail): Child {
    const noteBox = h('textarea', { attrs: { id: 'action-note', rows: 3, maxlength: 4000, placeholder: 'What you found or did (kept with the alert and in the audit trail)' } });
    const message = h('div');
    const act = (path: string, label: string): void => {
      api.post(`/v1/alerts/${a.id}/${path}`, noteBox.value.trim() ? { note: noteBox.value.trim() } : {}).then(() => {
        toast(`Alert #${a.id}: ${label.toLowerCase()} done`, 'ok');
        void load();
      }, (err: unknown) => mount(message, notice('error', errorText(err))));
    };
    const assignee = h('input', { attrs: { id: 'assignee', maxlength: 200, placeholder: 'analyst' }, props: { value: a.assignee } });
    const devices = a.document?.devices ?? [];
    return [
      pageHeader([severityBadge(a.severity), ' ', a.title], a.demo ? demoTag() : null, statusBadge(a.status)),
      h('div', { class: 'grid-2' },
        card(a.rule === 'device.risk' || a.scope === 'cluster' ? 'Case' : 'Alert', dl([
          ['Id', `#${a.id}`], ['Rule', h('code', null, `${a.rule} / ${a.key}`)], ['Score', String(a.score)],
          ['Scope', a.scope === 'cluster' ? `farm cluster of ${a.members.length} laptops` : 'one laptop'],
          ['First seen', `${when(a.firstSeenMs)} (${ago(a.firstSeenMs)})`], ['Last seen', `${when(a.lastSeenMs)} (${ago(a.lastSeenMs)})`],
          ['Occurrences', String(a.occurrences)], ['Assignee', a.assignee || 'nobody'],
          ...(a.suppressedBy !== null ? [['Suppressed', `by suppression #${a.suppressedBy}`] as [string, Child]] : []),
        ]), a.scope === 'cluster' ? h('p', null, buttonLink(`/clusters/${encodeURIComponent(a.deviceId)}`, 'Open the cluster graph →')) : null),
        card('Act',
          noteBox,
          h('div', { class: 'actions' }, ACTIONS.map(([path, label, from]) => h('button', {
            class: path === 'ack' ? 'primary' : '', attrs: { type: 'button', 'data-action': path }, props: { disabled: !from.includes(a.status) },
            on: { click: () => act(path, label) },
          }, label))),
          h('div', { class: 'assign' }, h('label', { attrs: { for: 'assignee' } }, 'Assign to'), assignee,
            h('button', { attrs: { type: 'button' }, on: { click: () => void api.post(`/v1/alerts/${a.id}/assign`, { assignee: assignee.value.trim() }).then(() => load(), (err: unknown) => mount(message, notice('error', errorText(err)))) } }, 'Assign')),
          message)),
      why(a),
      a.findings && a.findings.length > 0 ? findingsCard(a.findings) : null,
      card(a.scope === 'cluster' ? 'Laptops in the cluster' : 'Laptop',
        table([
          { title: 'Laptop', cell: (d: (typeof devices)[number]) => link(`/devices/${encodeURIComponent(d.id)}`, d.hostname || d.id) },
          { title: 'Serial', cell: (d) => d.serial }, { title: 'Assigned to', class: 'wide', cell: (d) => d.assignee || 'not registered' },
          { title: 'Public IP', cell: (d) => h('code', null, d.publicIp || '—') },
        ], devices)),
      card('Notes', a.notes.length === 0 ? h('p', { class: 'muted' }, 'No note yet.')
        : h('ul', { class: 'notes' }, a.notes.map((n) => h('li', null, h('div', { class: 'sub' }, `${n.author} · ${when(n.atMs)}`), h('p', null, n.text))))),
      card('Audit trail', table([
        { title: 'When', cell: (r: AlertDetail['audit'][number]) => h('span', { attrs: { title: when(r.atMs) } }, ago(r.atMs)) },
        { title: 'Who', cell: (r) => r.actor }, { title: 'What', cell: (r) => h('code', null, r.action) }, { title: 'Detail', class: 'wide', cell: (r) => r.detail },
      ], a.audit, { empty: 'Nobody has acted on this alert yet.' })),
    ];
  }

  void load();
  const unsubscribe = onAlert((e) => {
    if (e.id === id) void load();
  });
  return unsubscribe;
}
