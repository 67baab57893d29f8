// Which side of a connection a remote-access finding is about, and what a port alone may say. On
// this machine's real process table and sockets (programs named as the tools, holding real
// sockets), and on facts as the sensors report them for what a test cannot start here (a kernel
// WireGuard socket belongs to no process; Windows programs).
import { afterEach, describe, expect, it } from 'vitest';
import { Platform } from '@farmwatch/proto';
import { builtinCatalog, roleOf } from '@farmwatch/shared';
import { detect, type HostFacts } from '../src/pipeline/scan.js';
import { actionableFindings } from '../src/pipeline/report.js';
import { EMPTY_POLICY, type Finding } from '../src/detectors/index.js';
import { collectLinuxProcesses } from '../src/sensors/processes/linux.js';
import { collectLinuxSockets } from '../src/sensors/sockets/linux.js';
import type { ProcessFact, SocketFact } from '../src/sensors/index.js';
import { startNamedListener, type NamedProcess } from './helpers.js';

const catalog = builtinCatalog();
const LINUX = Platform.PLATFORM_LINUX;
const WINDOWS = Platform.PLATFORM_WINDOWS;
const remoteAccess = (findings: Finding[]): Finding[] => findings.filter((f) => f.category === 'remote_access');
const role = (f: Finding | undefined): string | undefined => f?.evidence.find((e) => e.field === 'remote_access.role')?.value;
const proc = (pid: number, name: string, extra: Partial<ProcessFact> = {}): ProcessFact => ({ pid, ppid: 1, name, ...extra });
const listen = (protocol: SocketFact['protocol'], port: number, pid?: number): SocketFact => ({ protocol, state: 'listen', localAddress: '0.0.0.0', localPort: port, ...(pid === undefined ? {} : { pid }) });
const connected = (port: number, pid?: number): SocketFact => ({ protocol: 'tcp', state: 'established', localAddress: '10.0.0.5', localPort: 50_000 + port % 1000, remoteAddress: '203.0.113.9', remotePort: port, ...(pid === undefined ? {} : { pid }) });

describe.runIf(process.platform === 'linux')('real programs and sockets on this machine', () => {
  const started: NamedProcess[] = [];
  afterEach(() => started.splice(0).forEach((p) => p.stop()));
  const scan = async (): Promise<{ findings: Finding[]; sockets: SocketFact[] }> => {
    const ctx = { platform: 'linux' as const, root: '' };
    const [processes, sockets] = await Promise.all([collectLinuxProcesses(ctx), collectLinuxSockets(ctx)]);
    return { findings: remoteAccess(detect({ processes, sockets }, catalog, EMPTY_POLICY, LINUX)), sockets };
  };

  it('WireGuard (wireguard-go) on UDP 51820 is not NetBird, nor any remote-access hint', async () => {
    expect(catalog.remoteAccess?.find((t) => t.id === 'netbird')?.ports).toContain(51820);
    const wg = await startNamedListener('wireguard-go', 'udp', '127.0.0.1', 51820);
    started.push(wg);
    const { findings, sockets } = await scan();
    expect(sockets).toContainEqual(expect.objectContaining({ protocol: 'udp', state: 'listen', localPort: 51820, pid: wg.pid }));
    expect(findings.filter((f) => f.key === 'netbird' || f.key.includes('51820') || JSON.stringify(f.evidence).includes(':51820'))).toEqual([]);
  });

  it('a real NetBird process on its port is NetBird', async () => {
    const nb = await startNamedListener('netbird', 'udp', '127.0.0.1', 51820);
    started.push(nb);
    const { findings } = await scan();
    const network = findings.find((f) => f.detector === 'remote_access.network' && f.key === 'netbird');
    expect(network).toMatchObject({ title: 'NetBird is listening', severity: 'medium', catalogEntry: 'netbird' });
    expect(network?.evidence).toContainEqual({ field: 'socket.listen', value: 'udp listening on 127.0.0.1:51820', catalogEntry: 'netbird', matched: 'process netbird' });
    // NetBird's role is not researched: unknown, treated as the host side (its severity is what it was).
    expect(role(network)).toBe('unknown');
  });

  it('another program on a port only remote-access tools list is a hint that names no tool', async () => {
    const dev = await startNamedListener('fw-devserver', 'tcp', '127.0.0.1', 21115);
    started.push(dev);
    const { findings } = await scan();
    const hint = findings.find((f) => f.key === 'port/tcp/21115');
    expect(hint).toMatchObject({ detector: 'remote_access.network', severity: 'low', sanctioned: false });
    expect(hint?.catalogEntry).toBeUndefined();
    expect(hint?.title).toBe('Listening on TCP 21115, a port some remote-access tools use (the port names no tool)');
    expect(JSON.stringify(hint)).not.toMatch(/rustdesk/i);
    expect(hint?.evidence[0]).toEqual({ field: 'socket.listen', value: 'tcp listening on 127.0.0.1:21115 (fw-devserver)', matched: 'port 21115' });
  });

  it('Hugo\'s development server on 1313 (a port Faronics Insight lists too) raises nothing', async () => {
    expect(catalog.remoteAccess?.find((t) => t.id === 'faronics-insight')?.ports).toContain(1313);
    const hugo = await startNamedListener('hugo', 'tcp', '127.0.0.1', 1313);
    started.push(hugo);
    const { findings, sockets } = await scan();
    expect(sockets).toContainEqual(expect.objectContaining({ protocol: 'tcp', state: 'listen', localPort: 1313, pid: hugo.pid }));
    expect(findings.filter((f) => JSON.stringify(f).includes('1313'))).toEqual([]);
  });
});

describe('a port alone never names a tool', () => {
  it('a kernel WireGuard socket (no process) on 51820 is not NetBird, nor any remote-access finding', () => {
    const facts: HostFacts = { processes: [], sockets: [listen('udp', 51820), { protocol: 'udp', state: 'established', localAddress: '10.0.0.5', localPort: 51820, remoteAddress: '198.51.100.7', remotePort: 51820 }] };
    expect(remoteAccess(detect(facts, catalog, EMPTY_POLICY, LINUX))).toEqual([]);
  });

  it('no hint on ports SSH, SMB, RDP, STUN, development servers or VPNs use by default', () => {
    const ports: [SocketFact['protocol'], number][] = [['tcp', 22], ['tcp', 445], ['tcp', 135], ['tcp', 3389], ['udp', 3478], ['tcp', 1313], ['tcp', 5000], ['tcp', 5555], ['tcp', 8080], ['tcp', 10000], ['udp', 1194], ['udp', 41641], ['udp', 9993]];
    for (const [protocol, port] of ports) {
      const listed = (catalog.remoteAccess ?? []).some((t) => t.ports?.includes(port)) || (catalog.vpnClients ?? []).some((c) => c.ports?.includes(port));
      expect(listed, `port ${port} is in the catalog, so the rule is what keeps it quiet`).toBe(true);
      const facts: HostFacts = { processes: [proc(7, 'svchost.exe')], sockets: [listen(protocol, port, 7), connected(port, 7)] };
      expect(remoteAccess(detect(facts, catalog, EMPTY_POLICY, WINDOWS)), `port ${port}`).toEqual([]);
    }
  });

  it('a VPN client\'s own process on a remote-access port is no hint', () => {
    const facts: HostFacts = { processes: [proc(8, 'wireguard.exe')], sockets: [listen('tcp', 5931, 8)] };
    expect(remoteAccess(detect(facts, catalog, EMPTY_POLICY, WINDOWS))).toEqual([]);
    const other: HostFacts = { processes: [proc(9, 'python.exe')], sockets: [listen('tcp', 5931, 9)] };
    expect(remoteAccess(detect(other, catalog, EMPTY_POLICY, WINDOWS)).map((f) => [f.key, f.severity, f.catalogEntry])).toEqual([['port/tcp/5931', 'low', undefined]]);
  });

  it('the owning process names the tool, with the port as evidence', () => {
    const facts: HostFacts = { processes: [proc(10, 'AA_v3.exe')], sockets: [listen('tcp', 5931, 10), connected(5931, 10)] };
    const f = remoteAccess(detect(facts, catalog, EMPTY_POLICY, WINDOWS));
    expect(f.map((x) => [x.detector, x.key])).toEqual(expect.arrayContaining([['remote_access.network', 'ammyy-admin'], ['remote_access.relay_port', 'ammyy-admin']]));
    expect(f.some((x) => x.key.startsWith('port/'))).toBe(false);
  });
});

describe('the side of a connection', () => {
  it('a developer\'s PuTTY, WinSCP and mstsc, connected out, are information only, with their role', () => {
    const facts: HostFacts = {
      processes: [proc(20, 'putty.exe'), proc(21, 'WinSCP.exe'), proc(22, 'mstsc.exe')],
      sockets: [connected(22, 20), connected(22, 21), connected(3389, 22)],
      apps: [{ name: 'PuTTY release 0.81 (64-bit)', version: '0.81.0.0', source: 'registry' }, { name: 'WinSCP 6.3.5', version: '6.3.5', source: 'registry' }],
    };
    const findings = remoteAccess(detect(facts, catalog, EMPTY_POLICY, WINDOWS));
    expect(findings.map((f) => `${f.detector} ${f.key}`).sort()).toEqual([
      'remote_access.installed putty', 'remote_access.installed winscp',
      'remote_access.network mstsc-exe', 'remote_access.network putty', 'remote_access.network winscp',
      'remote_access.process mstsc-exe', 'remote_access.process putty', 'remote_access.process winscp',
    ]);
    for (const f of findings) {
      expect(f.severity, f.title).toBe('info');
      expect(role(f), f.title).toBe('client');
      expect(f.sanctioned).toBe(false);
    }
    expect(actionableFindings(findings)).toEqual([]);
  });

  it('several clients are not several vendors; host-side tools are', () => {
    const clients = detect({ processes: [proc(20, 'putty.exe'), proc(21, 'WinSCP.exe'), proc(22, 'mstsc.exe')] }, catalog, EMPTY_POLICY, WINDOWS);
    expect(clients.some((f) => f.detector === 'remote_access.multiple_vendors')).toBe(false);
    const farm = detect({ processes: [proc(20, 'putty.exe'), proc(23, 'AnyDesk.exe'), proc(24, 'TeamViewer.exe')] }, catalog, EMPTY_POLICY, WINDOWS);
    expect(farm.find((f) => f.detector === 'remote_access.multiple_vendors')?.title).toBe('2 remote-access tools are active at once: anydesk, teamviewer');
  });

  it('host-side findings keep their severity; one finding names every side that matched', () => {
    const anydesk = remoteAccess(detect({ processes: [proc(23, 'AnyDesk.exe')] }, catalog, EMPTY_POLICY, WINDOWS));
    expect(anydesk.map((f) => [f.key, f.severity, role(f)])).toEqual([['anydesk', 'medium', 'both']]);
    const vnc = remoteAccess(detect({ processes: [proc(30, 'tvnserver.exe')] }, catalog, EMPTY_POLICY, WINDOWS)).find((f) => f.key === 'tightvnc');
    expect([vnc?.severity, role(vnc)]).toEqual(['high', 'host']);
    const viewer = remoteAccess(detect({ processes: [proc(31, 'tvnviewer.exe')] }, catalog, EMPTY_POLICY, WINDOWS)).find((f) => f.key === 'tightvnc');
    expect([viewer?.severity, role(viewer)]).toEqual(['info', 'client']);
    const both = remoteAccess(detect({ processes: [proc(30, 'tvnserver.exe'), proc(31, 'tvnviewer.exe')] }, catalog, EMPTY_POLICY, WINDOWS)).find((f) => f.key === 'tightvnc');
    expect([both?.severity, role(both)]).toEqual(['high', 'both']);
    expect(both?.evidence.find((e) => e.field === 'remote_access.role')?.matched).toBe('tvnserver.exe: host; tvnviewer.exe: client');
    // PsExec on the operator's machine is a client; its service on the target is the host side.
    expect(role(remoteAccess(detect({ processes: [proc(32, 'PsExec64.exe')] }, catalog, EMPTY_POLICY, WINDOWS))[0])).toBe('client');
    expect(role(remoteAccess(detect({ processes: [proc(33, 'PSEXESVC.exe')] }, catalog, EMPTY_POLICY, WINDOWS))[0])).toBe('host');
  });

  it('an installed service that lets others in is the host side; TeamViewer QuickSupport is too', () => {
    const installed = remoteAccess(detect({ services: [{ name: 'AnyDesk', displayName: 'AnyDesk Service', running: true }] }, catalog, EMPTY_POLICY, WINDOWS));
    expect(installed.map((f) => [f.key, f.severity, role(f)])).toEqual([['anydesk', 'medium', 'host']]);
    const qs = remoteAccess(detect({ processes: [proc(40, 'TeamViewerQS.exe')] }, catalog, EMPTY_POLICY, WINDOWS));
    expect(qs.map((f) => [f.key, f.severity, role(f)])).toEqual([['teamviewer', 'medium', 'host']]);
  });

  it('a Linux admin\'s Remmina is information; an x11vnc server on the same laptop is not', () => {
    const remmina = remoteAccess(detect({ processes: [proc(50, 'remmina', { path: '/usr/bin/remmina' })] }, catalog, EMPTY_POLICY, LINUX));
    expect(remmina.map((f) => [f.key, f.severity, role(f)])).toEqual([['remmina', 'info', 'client']]);
    const x11vnc = remoteAccess(detect({ processes: [proc(51, 'x11vnc')] }, catalog, EMPTY_POLICY, LINUX));
    expect(x11vnc.map((f) => [f.key, f.severity, role(f)])).toEqual([['vnc', 'high', 'host']]);
  });

  it('incoming sessions are the host side', () => {
    const findings = detect({ sessions: [{ tool: 'anydesk', direction: 'incoming', peerId: '123456789', file: 'ad_svc.trace', startedAtMs: Date.UTC(2025, 0, 2), unattended: false }] }, catalog, EMPTY_POLICY, WINDOWS);
    expect(findings.map((f) => [f.detector, role(f)])).toEqual([['remote_access.session', 'host']]);
  });
});

describe('the catalog\'s role facts', () => {
  const tool = (id: string) => {
    const t = catalog.remoteAccess?.find((x) => x.id === id);
    if (!t) throw new Error(`${id} is not in the catalog`);
    return t;
  };
  const patternRole = (id: string, name: string): string => {
    const t = tool(id);
    const p = [...(t.processes ?? []), ...(t.services ?? []), ...(t.paths ?? [])].find((x) => x.pattern?.toLowerCase() === name.toLowerCase());
    if (!p) throw new Error(`${name} is not one of ${id}'s names`);
    return roleOf(t, p);
  };

  it('says which side the tools of this issue are', () => {
    expect(['putty', 'winscp', 'mstsc-exe', 'remmina', 'kitty', 'securecrt', 'mremoteng', 'rdcman'].map((id) => [id, roleOf(tool(id))]))
      .toEqual(['putty', 'winscp', 'mstsc-exe', 'remmina', 'kitty', 'securecrt', 'mremoteng', 'rdcman'].map((id) => [id, 'client']));
    expect(['anydesk', 'teamviewer', 'rustdesk'].map((id) => roleOf(tool(id)))).toEqual(['both', 'both', 'both']);
    expect(roleOf(tool('chrome-remote-desktop'))).toBe('host');
    expect([patternRole('anydesk', 'AnyDesk Service'), patternRole('teamviewer', 'teamviewerqs.exe'), patternRole('teamviewer', 'teamviewer_service.exe')]).toEqual(['host', 'host', 'host']);
    expect([patternRole('splashtop', 'strwinclt.exe'), patternRole('splashtop', 'SRServer.exe')]).toEqual(['client', 'host']);
    expect([patternRole('vnc', 'vncviewer.exe'), patternRole('vnc', 'x11vnc'), patternRole('screenconnect', 'ScreenConnect.ClientService.exe')]).toEqual(['client', 'host', 'host']);
  });

  it('every role names its source, and a tool nobody researched has none (the host side, as before)', () => {
    for (const t of catalog.remoteAccess ?? []) {
      const roled = !!t.role || [...(t.processes ?? []), ...(t.services ?? []), ...(t.paths ?? [])].some((p) => p.role);
      if (roled) expect(t.sources?.some((s) => /^roles?\b/.test(s.note ?? '')), `${t.id ?? ''} has a role without its source`).toBe(true);
    }
    expect(roleOf(tool('atera'))).toBe('unknown');
    const atera = remoteAccess(detect({ processes: [proc(60, 'AteraAgent.exe')] }, catalog, EMPTY_POLICY, WINDOWS));
    expect(atera.map((f) => [f.key, f.severity, role(f)])).toEqual([['atera', 'medium', 'unknown']]);
  });
});
