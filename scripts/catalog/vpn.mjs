// VPN clients for the catalog, from reference/vpn-clients.json. The reference writes many
// names with a remark after them ("astrill (GTK2 GUI; ...)", "zt<hash> (prefix \"zt\")"); only the
// name goes into a pattern, and names that are placeholders for any tunnel (tunN, utunN) are left to
// the tunnel detector, which sees every tunnel by what the kernel says.
import { basename } from 'node:path';

const PLATFORM = { linux: 'PLATFORM_LINUX', macos: 'PLATFORM_MACOS', windows: 'PLATFORM_WINDOWS' };
const GENERIC_INTERFACE = /^(tun|tap|utun|ppp|ipsec|xfrm|vti)(N|\d)?$/i;
const TOO_GENERIC_PROCESS = /^(svchost|ipsec)$/i;

/** Remarks in parentheses go ("(x86)" in Windows paths stays), then "a / b" are two names. */
function names(text) {
  if (typeof text !== 'string' || text.includes('=')) return [];
  const bare = text.replace(/\s*\((?!x86\))[^()]*\)/gi, '').trim();
  return bare.split(' / ').map((n) => n.trim().replace(/<[^>]*>/g, '*'))
    .filter((n) => n.length > 0 && !/[()]/.test(n.replace(/\(x86\)/gi, '')) && !/^(none|route-based)\b/i.test(n));
}

const pattern = (p, platform) => ({ pattern: p, platform: PLATFORM[platform] });

function interfacePattern(n) {
  if (GENERIC_INTERFACE.test(n)) return undefined;
  if (/^zt\*?$/.test(n) || n === 'zt*') return 'zt*';
  if (/^fethN/.test(n)) return 'feth*';
  return n.replace(/N$/, '*');
}

function cidrs(values) {
  return (values ?? []).map((v) => String(v).split(' ')[0]).filter((v) => /^[0-9a-f.:]+\/\d+$/i.test(v));
}

function fromPlatforms(client, entry) {
  for (const [platform, p] of Object.entries(client.platforms ?? {})) {
    if (!PLATFORM[platform]) continue;
    const procs = [...(p.processes ?? []), ...(p.binaries ?? [])];
    for (const raw of procs) {
      for (const n of names(raw)) {
        const name = n.includes('/') ? basename(n) : n;
        if (!TOO_GENERIC_PROCESS.test(name)) entry.processes.push(pattern(name, platform));
      }
    }
    const services = [...(p.services ?? []), ...(p.systemdUnits ?? []), ...(p.launchDaemons ?? []), ...(p.launchDaemon ? [p.launchDaemon] : [])];
    for (const s of services) for (const n of names(typeof s === 'string' ? s : s.name)) entry.services.push(pattern(basename(n).replace(/\.plist$/, ''), platform));
    for (const path of [...(p.installPaths ?? []), ...(p.installDir ? [p.installDir] : []), ...(p.appBundle ? [p.appBundle] : [])]) {
      const n = names(path)[0];
      if (n && !n.startsWith('*')) entry.paths.push(pattern(n.replace(/[\\/]$/, ''), platform));
    }
    const ifaces = typeof p.interfaces === 'string' ? [p.interfaces] : p.interfaces ?? [];
    for (const raw of ifaces) for (const n of names(raw)) {
      // "fethN pairs (feth0..)": ZeroTier's macOS tap is a pair of feth interfaces.
      if (/\s/.test(n)) { if (/^fethN\b/.test(n)) entry.interfaces.push(pattern('feth*', platform)); continue; }
      const ip = interfacePattern(n);
      if (ip) entry.interfaces.push(pattern(ip, platform));
    }
    for (const a of p.adapters ?? []) {
      if (typeof a === 'string') { entry.adapterDescriptions.push(...names(a)); continue; }
      if (a.description) entry.adapterDescriptions.push(...names(a.description));
      const m = typeof a.match === 'string' ? /description "([^"]+)"/.exec(a.match) : null;
      if (m?.[1]) entry.adapterDescriptions.push(m[1]);
      if (a.name && !a.name.startsWith('<')) entry.interfaces.push(pattern(a.name, platform));
    }
    if (p.routing?.tunnelRange) entry.routes.push(...cidrs([p.routing.tunnelRange]));
  }
}

function sourcesOf(list) {
  return (list ?? []).map((s) => ({ repo: s.repo ?? '', path: s.path ?? '', commit: s.commit ?? '', license: s.license ?? '', url: s.url ?? '', note: s.note ?? s.matched ?? '' }));
}

function empty(id, name, category, priority, sources) {
  return { id, name, category, priority, processes: [], services: [], paths: [], interfaces: [], adapterDescriptions: [], routes: [], domains: [], ports: [], dnsServers: [], sources };
}

function dedupe(list) {
  const seen = new Set();
  return list.filter((x) => {
    const k = JSON.stringify(x).toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function buildVpn(ref) {
  const clients = [];
  for (const c of ref.clients) {
    if (c.id === 'corporate-vpns') {
      for (const e of c.entries) {
        const id = e.name.toLowerCase().replace(/\(.*?\)/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
        const entry = empty(id, e.name, 'corporate-vpn', 'low', sourcesOf(c.sources));
        for (const p of e.processes ?? []) for (const n of names(p)) entry.processes.push(pattern(n, 'windows'));
        for (const a of e.adapters ?? []) entry.adapterDescriptions.push(...names(a).map((n) => n.replace(/\s*\.\.\.\s*/g, '*')));
        if (typeof e.macos === 'string') for (const n of e.macos.split(' / ')) { const ip = interfacePattern(n.trim()); if (ip) entry.interfaces.push(pattern(ip.replace(/0$/, '*'), 'macos')); }
        clients.push(entry);
      }
      continue;
    }
    const entry = empty(c.id, c.name, c.category, c.priority ?? (c.category === 'consumer-vpn' ? 'medium' : 'low'), sourcesOf(c.sources));
    fromPlatforms(c, entry);
    const net = c.network ?? {};
    entry.domains.push(...(net.domains ?? []));
    entry.ports.push(...(net.ports ?? []).map((p) => p.port).filter((p) => Number.isInteger(p)), ...(net.localPorts ?? []));
    entry.routes.push(...cidrs(net.addressRanges));
    entry.dnsServers.push(...(net.serviceIp ?? []).map((v) => String(v).split(' ')[0]));
    clients.push(entry);
  }
  return clients.map((c) => ({
    ...c,
    processes: dedupe(c.processes), services: dedupe(c.services), paths: dedupe(c.paths), interfaces: dedupe(c.interfaces),
    adapterDescriptions: [...new Set(c.adapterDescriptions)], routes: [...new Set(c.routes)], domains: [...new Set(c.domains)],
    ports: [...new Set(c.ports)].sort((a, b) => a - b), dnsServers: [...new Set(c.dnsServers)],
  })).sort((a, b) => a.id.localeCompare(b.id));
}
