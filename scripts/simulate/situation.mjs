// A laptop's facts in one phase of its scenario: where it is (place, inherited from the phase
// before when not given) and what runs on it or is plugged in (the phase's extras), as the
// agent's sensors would report them.
import { anydeskTrace, hostFacts, sessionsFrom, teamviewerIncoming } from './facts.mjs';

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
  const x = laptop.phases[p]?.extras ?? {};
  const processes = [];
  let sessions = [];
  let interfaces = [];
  let routes;
  if (x.anydesk) {
    processes.push(proc('AnyDesk.exe', 'C:\\Program Files (x86)\\AnyDesk'));
    const trace = anydeskTrace(x.anydesk.map((o, i) => ({ ...o, atMs: sinceMs + i * 60_000 })));
    sessions = [...sessions, ...sessionsFrom('C:\\ProgramData\\AnyDesk\\ad_svc.trace', trace)];
  }
  if (x.teamviewer) {
    processes.push(proc('TeamViewer.exe', 'C:\\Program Files\\TeamViewer'), proc('TeamViewer_Service.exe', 'C:\\Program Files\\TeamViewer'));
    if (x.teamviewer.length > 0) {
      const rows = teamviewerIncoming(x.teamviewer.map((s, i) => ({ ...s, atMs: sinceMs + i * 60_000 })));
      sessions = [...sessions, ...sessionsFrom('C:\\Program Files\\TeamViewer\\Connections_incoming.txt', rows)];
    }
  }
  if (x.vpn) {
    const v = VPN_CLIENTS[x.vpn];
    processes.push(...v.processes.map((n) => proc(n, `C:\\Program Files\\${x.vpn}`)));
    interfaces = [{ ...v.adapter, kind: 'tunnel', up: true, addresses: ['10.5.0.2/32'], mtu: 1420, kindReason: 'Windows adapter type: tunnel' }];
    routes = [
      { destination: '0.0.0.0/1', gateway: '10.5.0.1', interface: v.adapter.name, metric: 5 },
      { destination: '128.0.0.0/1', gateway: '10.5.0.1', interface: v.adapter.name, metric: 5 },
      { destination: '0.0.0.0/0', gateway: `${place.lanPrefix}.1`, interface: 'Wi-Fi', metric: 35 },
    ];
  }
  return hostFacts(laptop, place, {
    processes, sessions, interfaces, ...(routes ? { routes } : {}), ...(x.kvm ? { kvm: x.kvm } : {}), ...(x.timeZone ? { timeZone: x.timeZone } : {}),
  });
}
