// Installed applications on Windows from the Uninstall registry keys (64-bit and 32-bit views):
// two `reg query ... /s` calls, each entry's DisplayName, DisplayVersion and InstallLocation.
import { runCommand, tryCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { AppFact } from './types.js';

export const REG_UNINSTALL = { file: 'reg.exe', args: ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall', '/s'] } as const;
export const REG_UNINSTALL_WOW64 = { file: 'reg.exe', args: ['query', 'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall', '/s'] } as const;

export function parseUninstallKeys(text: string): AppFact[] {
  const out: AppFact[] = [];
  let cur: { name?: string; version?: string; location?: string; key: string } | undefined;
  const flush = (): void => {
    if (cur?.name) out.push({ name: cur.name, source: 'registry', path: cur.location || cur.key, ...(cur.version ? { version: cur.version } : {}) });
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^HKEY_/i.test(line)) { flush(); cur = { key: line.trim() }; continue; }
    const m = /^\s+(DisplayName|DisplayVersion|InstallLocation)\s+REG_(?:EXPAND_)?SZ\s+(.*?)\s*$/.exec(line);
    if (!m || !cur) continue;
    if (m[1] === 'DisplayName') cur.name = m[2];
    else if (m[1] === 'DisplayVersion') cur.version = m[2];
    else cur.location = m[2];
  }
  flush();
  return out;
}

export async function collectWindowsApps(ctx: SensorContext): Promise<AppFact[]> {
  const [main, wow] = [await runCommand(ctx, REG_UNINSTALL), await tryCommand(ctx, REG_UNINSTALL_WOW64)];
  return [...parseUninstallKeys(main), ...parseUninstallKeys(wow ?? '')];
}
