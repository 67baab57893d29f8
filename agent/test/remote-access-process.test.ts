// The remote-access process detector, on this machine's real process table with real programs
// started under catalog names, and on its own rules (platforms, policy, evidence bounds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from '@farmwatch/proto';
import { builtinCatalog } from '@farmwatch/shared';
import { detectRemoteAccessProcesses } from '../src/detectors/index.js';
import { collectLinuxProcesses } from '../src/sensors/processes/linux.js';
import type { ProcessFact } from '../src/sensors/index.js';
import { startNamedProcess, type NamedProcess } from './helpers.js';

const catalog = builtinCatalog();
const none = { sanctionedTools: [] };

describe.runIf(process.platform === 'linux')('on this machine', () => {
  const started: NamedProcess[] = [];
  let facts: ProcessFact[];
  beforeAll(async () => {
    // Two tools whose Linux process names LOLRMM lists, and one program that is not a tool.
    for (const name of ['tmate', 'netbird', 'fw-innocent']) started.push(await startNamedProcess(name));
    facts = await collectLinuxProcesses({ platform: 'linux', root: '' });
  });
  afterAll(() => started.forEach((p) => p.stop()));

  it('finds each running tool once, with the process as evidence', () => {
    const findings = detectRemoteAccessProcesses(facts, catalog, none, Platform.PLATFORM_LINUX);
    const keys = findings.map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['tmate', 'netbird']));
    const tmate = findings.find((f) => f.key === 'tmate');
    expect(tmate).toMatchObject({ detector: 'remote_access.process', category: 'remote_access', sanctioned: false, catalogEntry: 'tmate' });
    expect(tmate?.evidence).toEqual(expect.arrayContaining([
      { field: 'process.name', value: 'tmate', catalogEntry: 'tmate', matched: 'tmate' },
      { field: 'process.path', value: started[0]?.path },
    ]));
  });

  it('says nothing of programs that are not in the catalog', () => {
    const findings = detectRemoteAccessProcesses(facts, catalog, none, Platform.PLATFORM_LINUX);
    expect(JSON.stringify(findings)).not.toContain('fw-innocent');
  });

  it('lowers a tool the company sanctions to information', () => {
    const findings = detectRemoteAccessProcesses(facts, catalog, { sanctionedTools: ['netbird'] }, Platform.PLATFORM_LINUX);
    const netbird = findings.find((f) => f.key === 'netbird');
    expect(netbird).toMatchObject({ sanctioned: true, severity: 'info' });
    expect(netbird?.title).toMatch(/sanctioned/);
    expect(findings.find((f) => f.key === 'tmate')?.sanctioned).toBe(false);
  });
});

describe('matching rules', () => {
  const proc = (pid: number, name: string, extra: Partial<ProcessFact> = {}): ProcessFact => ({ pid, ppid: 1, name, ...extra });

  it('matches Windows executable names only on Windows', () => {
    const processes = [proc(10, 'AnyDesk.exe', { path: 'C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe' })];
    expect(detectRemoteAccessProcesses(processes, catalog, none, Platform.PLATFORM_WINDOWS).map((f) => f.key)).toEqual(['anydesk']);
    expect(detectRemoteAccessProcesses(processes, catalog, none, Platform.PLATFORM_LINUX)).toEqual([]);
  });

  it('matches globs from the catalog and says so by a lower confidence', () => {
    const processes = [proc(11, 'rustdesk-1.3.2-x86_64.exe')];
    const [f] = detectRemoteAccessProcesses(processes, catalog, none, Platform.PLATFORM_WINDOWS);
    expect(f?.key).toBe('rustdesk');
    expect(f?.confidence).toBeLessThan(80);
    expect(f?.evidence[0]?.matched).toBe('rustdesk*.exe');
  });

  it('uses argv[0] and the executable path when comm is truncated', () => {
    // Linux cuts comm to 15 characters; the full name survives in argv[0] and the exe link.
    const processes = [proc(12, 'shellhub-agen', { argv0: 'shellhub-agent', path: '/usr/bin/shellhub-agent' })];
    expect(detectRemoteAccessProcesses(processes, catalog, none, Platform.PLATFORM_LINUX).map((f) => f.key)).toEqual(['shellhub']);
  });

  it('bounds the evidence of a tool with many processes', () => {
    const processes = Array.from({ length: 40 }, (_, i) => proc(100 + i, 'tmate', { user: 'u' }));
    const [f] = detectRemoteAccessProcesses(processes, catalog, none, Platform.PLATFORM_LINUX);
    expect(f?.evidence.filter((e) => e.field === 'process.name')).toHaveLength(5);
    expect(f?.evidence).toContainEqual({ field: 'process.count', value: '40' });
  });

  it('is a pure function: the same input gives the same output', () => {
    const processes = [proc(1, 'tmate'), proc(2, 'netbird'), proc(3, 'bash')];
    const a = detectRemoteAccessProcesses(processes, catalog, none, Platform.PLATFORM_LINUX);
    const b = detectRemoteAccessProcesses([...processes].reverse(), catalog, none, Platform.PLATFORM_LINUX);
    expect(b).toEqual(a);
  });
});
