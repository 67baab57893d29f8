// The catalog as built from reference: loads, keeps its sources and licence, and its
// patterns mean what the source wrote.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Platform, pb } from '@farmwatch/proto';
import { appliesTo, builtinCatalog, compileGlob, loadCatalogMessage } from '../src/index.js';

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
    // Names written as regular expressions ("wec_launcher_[a-Z0-9]*_.exe") are not names.
    const exe = rmm.tools.flatMap((t) => (t.processes ?? []).filter((p) => /\.exe$/i.test(p) && !/[[\]{}]/.test(p)));
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
