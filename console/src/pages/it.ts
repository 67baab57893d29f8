// IT's page: register a laptop before shipping it (its one-time enrollment token comes back,
// shown once), issue a new token for a laptop already registered, import an HR / asset CSV
// export (all rows or none, every problem listed with its line), and the tokens' states.
import { h, mount, type Child } from '../dom.js';
import { api } from '../api.js';
import { card, errorText, link, notice, pageHeader, table, tag } from '../components.js';
import { when } from '../format.js';

interface Registered { registration: { deviceId: string; serial: string; assigneeName: string; shipTo: string }; token: string; tokenExpiresMs: number }
interface TokenRow { deviceId: string; serial: string; createdMs: number; expiresMs: number; createdBy: string; usedMs: number | null; state: string }

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string): HTMLElement {
  return h('div', { class: 'field' }, h('label', { attrs: { for: input.id } }, label), input, hint ? h('div', { class: 'hint' }, hint) : null);
}

function tokenBox(deviceId: string, token: string, expiresMs: number): HTMLElement {
  return notice('ok',
    h('p', null, 'Enrollment token for ', link(`/devices/${encodeURIComponent(deviceId)}`, deviceId), ` (one use, until ${when(expiresMs)}; shown only now):`),
    h('pre', { class: 'token' }, token),
    h('p', { class: 'hint' }, 'On the laptop: ', h('code', null, `farmwatch-agent enroll --server COLLECTOR:7443 --ca ca.pem --token ${token}`)));
}

export function itPage(el: HTMLElement): void {
  const tokens = h('div');
  const loadTokens = async (): Promise<void> => {
    try {
      const rows = await api.get<TokenRow[]>('/v1/tokens');
      mount(tokens, table([
        { title: 'Laptop', cell: (t: TokenRow) => link(`/devices/${encodeURIComponent(t.deviceId)}`, t.serial || t.deviceId) },
        { title: 'Made', cell: (t) => `${when(t.createdMs)} by ${t.createdBy}` }, { title: 'Expires', cell: (t) => when(t.expiresMs) },
        { title: 'State', cell: (t) => tag(t.state, t.state === 'valid' ? 'ok' : t.state === 'expired' ? 'warn' : '') },
      ], rows.slice().reverse().sort((a, b) => b.createdMs - a.createdMs).slice(0, 50), { empty: 'No token issued yet.' }));
    } catch (err) {
      mount(tokens, notice('error', errorText(err)));
    }
  };

  const input = (id: string, attrs: Record<string, string | number | boolean> = {}): HTMLInputElement => h('input', { attrs: { id, name: id, ...attrs } });
  const serial = input('reg-serial', { required: true, maxlength: 64, placeholder: 'C02XK1ABJGH5' });
  const assignee = input('reg-assignee', { required: true, maxlength: 300, placeholder: 'Jane Doe <jane.doe@example.com>' });
  const shipTo = input('reg-ship-to', { required: true, maxlength: 300, placeholder: 'Austin, Texas, US' });
  const zones = h('datalist', { attrs: { id: 'time-zones' } }, Intl.supportedValuesOf('timeZone').map((z) => h('option', { attrs: { value: z } })));
  const tz = input('reg-timezone', { required: true, maxlength: 64, list: 'time-zones', placeholder: 'America/Chicago' });
  const regResult = h('div');
  const register = h('form', {
    class: 'form', on: {
      submit: (e) => {
        e.preventDefault();
        api.post<Registered>('/v1/devices', { serial: serial.value.trim(), assignee: assignee.value.trim(), shipTo: shipTo.value.trim(), timeZone: tz.value.trim() }).then((r) => {
          mount(regResult, tokenBox(r.registration.deviceId, r.token, r.tokenExpiresMs));
          (e.target as HTMLFormElement).reset();
          void loadTokens();
        }, (err: unknown) => mount(regResult, notice('error', errorText(err))));
      },
    },
  }, field('Serial number', serial, 'as the laptop\'s firmware reports it'), field('Assigned to', assignee, 'Name <email>'), field('Ship to', shipTo, 'City, Region, Country'),
  field('Time zone', tz, 'where the person works (IANA name)'), zones, h('button', { class: 'primary', attrs: { type: 'submit', id: 'reg-submit' } }, 'Register and issue a token'), regResult);

  const which = input('tok-device', { required: true, maxlength: 140, placeholder: 'serial, hostname or device id' });
  const tokResult = h('div');
  const reissue = h('form', {
    class: 'form', on: {
      submit: (e) => {
        e.preventDefault();
        api.post<{ deviceId: string; token: string; expiresMs: number }>(`/v1/devices/${encodeURIComponent(which.value.trim())}/tokens`, {}).then((r) => {
          mount(tokResult, tokenBox(r.deviceId, r.token, r.expiresMs));
          void loadTokens();
        }, (err: unknown) => mount(tokResult, notice('error', errorText(err))));
      },
    },
  }, field('Laptop', which, 'for re-enrollment: after a revocation, a reinstall or an expired token'), h('button', { class: 'primary', attrs: { type: 'submit', id: 'tok-submit' } }, 'Issue a token'), tokResult);

  const file = h('input', { attrs: { id: 'csv-file', type: 'file', accept: '.csv,text/csv' } });
  const csvResult = h('div');
  const importCsv = h('form', {
    class: 'form', on: {
      submit: (e) => {
        e.preventDefault();
        const f = file.files?.[0];
        if (!f) {
          mount(csvResult, notice('error', 'choose a CSV file first'));
          return;
        }
        void f.text().then((csv) => api.post<{ registered: Registered[] }>('/v1/devices/import', { csv })).then((r) => {
          const rows: Child = table([
            { title: 'Serial', cell: (x: Registered) => link(`/devices/${encodeURIComponent(x.registration.deviceId)}`, x.registration.serial) },
            { title: 'Assigned to', cell: (x) => x.registration.assigneeName }, { title: 'Ship to', cell: (x) => x.registration.shipTo },
            { title: 'Token (shown only now)', class: 'wide', cell: (x) => h('code', { class: 'token' }, x.token) },
          ], r.registered);
          mount(csvResult, notice('ok', `${r.registered.length} laptop(s) registered.`), rows);
          void loadTokens();
        }, (err: unknown) => mount(csvResult, notice('error', errorText(err))));
      },
    },
  }, field('CSV export', file, 'columns by name: serial, assignee (or name and email), ship-to (or city, state, country), time zone; one bad row imports nothing'),
  h('button', { class: 'primary', attrs: { type: 'submit', id: 'csv-submit' } }, 'Import'), csvResult);

  mount(el, pageHeader('IT: register laptops'),
    h('div', { class: 'grid-2' }, card('Register a laptop', register), h('div', null, card('Issue an enrollment token', reissue), card('Import a CSV', importCsv))),
    card('Enrollment tokens (newest first; the secrets are never stored)', tokens));
  void loadTokens();
}
