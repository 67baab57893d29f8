// IT's page: register a laptop before shipping it (its one-time enrollment token comes back,
// shown once), issue a new token for a laptop already registered (its earlier unused tokens stop
// working), import an HR / asset CSV export (all rows or none, every problem listed with its line),
// the tokens' states, and the collector's CA certificate every laptop enrolls with.
import { h, mount, type Child } from '../dom.js';
import { api } from '../api.js';
import { card, errorText, link, notice, pageHeader, table, tag } from '../components.js';
import { when } from '../format.js';

interface Registered { registration: { deviceId: string; serial: string; assigneeName: string; shipTo: string }; token: string; tokenExpiresMs: number }
interface TokenRow { deviceId: string; serial: string; createdMs: number; expiresMs: number; createdBy: string; usedMs: number | null; revokedMs: number | null; state: string }

/** The collector's CA certificate (public): the agent enrolls with it (--ca) and pins it. */
const CA_URL = '/v1/enrollment/ca.pem';
const caLink = (label: string, id?: string): HTMLAnchorElement => h('a', { attrs: { href: CA_URL, download: 'ca.pem', ...(id ? { id } : {}) } }, label);

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string): HTMLElement {
  return h('div', { class: 'field' }, h('label', { attrs: { for: input.id } }, label), input, hint ? h('div', { class: 'hint' }, hint) : null);
}

function tokenBox(deviceId: string, token: string, expiresMs: number, replaced = 0): HTMLElement {
  return notice('ok',
    h('p', null, 'Enrollment token for ', link(`/devices/${encodeURIComponent(deviceId)}`, deviceId), ` (one use, until ${when(expiresMs)}; shown only now):`),
    h('pre', { class: 'token' }, token),
    replaced > 0 ? h('p', null, `The laptop's ${replaced} earlier unused token(s) no longer work: use this one.`) : null,
    h('p', { class: 'hint' }, 'On the laptop: ', h('code', null, `farmwatch-agent enroll --server COLLECTOR:7443 --ca ca.pem --token ${token}`),
      ', where ca.pem is this collector\'s CA certificate (', caLink('download ca.pem'), ').'));
}

export function itPage(el: HTMLElement): void {
  const tokens = h('div');
  const loadTokens = async (): Promise<void> => {
    try {
      const rows = await api.get<TokenRow[]>('/v1/tokens');
      mount(tokens, table([
        { title: 'Laptop', cell: (t: TokenRow) => link(`/devices/${encodeURIComponent(t.deviceId)}`, t.serial || t.deviceId) },
        { title: 'Made', cell: (t) => `${when(t.createdMs)} by ${t.createdBy}` }, { title: 'Expires', cell: (t) => when(t.expiresMs) },
        { title: 'State', cell: (t) => tag(t.state, t.state === 'valid' ? 'ok' : t.state === 'expired' || t.state === 'revoked' ? 'warn' : '') },
      ], rows.slice().reverse().sort((a, b) => b.createdMs - a.createdMs).slice(0, 50), { empty: 'No token issued yet.' }));
    } catch (err) {
      mount(tokens, notice('error', errorText(err)));
    }
  };

  const input = (id: string, attrs: Record<string, string | number | boolean> = {}): HTMLInputElement => h('input', { attrs: { id, name: id, ...attrs } });
  const serial = input('reg-serial', { required: true, maxlength: 64, placeholder: 'C02XK1ABJGH5' });
  const assignee = input('reg-assignee', { required: true, maxlength: 300, placeholder: 'Jane Doe <jane.doe@example.com>' });
  const shipTo = input('reg-ship-to', { required: true, maxlength: 300, placeholder: 'Austin, Texas, US' });
  const street = input('reg-street', { maxlength: 200, placeholder: '1402 Oak Street', autocomplete: 'off' });
  const unit = input('reg-unit', { maxlength: 200, placeholder: 'Apt 2', autocomplete: 'off' });
  const zones = h('datalist', { attrs: { id: 'time-zones' } }, Intl.supportedValuesOf('timeZone').map((z) => h('option', { attrs: { value: z } })));
  const tz = input('reg-timezone', { required: true, maxlength: 64, list: 'time-zones', placeholder: 'America/Chicago' });
  const regResult = h('div');
  const register = h('form', {
    class: 'form', on: {
      submit: (e) => {
        e.preventDefault();
        // The street and unit go to the collector once; it keeps only their keyed hashes (several "new hires" shipped to one address).
        const address = { ...(street.value.trim() ? { street: street.value.trim() } : {}), ...(unit.value.trim() ? { unit: unit.value.trim() } : {}) };
        api.post<Registered>('/v1/devices', { serial: serial.value.trim(), assignee: assignee.value.trim(), shipTo: shipTo.value.trim(), ...address, timeZone: tz.value.trim() }).then((r) => {
          mount(regResult, tokenBox(r.registration.deviceId, r.token, r.tokenExpiresMs));
          (e.target as HTMLFormElement).reset();
          void loadTokens();
        }, (err: unknown) => mount(regResult, notice('error', errorText(err))));
      },
    },
  }, field('Serial number', serial, 'as the laptop\'s firmware reports it'), field('Assigned to', assignee, 'Name <email>'), field('Ship to', shipTo, 'City, Region, Country'),
  field('Street', street, 'optional: the street line shipped to; only a keyed hash is kept, to find several people shipped to one address'),
  field('Apartment or suite', unit, 'optional, when not in the street line'),
  field('Time zone', tz, 'where the person works (IANA name)'), zones, h('button', { class: 'primary', attrs: { type: 'submit', id: 'reg-submit' } }, 'Register and issue a token'), regResult);

  const which = input('tok-device', { required: true, maxlength: 140, placeholder: 'serial, hostname or device id' });
  const tokResult = h('div');
  const reissue = h('form', {
    class: 'form', on: {
      submit: (e) => {
        e.preventDefault();
        api.post<{ deviceId: string; token: string; expiresMs: number; replaced: number }>(`/v1/devices/${encodeURIComponent(which.value.trim())}/tokens`, {}).then((r) => {
          mount(tokResult, tokenBox(r.deviceId, r.token, r.expiresMs, r.replaced));
          void loadTokens();
        }, (err: unknown) => mount(tokResult, notice('error', errorText(err))));
      },
    },
  }, field('Laptop', which, 'for re-enrollment: after a revocation, a reinstall or an expired token; its earlier unused tokens stop working'), h('button', { class: 'primary', attrs: { type: 'submit', id: 'tok-submit' } }, 'Issue a token'), tokResult);

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

  const ca = card('The collector\'s CA certificate',
    h('p', null, 'Every laptop needs this collector\'s CA certificate, ca.pem, next to its enrollment token: the agent enrolls with it ',
      h('code', null, '--ca ca.pem'), ' (or "ca_file") and trusts only this collector from then on. It is public; the CA\'s key never leaves the collector. ',
      caLink('Download ca.pem', 'ca-download'), ' (on the collector it is ', h('code', null, 'ca.pem'), ' in its ', h('code', null, '--tls-dir'), ', ',
      h('code', null, 'var/certs/'), ' with npm start).'));

  mount(el, pageHeader('IT: register laptops'),
    ca,
    h('div', { class: 'grid-2' }, card('Register a laptop', register), h('div', null, card('Issue an enrollment token', reissue), card('Import a CSV', importCsv))),
    card('Enrollment tokens (newest first; the secrets are never stored)', tokens));
  void loadTokens();
}
