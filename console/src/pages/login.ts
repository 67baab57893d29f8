// Logging in: user name and password for a session cookie. Wrong credentials, a disabled account
// and too many attempts each say so; after logging in the console opens the page asked for.
import { h, mount } from '../dom.js';
import { api } from '../api.js';
import { errorText, notice } from '../components.js';

/** A path inside this console (never another site) to open after logging in. */
export function safeNext(next: string | null): string | undefined {
  return next && /^\/(?![/\\])[\w\-./?=&%:]*$/.test(next) && next.length <= 500 && !next.startsWith('/login') ? next : undefined;
}

export function loginPage(root: HTMLElement): void {
  const name = h('input', { attrs: { id: 'login-name', name: 'username', autocomplete: 'username', required: true, maxlength: 64, autofocus: true } });
  const password = h('input', { attrs: { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 } });
  const message = h('div', { class: 'login-message' });
  const button = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Log in');
  const form = h('form', {
    class: 'login-form', attrs: { method: 'post', action: '/login' },
    on: {
      submit: (e) => {
        e.preventDefault();
        button.disabled = true;
        mount(message);
        api.post<{ home: string }>('/v1/session', { name: name.value, password: password.value }).then(
          (r) => location.assign(safeNext(new URLSearchParams(location.search).get('next')) ?? r.home),
          (err: unknown) => {
            button.disabled = false;
            password.value = '';
            password.focus();
            mount(message, notice('error', errorText(err)));
          },
        );
      },
    },
  },
  h('label', { attrs: { for: 'login-name' } }, 'User name'), name,
  h('label', { attrs: { for: 'login-password' } }, 'Password'), password,
  message, button);
  mount(root, h('main', { class: 'login' },
    h('div', { class: 'login-box' },
      h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }), 'farmwatch'),
      h('p', { class: 'login-sub' }, 'Laptop-farm detection · SOC console'),
      form,
      h('p', { class: 'login-help' }, 'No account? An admin makes one with ', h('code', null, 'farmwatch-collector users create'), '.'))));
}
