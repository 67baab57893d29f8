// Names that identify no remote-access tool by themselves (shared/catalog/not-tool-names.json):
// operating-system programs such as dwm.exe, programs many products ship, generic words. The
// built catalog holds none of them, not even through a glob, so a process or service with such a
// name on an ordinary laptop is never a remote-access finding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, compileGlob } from '../src/index.js';

interface NotToolName { name: string; why: string; source: string; seenOn?: string; listed?: boolean }
const list = JSON.parse(readFileSync(new URL('../catalog/not-tool-names.json', import.meta.url), 'utf8')) as { processes: NotToolName[]; services: NotToolName[] };
const rmm = JSON.parse(readFileSync(new URL('../../reference/rmm-tools.json', import.meta.url), 'utf8')) as { tools: { name: string; processes?: string[]; services?: string[] }[] };
const catalog = builtinCatalog();
const tools = catalog.remoteAccess ?? [];

describe('names that are not a tool\'s', () => {
  it('each says why and where that is written', () => {
    for (const n of [...list.processes, ...list.services]) {
      expect(n.why, n.name).toMatch(/\w{4}/);
      expect(n.source, n.name).toMatch(/^(https:\/\/|generic word$|agent\/test\/fixtures\/|[\w.]+\(\d\))/);
    }
  });

  it('are in no process pattern of the catalog, exactly or through a glob', () => {
    const patterns = tools.flatMap((t) => (t.processes ?? []).map((p) => ({ id: t.id ?? '', pattern: p.pattern ?? '' })));
    expect(patterns.length).toBeGreaterThan(800);
    for (const n of list.processes) {
      const hits = patterns.filter((p) => p.pattern.toLowerCase() === n.name.toLowerCase() || (p.pattern.includes('*') && compileGlob(p.pattern)(n.name)));
      expect(hits, n.name).toEqual([]);
    }
  });

  it('are in no service pattern of the catalog', () => {
    const services = tools.flatMap((t) => (t.services ?? []).map((p) => (p.pattern ?? '').toLowerCase()));
    for (const n of list.services) expect(services, n.name).not.toContain(n.name.toLowerCase());
  });

  it('say truly whether LOLRMM lists them (so the list shows what the build drops)', () => {
    const lolrmm = new Set(rmm.tools.flatMap((t) => [...(t.processes ?? []), ...(t.services ?? [])].map((p) => p.trim().toLowerCase())));
    for (const n of [...list.processes, ...list.services]) {
      expect(lolrmm.has(n.name.toLowerCase()), `${n.name}: listed ${String(n.listed ?? true)}`).toBe(n.listed ?? true);
    }
  });

  it('keep the tools LOLRMM lists them under, by their other names', () => {
    const teramind = tools.find((t) => t.id === 'teramind');
    expect(teramind?.processes?.map((p) => p.pattern)).toContain('tmagentsvc.exe');
    expect(teramind?.processes?.map((p) => p.pattern)).not.toContain('dwm.exe');
    expect(tools.find((t) => t.id === 'glpi-agent')?.processes?.map((p) => p.pattern)).toContain('glpi-agent');
  });
});
