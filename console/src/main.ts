// The console in the browser: who is logged in (or the login page), the frame, the pages, live
// updates. Everything it shows comes from the collector's API as data.
import './styles/app.css';
import { h, mount } from './dom.js';
import { api, ApiFailure, toLogin } from './api.js';
import { setSession, type Session } from './session.js';
import { definePage, startRouter } from './router.js';
import { shell } from './layout.js';
import { startLive } from './live.js';
import { notice } from './components.js';
import { loginPage } from './pages/login.js';
import { queuePage } from './pages/queue.js';
import { alertPage } from './pages/alert.js';
import { devicePage } from './pages/device.js';
import { clusterPage } from './pages/cluster.js';
import { fleetPage } from './pages/fleet.js';
import { clustersPage, devicesPage } from './pages/lists.js';
import { itPage } from './pages/it.js';
import { adminPage } from './pages/admin.js';
import { sitesPage } from './pages/sites.js';

definePage('/fleet', 'Fleet overview', fleetPage);
definePage('/alerts', 'Alert queue', queuePage);
definePage('/alerts/:id', 'Alert', alertPage);
definePage('/clusters', 'Farm clusters', clustersPage);
definePage('/clusters/:id', 'Farm cluster', clusterPage);
definePage('/devices', 'Devices', devicesPage);
definePage('/devices/:id', 'Device', devicePage);
definePage('/it', 'IT', itPage);
definePage('/sites', 'Company sites', sitesPage);
definePage('/admin', 'Admin', adminPage);

async function boot(): Promise<void> {
  const root = document.getElementById('app') as HTMLElement;
  if (location.pathname === '/login') {
    document.title = 'Log in · farmwatch';
    loginPage(root);
    return;
  }
  let s: Session;
  try {
    s = await api.get<Session>('/v1/session');
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return toLogin();
    mount(root, notice('error', `The console cannot reach the collector: ${(err as Error).message}`));
    return;
  }
  setSession(s);
  const { root: frame, main } = shell();
  mount(root, frame);
  if (s.user.role !== 'it') startLive();
  startRouter(main);
}

void boot().catch((err: unknown) => {
  document.body.append(h('p', { class: 'notice error' }, `The console failed to start: ${(err as Error).message}`));
});
