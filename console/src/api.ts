// Calls to the collector's API with the session cookie; every change carries the session's CSRF
// token. A 401 means the session ended: back to the login page, then here again.
import { session } from './session.js';

export class ApiFailure extends Error {
  constructor(readonly status: number, message: string, readonly problems: string[] = []) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function toLogin(): void {
  const here = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(here)}`);
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = session()?.csrfToken;
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const data = (await res.json().catch(() => ({}))) as { error?: { message?: string; problems?: string[] } } & T;
  if (res.status === 401 && path !== '/v1/session') {
    toLogin();
    throw new ApiFailure(401, 'your session ended: log in again');
  }
  if (!res.ok) {
    const problems = (data as { problems?: string[] }).problems ?? data.error?.problems ?? [];
    throw new ApiFailure(res.status, data.error?.message ?? `${method} ${path} failed (${res.status})`, problems);
  }
  return data;
}

export const api = {
  get: <T>(path: string, query?: Query): Promise<T> => call<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body),
  del: <T>(path: string): Promise<T> => call<T>('DELETE', path),
};
