#!/usr/bin/env node
// Builds the detection catalog (shared/src/catalog/data/catalog.json) from the researched reference
// facts in reference/ (each with its sources; see reference/README.md) and the project's own additions
// (shared/catalog/*.json). The output has the shape of the farmwatch.v1.Catalog protobuf message,
// so the collector can push it to agents unchanged, and a content-hash version.
//
//   node scripts/build-catalog.mjs          write the catalog
//   node scripts/build-catalog.mjs --check  fail when the committed catalog is stale
//
// Remote-access tools come from LOLRMM (https://github.com/magicsword-io/LOLRMM, Apache-2.0; the
// licence is kept in shared/catalog/LICENSE-LOLRMM.txt). LOLRMM's process lists mix executables
// with installers, DLLs, shortcuts and notes; only names that can be a running program are kept,
// each tagged with the platform it runs on. KVM devices, mouse jigglers and their EDIDs come from
// kvm-devices.json and edid/ (scripts/catalog/kvm.mjs), VPN clients from vpn-clients.json
// (scripts/catalog/vpn.mjs); every entry keeps its sources.
//
// Names that are not a tool's (not-tool-names.json): operating-system programs (dwm.exe, sc.exe),
// programs many products ship (perl.exe, plink.exe, winpty-agent.exe) and generic words (agent.exe,
// setup.exe) never identify a tool by name alone, though LOLRMM lists some under a tool whose folder
// holds such a file. They are dropped from LOLRMM's process and service names (the build prints how
// many per tool); the project's own additions may not use them. Each has its reason and source there.
//
// Roles (remote-access-additions.json `roles`): which side of a connection a tool is on the laptop,
// "host" (lets others see or control it), "client" (only reaches out) or "both", for the whole tool
// and, where a tool ships several programs or services, for each of them (`patterns`: a name the
// tool already has, optionally narrowed by `platform` and `kind`). Each role fact adds its source to
// the tool's sources. A tool without a researched role has none ("unknown" to the detectors, which
// treat it as the host side, as before roles existed). Shared ports (`sharedPorts`) are ports other
// software uses by default (SSH, RDP, STUN, development servers): a socket on one alone never
// suggests a remote-access tool.
//
// The version is the first 16 hex digits of the SHA-256 of the catalog's protobuf encoding with an
// empty version: the same content gives the same version, whoever builds or pushes it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { farmwatch } from '../proto/generated/farmwatch.js';
import { buildKvm } from './catalog/kvm.mjs';
import { buildVpn } from './catalog/vpn.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const reference = join(root, 'reference');
const out = join(root, 'shared', 'src', 'catalog', 'data', 'catalog.json');
const check = process.argv.includes('--check');

const PLATFORM = { any: 'PLATFORM_UNSPECIFIED', linux: 'PLATFORM_LINUX', macos: 'PLATFORM_MACOS', windows: 'PLATFORM_WINDOWS' };

function readJson(path) {
  if (!existsSync(path)) {
    console.error(`build-catalog: ${path} is missing. The reference facts are part of the repository ` +
      '(reference/): restore the file with `git checkout -- reference/`.');
    process.exit(1);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

function slug(name) {
  return name.toLowerCase().replace(/\(.*?\)/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Platforms a tool runs on, from LOLRMM's free-text platform list. */
function platformsOf(tool) {
  const set = new Set();
  for (const p of tool.platforms ?? []) {
    const v = p.toLowerCase();
    if (v === 'linux') set.add('linux');
    else if (v === 'mac' || v === 'macos') set.add('macos');
    else if (v === 'windows') set.add('windows');
  }
  return set;
}

const NOT_A_PROGRAM = /\.(dll|msi|mst|lnk|pkg|xml|py|bin|ese|sock|bashrc|com|exee)$/i;

/**
 * One LOLRMM "process" string to a name pattern, or a reason to skip it. `.exe` names run on
 * Windows, `.app` bundles on macOS; a bare name runs on the tool's non-Windows platforms (on all
 * of them when LOLRMM lists none but Windows-only tools keep bare names as Windows).
 */
function processPattern(raw, platforms) {
  const name = raw.trim();
  if (/\s/.test(name) && !/\.exe$/i.test(name)) return { skip: 'free text, not a name' };
  if (/^[0-9a-f]{40}$/i.test(name)) return { skip: 'a hash, not a name' };
  if (/[[\]{}]|\.\*/.test(name)) return { skip: 'a regular expression, not a name' };
  if (/[<>]/.test(name)) return { skip: 'a placeholder ("<random>.exe"), not a name' };
  if (NOT_A_PROGRAM.test(name)) return { skip: 'an installer, library or file, not a running program' };
  if (/\.exe$/i.test(name)) return { pattern: name, platform: PLATFORM.windows };
  if (/\.app$/i.test(name)) return { pattern: name.replace(/\.app$/i, ''), platform: PLATFORM.macos };
  if (/\.[a-z0-9]{2,4}$/i.test(name) && !/^[a-z]+\.[a-z]+$/i.test(name)) return { skip: 'a file name with an extension, not a program' };
  const unix = [...platforms].filter((p) => p !== 'windows');
  if (platforms.size === 1 && platforms.has('windows')) return { pattern: name, platform: PLATFORM.windows };
  if (unix.length === 1) return { pattern: name, platform: PLATFORM[unix[0]] };
  return { pattern: name, platform: PLATFORM.any };
}

function lolrmmSource(tool) {
  const s = tool.source ?? {};
  return { repo: s.repo, path: s.path, commit: s.commit, license: s.license, url: tool.website };
}

/** The names of not-tool-names.json, lower-cased, per kind; a name listed twice or without its reason is an error. */
function notToolNames(list) {
  const sets = { processes: new Set(), services: new Set() };
  for (const kind of Object.keys(sets)) {
    for (const n of list[kind] ?? []) {
      const where = `not-tool-names.json: ${kind}: ${JSON.stringify(n.name)}`;
      if (typeof n.name !== 'string' || !n.name) throw new Error(`${where}: every entry has a name`);
      if (!n.why || !n.source) throw new Error(`${where}: every name says why it names no tool (why) and where that is written (source)`);
      const key = n.name.toLowerCase();
      if (sets[kind].has(key)) throw new Error(`${where}: listed twice`);
      sets[kind].add(key);
    }
  }
  return sets;
}

function buildRemoteAccess(rmm, additions, notTool) {
  const droppedNames = new Map();
  const drop = (id, name) => droppedNames.set(id, [...(droppedNames.get(id) ?? []), name]);
  // LOLRMM lists several tools under two or three files; merge those into one entry.
  const alias = new Map();
  for (const [a, b] of rmm._meta.likelyDuplicates ?? []) alias.set(b, a);
  const byId = new Map();
  const skipped = {};
  for (const tool of rmm.tools) {
    const canonical = alias.get(tool.name) ?? tool.name;
    const id = slug(canonical);
    const entry = byId.get(id) ?? {
      id, name: canonical, category: tool.category, processes: [], services: [], paths: [],
      domains: [], ports: [], selfHosted: false, sources: [],
    };
    const platforms = platformsOf(tool);
    for (const raw of tool.processes ?? []) {
      const p = processPattern(raw, platforms);
      if ('skip' in p) { skipped[p.skip] = (skipped[p.skip] ?? 0) + 1; continue; }
      if (notTool.processes.has(p.pattern.toLowerCase())) { drop(id, p.pattern); continue; }
      entry.processes.push({ pattern: p.pattern, platform: p.platform });
    }
    for (const s of tool.services ?? []) {
      if (notTool.services.has(s.toLowerCase())) { drop(id, `service ${s}`); continue; }
      entry.services.push({ pattern: s, platform: PLATFORM.windows });
    }
    for (const path of tool.installPaths ?? []) {
      const platform = /^[a-z]:\\|%/i.test(path) ? PLATFORM.windows : path.startsWith('/Applications') || path.startsWith('/Library') ? PLATFORM.macos : PLATFORM.any;
      entry.paths.push({ pattern: path, platform });
    }
    entry.domains.push(...(tool.domains ?? []).map(cleanDomain).filter(Boolean));
    entry.ports.push(...(tool.ports ?? []).filter((p) => Number.isInteger(p)));
    entry.selfHosted ||= tool.selfHostedServer === true;
    entry.sources.push(lolrmmSource(tool));
    byId.set(id, entry);
  }
  for (const add of additions.tools) {
    const entry = byId.get(add.id);
    if (!entry) throw new Error(`remote-access additions: ${add.id} is not a LOLRMM tool id`);
    for (const [kind, list] of [['processes', add.processes], ['services', add.services]]) {
      const bad = (list ?? []).find((p) => notTool[kind].has(p.pattern.toLowerCase()));
      if (bad) throw new Error(`remote-access additions: ${add.id}: ${bad.pattern} is in not-tool-names.json (it names no tool by itself); leave it out`);
    }
    entry.ports.push(...(add.ports ?? []));
    for (const p of add.processes ?? []) entry.processes.push({ pattern: p.pattern, platform: PLATFORM[p.platform] });
    for (const p of add.services ?? []) entry.services.push({ pattern: p.pattern, platform: PLATFORM[p.platform] });
    for (const p of add.paths ?? []) entry.paths.push({ pattern: p.pattern, platform: PLATFORM[p.platform] });
    entry.sources.push(...add.sources);
  }
  const tools = [...byId.values()].map((t) => ({
    ...t,
    processes: dedupe(t.processes), services: dedupe(t.services), paths: dedupe(t.paths),
    domains: [...new Set(t.domains)], ports: [...new Set(t.ports)].sort((a, b) => a - b),
  })).sort((a, b) => a.id.localeCompare(b.id));
  applyRoles(tools, additions.roles ?? []);
  return { tools, skipped, droppedNames };
}

const ROLES = new Set(['host', 'client', 'both']);
const KINDS = ['processes', 'services', 'paths'];

/** Sets each researched role on its tool and on the programs and services it names; a role naming a tool or a name that is not there is an error. */
function applyRoles(tools, roles) {
  const byId = new Map(tools.map((t) => [t.id, t]));
  for (const r of roles) {
    const where = `remote-access additions: roles ${r.id}`;
    const tool = byId.get(r.id);
    if (!tool) throw new Error(`${where}: ${r.id} is not a catalog tool id`);
    if (!r.source?.note) throw new Error(`${where}: every role names its source (source.url and source.note)`);
    if (r.role !== undefined) {
      if (!ROLES.has(r.role)) throw new Error(`${where}: role must be host, client or both, not ${JSON.stringify(r.role)}`);
      tool.role = r.role;
    }
    for (const p of r.patterns ?? []) {
      if (!ROLES.has(p.role)) throw new Error(`${where}: ${p.pattern}: role must be host, client or both, not ${JSON.stringify(p.role)}`);
      if (p.kind !== undefined && !KINDS.includes(p.kind)) throw new Error(`${where}: ${p.pattern}: kind must be one of ${KINDS.join(', ')}`);
      const wanted = p.pattern.toLowerCase();
      const hits = (p.kind ? [p.kind] : KINDS).flatMap((k) => tool[k])
        .filter((x) => x.pattern.toLowerCase() === wanted && (p.platform === undefined || x.platform === PLATFORM[p.platform]));
      if (hits.length === 0) throw new Error(`${where}: ${p.pattern} is not one of ${r.id}'s process, service or path names`);
      for (const x of hits) x.role = p.role;
    }
    tool.sources.push({ ...r.source, note: `role${r.role ? ` ${r.role}` : 's'}: ${r.source.note}` });
  }
}

function buildSharedPorts(list) {
  return list.map((p) => {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new Error(`remote-access additions: sharedPorts: ${JSON.stringify(p.port)} is not a port`);
    return { port: p.port, protocol: p.protocol ?? '', usedBy: p.usedBy, sources: p.sources };
  }).sort((a, b) => a.port - b.port);
}

/**
 * Domains every laptop reaches for reasons of its own: a tool that downloads its installer from
 * GitHub or reports through Microsoft's support endpoint says nothing about remote access when a
 * laptop resolves them. LOLRMM lists them under some tools; they are left out of the catalog.
 */
const SHARED_INFRASTRUCTURE = [/^github\.com$/, /(^|\.)githubusercontent\.com$/, /^support\.services\.microsoft\.com$/, /(^|\.)github\.io$/];

/** LOLRMM domains sometimes carry a port or a regular expression ("relay-[a-f0-9]{8}.net.anydesk.com:443"). */
function cleanDomain(d) {
  const host = d.trim().replace(/:\d+$/, '').replace(/\[[^\]]*\](\{\d+(,\d*)?\}|[+*])?/g, '*').replace(/\*+/g, '*').toLowerCase();
  if (SHARED_INFRASTRUCTURE.some((re) => re.test(host))) return '';
  return /^[a-z0-9*.-]+$/i.test(host) && host.includes('.') ? host : '';
}

function dedupe(patterns) {
  const seen = new Set();
  return patterns.filter((p) => {
    const key = `${p.platform}|${p.pattern.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const rmm = readJson(join(reference, 'rmm-tools.json'));
const additions = readJson(join(root, 'shared', 'catalog', 'remote-access-additions.json'));
const notTool = notToolNames(readJson(join(root, 'shared', 'catalog', 'not-tool-names.json')));
const { tools, skipped, droppedNames } = buildRemoteAccess(rmm, additions, notTool);
const { kvmDevices, mouseJigglers } = buildKvm(readJson(join(reference, 'kvm-devices.json')), readJson(join(root, 'shared', 'catalog', 'kvm-additions.json')), reference);
const vpnClients = buildVpn(readJson(join(reference, 'vpn-clients.json')));
const sharedPorts = buildSharedPorts(additions.sharedPorts ?? []);
const body = { remoteAccess: tools, kvmDevices, mouseJigglers, vpnClients, sharedPorts };
const encoded = farmwatch.v1.Catalog.encode(farmwatch.v1.Catalog.fromObject(body)).finish();
const version = createHash('sha256').update(encoded).digest('hex').slice(0, 16);
const text = JSON.stringify({ version, ...body }, null, 1) + '\n';

if (check) {
  if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
    console.error('shared/src/catalog/data/catalog.json is stale. Run `node scripts/build-catalog.mjs` and commit it.');
    process.exit(1);
  }
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  const dropped = Object.entries(skipped).map(([why, n]) => `${n} ${why}`).join('; ');
  console.log(`catalog ${version}: ${tools.length} remote-access tools, ${kvmDevices.length} KVM devices, ${mouseJigglers.length} mouse jigglers, ` +
    `${vpnClients.length} VPN clients, ${tools.filter((t) => t.role).length} tools with a role, ${sharedPorts.length} shared ports (LOLRMM process strings skipped: ${dropped})`);
  const names = [...droppedNames].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => `${id} ${n.length} (${n.join(', ')})`);
  console.log(`names that are not a tool's (shared/catalog/not-tool-names.json) dropped: ${names.join('; ')}`);
}
