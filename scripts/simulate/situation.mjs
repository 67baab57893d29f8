// A laptop's facts in one situation: where it is (a place, seen from the laptop's seat) and what
// runs on it or is plugged in (extras), as the agent's sensors would report them. A live phase
// names its place (inherited from the phase before when not given) and extras; the history replay
// (history.mjs) builds the same for each quarter hour.
import { anydeskTrace, hostFacts, sessionsFrom, teamviewerIncoming } from './facts.mjs';
import { viewOf } from './lan.mjs';
import { devToolFacts, hostToolFacts } from './tools.mjs';

/** Windows process names and tunnel adapters of consumer VPN clients, as the catalog knows them. */
const VPN_CLIENTS = {
  nordvpn: { processes: ['NordVPN.exe', 'nordvpn-service.exe'], adapter: { name: 'NordLynx', description: 'NordLynx Tunnel' } },
  protonvpn: { processes: ['ProtonVPN.Client.exe', 'ProtonVPNService.exe'], adapter: { name: 'ProtonVPN', description: 'TAP-ProtonVPN Windows Adapter V9' } },
  expressvpn: { processes: ['ExpressVPN.exe', 'expressvpnd.exe'], adapter: { name: 'ExpressVPN', description: 'ExpressVPN Wintun Driver' } },
  surfshark: { processes: ['Surfshark.exe', 'Surfshark.Service.exe'], adapter: { name: 'Surfshark', description: 'TAP-Surfshark Windows Adapter V9' } },
};

const proc = (name, dir) => ({ pid: 0, ppid: 1, name, path: `${dir}\\${name}` });

/** Where the laptop is in phase `p`: the last phase that said so. */
export function whereIn(laptop, p) {
  let ip;
  let place;
  for (let i = 0; i <= p; i++) {
    ip = laptop.phases[i]?.ip ?? ip;
    place = laptop.phases[i]?.place ?? place;
  }
  return { ip, place };
}

/** HostFacts of `laptop` in phase `p`; `sinceMs` dates the session log lines written in this phase. */
export function situationFacts(laptop, p, sinceMs) {
  const { place } = whereIn(laptop, p);
  return extrasFacts(laptop, place, laptop.phases[p]?.extras ?? {}, sinceMs);
}

/**
 * HostFacts of `laptop` at `place` with `x` on it:
 *   anydesk / teamviewer: incoming sessions (each { id, name, ... , atMs? }: without a time, one a
 *     minute from `sinceMs`); teamviewer also when empty means installed;
 *   vpn: a consumer VPN client connected; kvm: an IP-KVM plugged in; timeZone: the clock's zone;
 *   tool: a host-side tool ({ id, mode, peer, peerPort, relay, signal }), `active` while driven;
 *   dev: a developer's client tools, their connections open while `working`.
 */
export function extrasFacts(laptop, place, x, sinceMs) {
  const processes = [];
  let sessions = [];
  let interfaces = [];
  const sockets = [];
  const services = [];
  let routes;
  const extraRoutes = [];
  const dated = (list) => list.map((o, i) => ({ ...o, atMs: o.atMs ?? sinceMs + i * 60_000 }));
  if (x.anydesk) {
    processes.push(proc('AnyDesk.exe', 'C:\\Program Files (x86)\\AnyDesk'));
    if (x.anydesk.length > 0) sessions = [...sessions, ...sessionsFrom('C:\\ProgramData\\AnyDesk\\ad_svc.trace', anydeskTrace(dated(x.anydesk)))];
  }
  if (x.teamviewer) {
    processes.push(proc('TeamViewer.exe', 'C:\\Program Files\\TeamViewer'), proc('TeamViewer_Service.exe', 'C:\\Program Files\\TeamViewer'));
    if (x.teamviewer.length > 0) {
      const rows = teamviewerIncoming(dated(x.teamviewer));
      sessions = [...sessions, ...sessionsFrom('C:\\Program Files\\TeamViewer\\Connections_incoming.txt', rows)];
    }
  }
  if (x.tool) {
    const t = hostToolFacts(x.tool, x.active === true);
    processes.push(...t.processes);
    services.push(...t.services);
    sockets.push(...t.sockets);
  }
  if (x.dev) {
    const d = devToolFacts(x.dev, x.working === true);
    processes.push(...d.processes);
    services.push(...d.services);
    sockets.push(...d.sockets);
    interfaces = [...interfaces, ...d.interfaces];
    extraRoutes.push(...d.extraRoutes);
  }
  if (x.vpn) {
    const v = VPN_CLIENTS[x.vpn];
    processes.push(...v.processes.map((n) => proc(n, `C:\\Program Files\\${x.vpn}`)));
    interfaces = [...interfaces, { ...v.adapter, kind: 'tunnel', up: true, addresses: ['10.5.0.2/32'], mtu: 1420, kindReason: 'Windows adapter type: tunnel' }];
    routes = [
      { destination: '0.0.0.0/1', gateway: '10.5.0.1', interface: v.adapter.name, metric: 5 },
      { destination: '128.0.0.0/1', gateway: '10.5.0.1', interface: v.adapter.name, metric: 5 },
      { destination: '0.0.0.0/0', gateway: `${place.lanPrefix}.1`, interface: 'Wi-Fi', metric: 35 },
    ];
  }
  return hostFacts(laptop, viewOf(place, laptop), {
    processes, sessions, interfaces, sockets, services, extraRoutes, ...(routes ? { routes } : {}), ...(x.kvm ? { kvm: x.kvm } : {}),
    ...(x.timeZone ? { timeZone: x.timeZone } : {}),
  });
}
