// The process detector over the whole process table of ordinary machines, recorded by their owners
// and posted publicly (fixtures/ordinary-machines, sources in its README): a Windows 10 desktop
// (dwm.exe, svchost.exe, node.exe, powershell.exe, Discord, NVIDIA, Adobe) and an Ubuntu 22.04
// GNOME desktop. Neither runs a remote-access tool, so neither may give a remote-access finding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Platform } from '@farmwatch/proto';
import { builtinCatalog, type Catalog } from '@farmwatch/shared';
import { EMPTY_POLICY, detectRemoteAccessProcesses } from '../src/detectors/index.js';
import { inspectFiles } from '../src/pipeline/inspect/inspect-files.js';
import { parsePs, parseTasklist } from '../src/pipeline/inspect/process-text.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/ordinary-machines/${name}`, import.meta.url), 'utf8');
const catalog = builtinCatalog();
const windows = parseTasklist(fixture('windows10-desktop-tasklist.txt'));
const ubuntu = parsePs(fixture('ubuntu-desktop-ps-ef.txt'));

/** The built catalog with one LOLRMM name put back under its tool, as the catalog had it before not-tool-names.json. */
function withName(id: string, pattern: string, platform: Platform): Catalog {
  return { ...catalog, remoteAccess: (catalog.remoteAccess ?? []).map((t) => (t.id === id ? { ...t, processes: [...(t.processes ?? []), { pattern, platform }] } : t)) };
}

describe('ordinary machines', () => {
  it('reads every process of both listings, the quoted tasklist rows included', () => {
    expect(windows).toHaveLength(223);
    expect(windows.map((p) => p.name)).toEqual(expect.arrayContaining(['dwm.exe', 'svchost.exe', 'conhost.exe', 'rundll32.exe', 'powershell.exe', 'node.exe', 'Discord.exe']));
    // Kernel threads ("[kworker/0:1]") are no programs: the 127 other rows are.
    expect(ubuntu).toHaveLength(127);
    expect(ubuntu.map((p) => p.name)).toEqual(expect.arrayContaining(['gnome-shell', 'bash', 'sh', 'systemd', 'python3']));
  });

  it('finds no remote-access tool on the Windows 10 desktop', () => {
    expect(detectRemoteAccessProcesses(windows, catalog, EMPTY_POLICY, Platform.PLATFORM_WINDOWS)).toEqual([]);
  });

  it('finds no remote-access tool on the Ubuntu desktop', () => {
    expect(detectRemoteAccessProcesses(ubuntu, catalog, EMPTY_POLICY, Platform.PLATFORM_LINUX)).toEqual([]);
  });

  it('would have called the Windows desktop Teramind while the catalog listed dwm.exe', () => {
    const findings = detectRemoteAccessProcesses(windows, withName('teramind', 'dwm.exe', Platform.PLATFORM_WINDOWS), EMPTY_POLICY, Platform.PLATFORM_WINDOWS);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([['teramind', 'medium']]);
  });

  it('gives nothing at all through inspect, which recognises each file and its platform by content', () => {
    const r = inspectFiles([
      { file: 'windows10-desktop-tasklist.txt', bytes: Buffer.from(fixture('windows10-desktop-tasklist.txt')) },
    ], catalog, EMPTY_POLICY);
    expect(r.files).toEqual([{ file: 'windows10-desktop-tasklist.txt', format: 'tasklist', items: 223 }]);
    expect(r.platform).toBe(Platform.PLATFORM_WINDOWS);
    expect(r.findings).toEqual([]);
    const l = inspectFiles([{ file: 'ubuntu-desktop-ps-ef.txt', bytes: Buffer.from(fixture('ubuntu-desktop-ps-ef.txt')) }], catalog, EMPTY_POLICY);
    expect(l.files[0]?.format).toBe('ps');
    expect(l.findings).toEqual([]);
  });
});
