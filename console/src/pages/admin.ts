// Admins: the people who log in (add with a role, reset a password, disable or enable), API tokens
// (make, revoke) and the audit log.
import { h, mount, type Child } from '../dom.js';
import { api } from '../api.js';
import { card, errorText, link, notice, pageHeader, table, tag, toast } from '../components.js';
import { ago, when } from '../format.js';
import { session } from '../session.js';

interface User { id: number; name: string; role: string; createdMs: number; createdBy: string; lastLoginMs: number | null; disabledMs: number | null }
interface Token { id: number; name: string; role: string; createdMs: number; lastUsedMs: number | null; revokedMs: number | null }
interface Audit { id: number; atMs: number; actor: string; action: string; target: string; detail: string }

/** An audit record's typed target (KIND:ID); an alert's or a laptop's opens its page. */
function target(t: string): Child {
  const m = /^(alert|device):(.+)$/.exec(t);
  if (!m?.[2]) return t;
  return link(m[1] === 'alert' ? `/alerts/${encodeURIComponent(m[2])}` : `/devices/${encodeURIComponent(m[2])}`, t);
}

const roleSelect = (id: string): HTMLSelectElement => h('select', { attrs: { id, name: id } }, ['analyst', 'it', 'admin'].map((r) => h('option', { attrs: { value: r } }, r)));

export function adminPage(el: HTMLElement): void {
  const users = h('div');
  const tokens = h('div');
  const audit = h('div');
  const secret = h('div');
  const showSecret = (what: string, value: string): void => mount(secret, notice('ok', h('p', null, `${what} (shown only now):`), h('pre', { class: 'token' }, value)));
  const fail = (err: unknown): void => toast(errorText(err), 'error');

  const load = async (): Promise<void> => {
    try {
      const [u, t, a] = await Promise.all([api.get<User[]>('/v1/users'), api.get<Token[]>('/v1/api-tokens'), api.get<Audit[]>('/v1/audit', { limit: 100 })]);
      const me = session()?.user.name;
      mount(users, table([
        { title: 'Name', cell: (x: User) => [x.name, x.name === me ? tag('you') : null] }, { title: 'Role', cell: (x) => tag(x.role) },
        { title: 'Last login', cell: (x) => ago(x.lastLoginMs) }, { title: 'Made', cell: (x) => `${when(x.createdMs)} by ${x.createdBy}` },
        { title: 'State', cell: (x) => (x.disabledMs ? tag('disabled', 'warn') : tag('active', 'ok')) },
        { title: '', cell: (x) => h('div', { class: 'row-actions' },
          h('button', { attrs: { type: 'button' }, on: { click: () => void api.post<{ password?: string }>(`/v1/users/${x.id}/password`, {}).then((r) => { showSecret(`New password of ${x.name}`, r.password ?? ''); void load(); }, fail) } }, 'Reset password'),
          x.name === me ? null : h('button', { attrs: { type: 'button' }, on: { click: () => void api.post(`/v1/users/${x.id}/${x.disabledMs ? 'enable' : 'disable'}`, {}).then(() => load(), fail) } }, x.disabledMs ? 'Enable' : 'Disable')) },
      ], u));
      mount(tokens, table([
        { title: 'Name', cell: (x: Token) => x.name }, { title: 'Role', cell: (x) => tag(x.role) }, { title: 'Last used', cell: (x) => ago(x.lastUsedMs) },
        { title: 'State', cell: (x) => (x.revokedMs ? tag('revoked', 'warn') : tag('live', 'ok')) },
        { title: '', cell: (x) => (x.revokedMs ? '' : h('button', { attrs: { type: 'button' }, on: { click: () => void api.del(`/v1/api-tokens/${x.id}`).then(() => load(), fail) } }, 'Revoke')) },
      ], t, { empty: 'No API token.' }));
      mount(audit, table([
        { title: 'When', cell: (x: Audit) => h('span', { attrs: { title: when(x.atMs) } }, ago(x.atMs)) }, { title: 'Who', cell: (x) => x.actor },
        { title: 'What', cell: (x) => h('code', null, x.action) }, { title: 'Target', cell: (x) => target(x.target) }, { title: 'Detail', class: 'wide', cell: (x) => x.detail },
      ], a, { empty: 'Nothing yet.' }));
    } catch (err) {
      mount(users, notice('error', errorText(err)));
    }
  };

  const userName = h('input', { attrs: { id: 'user-name', required: true, maxlength: 64, placeholder: 'jordan.ellis' } });
  const userRole = roleSelect('user-role');
  const addUser = h('form', {
    class: 'inline-form', on: {
      submit: (e) => {
        e.preventDefault();
        api.post<{ name: string; password?: string }>('/v1/users', { name: userName.value.trim(), role: userRole.value }).then((r) => {
          showSecret(`Password of ${r.name}`, r.password ?? '');
          userName.value = '';
          void load();
        }, fail);
      },
    },
  }, h('label', { attrs: { for: 'user-name' } }, 'Name'), userName, h('label', { attrs: { for: 'user-role' } }, 'Role'), userRole, h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Add person'));

  const tokenName = h('input', { attrs: { id: 'token-name', required: true, maxlength: 100, placeholder: 'SIEM integration' } });
  const tokenRole = roleSelect('token-role');
  const addToken = h('form', {
    class: 'inline-form', on: {
      submit: (e) => {
        e.preventDefault();
        api.post<{ token: string; name: string }>('/v1/api-tokens', { name: tokenName.value.trim(), role: tokenRole.value }).then((r) => {
          showSecret(`API token "${r.name}"`, r.token);
          tokenName.value = '';
          void load();
        }, fail);
      },
    },
  }, h('label', { attrs: { for: 'token-name' } }, 'Name'), tokenName, h('label', { attrs: { for: 'token-role' } }, 'Role'), tokenRole, h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Make token'));

  mount(el, pageHeader('Admin: people and tokens'), secret,
    card('People who log in to the console', addUser, users),
    card('API tokens', addToken, tokens),
    card('Audit log (latest 100)', audit));
  void load();
}
