// Live alert changes from the collector's event stream (server-sent events, with the session
// cookie). Pages subscribe while they are shown; the header shows whether the stream is up.
import { toLogin } from './api.js';

export interface AlertEvent {
  id: number;
  change: 'new' | 'reopened' | 'escalated' | 'grew' | 'updated';
  rule: string;
  scope: string;
  severity: string;
  status: string;
  score: number;
  title: string;
  devices: { id: string; hostname: string }[];
}

type Listener = (e: AlertEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(up: boolean) => void>();
let source: EventSource | undefined;

let retry: ReturnType<typeof setTimeout> | undefined;

export function startLive(): void {
  if (source) return;
  source = new EventSource('/v1/alerts/stream');
  source.addEventListener('open', () => stateListeners.forEach((l) => l(true)));
  source.addEventListener('error', () => {
    stateListeners.forEach((l) => l(false));
    // The browser retries by itself after a dropped connection, but not after a refusal (the
    // session ended, the collector restarted): then ask who we are, and start again or log in.
    if (source?.readyState !== EventSource.CLOSED) return;
    source = undefined;
    clearTimeout(retry);
    retry = setTimeout(() => {
      void fetch('/v1/session', { credentials: 'same-origin' }).then((r) => (r.status === 401 ? toLogin() : startLive()), () => startLive());
    }, 3000);
  });
  source.addEventListener('alert', (e) => {
    let data: AlertEvent;
    try {
      data = JSON.parse((e as MessageEvent<string>).data) as AlertEvent;
    } catch {
      return;
    }
    listeners.forEach((l) => l(data));
  });
  source.addEventListener('session', () => {
    source?.close();
    toLogin();
  });
}

export function stopLive(): void {
  clearTimeout(retry);
  source?.close();
  source = undefined;
}

export function onAlert(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function onLiveState(l: (up: boolean) => void): () => void {
  stateListeners.add(l);
  return () => stateListeners.delete(l);
}
