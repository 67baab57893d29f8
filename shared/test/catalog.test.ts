// The catalog as built from reference: loads, keeps its sources and licence, and its
// patterns mean what the source wrote.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Platform, pb } from '@farmwatch/proto';
import { SchemaError, appliesTo, builtinCatalog, combineRoles, compileGlob, isHostSide, loadCatalog, loadCatalogMessage, roleOf } from '../src/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const reference = fileURLToPath(new URL('../../reference/rmm-tools.json', import.meta.url));

describe('built-in catalog', () => {
  const catalog = builtinCatalog();

  it('has a content-hash version', () => {
    expect(catalog.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names a source for every remote-access tool', () => {
    const tools = catalog.remoteAccess ?? [];
    expect(tools.length).toBeGreaterThan(250);
    for (const t of tools) {
      expect(t.id, t.name ?? '').toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(t.sources?.length, t.id ?? '').toBeGreaterThan(0);
      for (const s of t.sources ?? []) expect(s.license || s.note, t.id ?? '').toBeTruthy();
    }
  });

  it('keeps every LOLRMM tool that has a process name', () => {
    const rmm = JSON.parse(readFileSync(reference, 'utf8')) as { tools: { name: string; processes?: string[] }[] };
    const notTool = JSON.parse(readFileSync(new URL('../catalog/not-tool-names.json', import.meta.url), 'utf8')) as { processes: { name: string }[] };
    const notToolNames = new Set(notTool.processes.map((n) => n.name.toLowerCase()));
    // Names written as regular expressions ("wec_launcher_[a-Z0-9]*_.exe") or placeholders ("<random>.exe") are not names;
    // not-tool-names.json lists those that name no tool (dwm.exe, setup.exe).
    const exe = rmm.tools.flatMap((t) => (t.processes ?? []).filter((p) => /\.exe$/i.test(p) && !/[[\]{}<>]/.test(p) && !notToolNames.has(p.toLowerCase())));
    expect(exe.length).toBeGreaterThan(700);
    const patterns = new Set((catalog.remoteAccess ?? []).flatMap((t) => (t.processes ?? []).map((p) => p.pattern?.toLowerCase())));
    for (const name of exe) expect(patterns.has(name.toLowerCase()), name).toBe(true);
  });

  it('tags Windows executables as Windows and drops installers and notes', () => {
    const all = (catalog.remoteAccess ?? []).flatMap((t) => t.processes ?? []);
    for (const p of all) {
      if (/\.exe$/i.test(p.pattern ?? '')) expect(p.platform, p.pattern ?? '').toBe(Platform.PLATFORM_WINDOWS);
      expect(p.pattern ?? '', 'installers are not running programs').not.toMatch(/\.(msi|dll|lnk)$/i);
      if (!/\.exe$/i.test(p.pattern ?? '')) expect(p.pattern ?? '', 'free text is not a name').not.toMatch(/\s/);
    }
  });

  it('merges tools LOLRMM lists twice', () => {
    const ids = (catalog.remoteAccess ?? []).map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    // LOLRMM has "Ultra VNC" and "UltraVNC": one entry, with both files as sources.
    const ultra = (catalog.remoteAccess ?? []).filter((t) => /^ultra-?vnc$/.test(t.id ?? ''));
    expect(ultra).toHaveLength(1);
    expect(ultra[0]?.sources?.map((s) => s.path)).toEqual(expect.arrayContaining(['yaml/ultra_vnc.yaml', 'yaml/ultravnc.yaml']));
  });

  it('loads again after a protobuf round trip, as the collector pushes it', () => {
    const wire = pb.Catalog.encode(catalog).finish();
    const again = loadCatalogMessage(pb.Catalog.decode(wire), 'the pushed catalog');
    expect(again.version).toBe(catalog.version);
    expect(again.kvmDevices?.length).toBe(catalog.kvmDevices?.length);
  });

  it('keeps the roles and shared ports through the protobuf round trip', () => {
    const again = loadCatalogMessage(pb.Catalog.decode(pb.Catalog.encode(catalog).finish()), 'the pushed catalog');
    const tv = again.remoteAccess?.find((t) => t.id === 'teamviewer');
    expect(tv?.role).toBe('both');
    expect(tv?.processes?.find((p) => p.pattern === 'teamviewerqs.exe')?.role).toBe('host');
    expect(again.sharedPorts?.map((p) => p.port)).toEqual(catalog.sharedPorts?.map((p) => p.port));
    expect(again.sharedPorts?.length).toBeGreaterThan(5);
  });

  it('refuses a role that is not host, client or both, naming where it is', () => {
    const json = JSON.parse(readFileSync(new URL('../src/catalog/data/catalog.json', import.meta.url), 'utf8')) as { remoteAccess: { id: string; role?: string }[] };
    const putty = json.remoteAccess.find((t) => t.id === 'putty');
    if (!putty) throw new Error('putty is not in the catalog');
    putty.role = 'viewer';
    expect(() => loadCatalog(json, 'a catalog')).toThrow(SchemaError);
    expect(() => loadCatalog(json, 'a catalog')).toThrow(/remoteAccess\[\d+\] \(putty\)\.role must be one of , host, client, both, not "viewer"/);
  });

  it('bounds name patterns: length, stars, and how many one entry holds, naming the entry', () => {
    const json = JSON.parse(readFileSync(new URL('../src/catalog/data/catalog.json', import.meta.url), 'utf8')) as {
      remoteAccess: { id: string; processes?: { pattern: string }[]; services?: unknown[]; paths?: unknown[]; domains?: string[] }[]; vpnClients: { id: string; adapterDescriptions?: string[] }[];
    };
    const putty = json.remoteAccess.find((t) => t.id === 'putty');
    const vpn = json.vpnClients[0];
    if (!putty || !vpn) throw new Error('putty or a VPN client is not in the catalog');
    delete putty.services;
    delete putty.paths;
    putty.processes = Array.from({ length: 200 }, (_, i) => ({ pattern: `putty-${i}.exe` }));
    putty.domains = Array.from({ length: 57 }, (_, i) => `host${i}.example.com`);
    vpn.adapterDescriptions = [`${'*x'.repeat(17)}`, `${'d'.repeat(257)}`];
    expect(() => loadCatalog(json, 'a catalog')).toThrow(SchemaError);
    const problems = (() => {
      try {
        loadCatalog(json, 'a catalog');
        return [];
      } catch (err) {
        return (err as SchemaError).problems;
      }
    })();
    expect(problems).toEqual([
      expect.stringMatching(/^catalog\.remoteAccess\[\d+\] \(putty\) has 257 name patterns \(processes, domains together\); at most 256: split the entry$/),
      `catalog.vpnClients[0] (${vpn.id}).adapterDescriptions[0] has 17 '*'; at most 16`,
      `catalog.vpnClients[0] (${vpn.id}).adapterDescriptions[1] is 257 characters long; at most 256`,
    ]);
  });

  it('ships the LOLRMM licence beside the catalog', () => {
    const licence = readFileSync(new URL('../catalog/LICENSE-LOLRMM.txt', import.meta.url), 'utf8');
    expect(licence).toContain('Apache License');
  });

  it('is what scripts/build-catalog.mjs makes from the reference today', () => {
    const r = spawnSync(process.execPath, ['scripts/build-catalog.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('roles', () => {
  it('a program\'s own role wins over its tool\'s; nothing known is unknown', () => {
    expect(roleOf({ role: 'both' }, { role: 'host' })).toBe('host');
    expect(roleOf({ role: 'client' }, {})).toBe('client');
    expect(roleOf({}, { role: '' })).toBe('unknown');
    expect(roleOf({ role: 'viewer' })).toBe('unknown');
  });

  it('combines the sides a tool was seen on', () => {
    expect(combineRoles(['client', 'client'])).toBe('client');
    expect(combineRoles(['client', 'host'])).toBe('both');
    expect(combineRoles(['host', 'unknown'])).toBe('host');
    expect(combineRoles(['client', 'unknown'])).toBe('unknown');
    expect(combineRoles(['both'])).toBe('both');
    expect(combineRoles([])).toBe('unknown');
    expect(['host', 'client', 'both', 'unknown'].map((r) => isHostSide(r as 'host'))).toEqual([true, false, true, true]);
  });
});

describe('name patterns', () => {
  it('matches whole names, ignoring case', () => {
    const m = compileGlob('AnyDesk.exe');
    expect(m('anydesk.exe')).toBe(true);
    expect(m('ANYDESK.EXE')).toBe(true);
    expect(m('anydesk.exe.bak')).toBe(false);
    expect(m('xanydesk.exe')).toBe(false);
  });

  it('treats * as any run of characters and nothing else as special', () => {
    const m = compileGlob('rustdesk*.exe');
    expect(m('rustdesk.exe')).toBe(true);
    expect(m('rustdesk-1.2.3-x86_64.exe')).toBe(true);
    expect(m('rustdeskXexe')).toBe(false);
    expect(compileGlob('a.b')('axb')).toBe(false);
    expect(compileGlob('(x)+')('(x)+')).toBe(true);
  });

  it('applies a pattern without platform everywhere, one with a platform only there', () => {
    expect(appliesTo({ pattern: 'x' }, Platform.PLATFORM_LINUX)).toBe(true);
    expect(appliesTo({ pattern: 'x', platform: Platform.PLATFORM_WINDOWS }, Platform.PLATFORM_LINUX)).toBe(false);
    expect(appliesTo({ pattern: 'x', platform: Platform.PLATFORM_WINDOWS }, Platform.PLATFORM_WINDOWS)).toBe(true);
  });
});
