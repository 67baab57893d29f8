// What remote-access and developer tools leave on a Windows laptop, as the agent's sensors report
// it: their processes (under the names the shared catalog knows), their Windows services, and their
// sockets in the agent's SocketFact shape (agent/src/sensors/sockets/types.ts). On Windows the
// socket sensor reads netstat through systeminformation: TCP connections show their remote end,
// UDP sockets only their local port (as listening), so a tool's UDP traffic shows no peer.
//
// Host side (lets others control this laptop):
//   RustDesk: the service and the server process; during a session a TCP connection to the relay
//     (hbbr, port 21117) or, when the two ends reach each other, straight to the controller;
//     registration with the rendezvous server is UDP (no remote end on Windows).
//   Chrome Remote Desktop: remoting_host.exe (daemon and desktop process), a standing HTTPS
//     connection to Google for signalling; a session goes through Google's relay (TCP 443) or, over
//     ICE-TCP, straight to the controller.
//   Splashtop Streamer: SRService.exe keeps a connection to Splashtop's gateway (443); SRServer.exe
//     carries a session, through Splashtop's relay or straight to the controller.
//   ScreenConnect (ConnectWise Control) client: ScreenConnect.ClientService.exe keeps a connection
//     to its server, the relay: a cloud instance on ConnectWise's network (443), or a server the
//     operator runs himself (relay port 8041): then the relay is the operator's own address.
// Client side (this laptop reaches other machines; innocent): PuTTY and WinSCP to SSH servers,
//   mstsc.exe to an RDP host, a VNC viewer to a VNC server, and WireGuard: a tunnel to the
//   company's network whose UDP socket on its default port 51820 belongs to the kernel driver
//   (WireGuardNT: process "System").

const proc = (pid, name, dir, user = 'SYSTEM') => ({ pid, ppid: 1, name, path: `${dir}\\${name}`, user });
const tcp = (pid, process, localPort, remoteAddress, remotePort) => ({ protocol: 'tcp', state: 'established', localPort, remoteAddress, remotePort, pid, process });

/** The host-side tools of farm scenarios: catalog id, what they run and how they connect. */
export const HOST_TOOLS = {
  rustdesk: {
    name: 'RustDesk', relayNet: 'rented', relayPort: 21117,
    processes: () => [proc(7101, 'rustdesk.exe', 'C:\\Program Files\\RustDesk'), proc(7102, 'rustdesk.exe', 'C:\\Program Files\\RustDesk', 'user')],
    services: [{ name: 'RustDesk', displayName: 'RustDesk Service', path: '"C:\\Program Files\\RustDesk\\rustdesk.exe" --service', enabled: true, running: true }],
    standing: () => [],
    session: (t) => (t.mode === 'direct' ? [tcp(7102, 'rustdesk.exe', 52811, t.peer, t.peerPort)] : [tcp(7102, 'rustdesk.exe', 52811, t.relay, 21117)]),
  },
  'chrome-remote-desktop': {
    name: 'Chrome Remote Desktop', relayNet: 'google', relayPort: 443,
    processes: () => [proc(7201, 'remoting_host.exe', 'C:\\Program Files (x86)\\Google\\Chrome Remote Desktop\\124.0.6367.28'),
      proc(7202, 'remoting_host.exe', 'C:\\Program Files (x86)\\Google\\Chrome Remote Desktop\\124.0.6367.28', 'user')],
    services: [{ name: 'chromoting', displayName: 'Chrome Remote Desktop Service', path: '"C:\\Program Files (x86)\\Google\\Chrome Remote Desktop\\124.0.6367.28\\remoting_host.exe" --type=daemon', enabled: true, running: true }],
    standing: (t) => [tcp(7201, 'remoting_host.exe', 50412, t.signal, 443)],
    session: (t) => (t.mode === 'direct' ? [tcp(7202, 'remoting_host.exe', 50577, t.peer, t.peerPort)] : [tcp(7202, 'remoting_host.exe', 50577, t.relay, 443)]),
  },
  splashtop: {
    name: 'Splashtop', relayNet: 'aws', relayPort: 443,
    processes: (active) => [proc(7301, 'SRService.exe', 'C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server'),
      proc(7302, 'SRManager.exe', 'C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server', 'user'),
      ...(active ? [proc(7303, 'SRServer.exe', 'C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server', 'user')] : [])],
    services: [{ name: 'SplashtopRemoteService', displayName: 'Splashtop® Remote Service', path: '"C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server\\SRService.exe"', enabled: true, running: true }],
    standing: (t) => [tcp(7301, 'SRService.exe', 49822, t.signal, 443)],
    session: (t) => (t.mode === 'direct' ? [tcp(7303, 'SRServer.exe', 49901, t.peer, t.peerPort)] : [tcp(7303, 'SRServer.exe', 49901, t.relay, 443)]),
  },
  screenconnect: {
    name: 'ScreenConnect', relayNet: 'aws', relayPort: 443,
    processes: (active) => [proc(7401, 'ScreenConnect.ClientService.exe', 'C:\\Program Files (x86)\\ScreenConnect Client (5c1e9d2a8b7f4e30)'),
      ...(active ? [proc(7402, 'ScreenConnect.WindowsClient.exe', 'C:\\Program Files (x86)\\ScreenConnect Client (5c1e9d2a8b7f4e30)', 'user')] : [])],
    services: [{ name: 'ScreenConnect Client (5c1e9d2a8b7f4e30)', displayName: 'ScreenConnect Client (5c1e9d2a8b7f4e30)', path: '"C:\\Program Files (x86)\\ScreenConnect Client (5c1e9d2a8b7f4e30)\\ScreenConnect.ClientService.exe"', enabled: true, running: true }],
    // The client service stays connected to its server: the operator's own (relay port 8041), or a cloud instance.
    standing: (t) => [t.mode === 'direct' ? tcp(7401, 'ScreenConnect.ClientService.exe', 51233, t.peer, 8041) : tcp(7401, 'ScreenConnect.ClientService.exe', 51233, t.relay, 443)],
    session: () => [],
  },
};

/**
 * A host-side tool on the laptop: `tool` = { id, mode: 'direct' | 'relay', peer, peerPort, relay,
 * signal } (addresses), `active` while someone is connected.
 */
export function hostToolFacts(tool, active) {
  const t = HOST_TOOLS[tool.id];
  return { processes: t.processes(active), services: t.services, sockets: [...t.standing(tool), ...(active ? t.session(tool) : [])] };
}

/**
 * A developer's client-side tools: `dev` = { putty, winscp, mstsc, vnc, wireguard } (each the
 * address it reaches, or absent), `working` while the developer works (connections open).
 */
export function devToolFacts(dev, working) {
  const processes = [];
  const sockets = [];
  const services = [];
  const interfaces = [];
  const extraRoutes = [];
  const user = (pid, name, dir) => proc(pid, name, dir, 'user');
  if (dev.putty && working) {
    processes.push(user(7501, 'putty.exe', 'C:\\Program Files\\PuTTY'));
    sockets.push(tcp(7501, 'putty.exe', 53110, dev.putty, 22));
  }
  if (dev.winscp && working) {
    processes.push(user(7502, 'WinSCP.exe', 'C:\\Program Files (x86)\\WinSCP'));
    sockets.push(tcp(7502, 'WinSCP.exe', 53177, dev.winscp, 22));
  }
  if (dev.mstsc && working) {
    processes.push(user(7503, 'mstsc.exe', 'C:\\Windows\\System32'));
    sockets.push(tcp(7503, 'mstsc.exe', 53240, dev.mstsc, 3389));
  }
  if (dev.vnc && working) {
    processes.push(user(7504, dev.vnc.viewer, dev.vnc.viewer === 'tvnviewer.exe' ? 'C:\\Program Files\\TightVNC' : 'C:\\Program Files\\RealVNC\\VNC Viewer'));
    sockets.push(tcp(7504, dev.vnc.viewer, 53301, dev.vnc.server, 5900));
  }
  if (dev.wireguard) {
    processes.push(proc(7505, 'wireguard.exe', 'C:\\Program Files\\WireGuard'), proc(7506, 'wireguard.exe', 'C:\\Program Files\\WireGuard'));
    services.push({ name: 'WireGuardManager', displayName: 'WireGuard Manager', path: '"C:\\Program Files\\WireGuard\\wireguard.exe" /managerservice', enabled: true, running: true },
      { name: 'WireGuardTunnel$corp-dev', displayName: 'WireGuard Tunnel: corp-dev', path: '"C:\\Program Files\\WireGuard\\wireguard.exe" /tunnelservice "C:\\Program Files\\WireGuard\\Data\\Configurations\\corp-dev.conf.dpapi"', enabled: true, running: true });
    interfaces.push({ name: 'corp-dev', kind: 'tunnel', up: true, addresses: [`10.60.8.${dev.wireguard.octet}/32`], mtu: 1420, kindReason: 'Windows adapter type: tunnel', description: 'WireGuard Tunnel' });
    // Split tunnel: only the company's development network goes through it.
    extraRoutes.push({ destination: '10.60.0.0/16', gateway: '10.60.0.1', interface: 'corp-dev', metric: 5 });
    sockets.push({ protocol: 'udp', state: 'listen', localAddress: '0.0.0.0', localPort: 51820, pid: 4, process: 'System' });
  }
  return { processes, sockets, services, interfaces, extraRoutes };
}
