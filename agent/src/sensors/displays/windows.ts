// Displays on Windows from the registry: `reg query HKLM\SYSTEM\CurrentControlSet\Enum\DISPLAY /s
// /v EDID` prints the EDID of every monitor Windows has set up, under
// DISPLAY\<PNP id><product>\<instance>\Device Parameters. That is history, not only what is plugged
// in now: each one is reported with `seenBefore`, and a KVM's EDID there means it was attached.
import { runCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { DisplayFact } from './types.js';

export const REG_QUERY_EDID = { file: 'reg.exe', args: ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Enum\\DISPLAY', '/s', '/v', 'EDID'] } as const;

export function displaysFromRegQuery(text: string): DisplayFact[] {
  const out: DisplayFact[] = [];
  let key = '';
  for (const line of text.split(/\r?\n/)) {
    if (/^HKEY_/i.test(line)) { key = line.trim(); continue; }
    const m = /^\s*EDID\s+REG_BINARY\s+([0-9A-F]+)\s*$/i.exec(line);
    if (!m?.[1] || m[1].length < 256 || !m[1].toLowerCase().startsWith('00ffffffffffff00')) continue;
    const hex = m[1].slice(0, m[1].length - (m[1].length % 256));
    const parts = key.split('\\');
    const at = parts.findIndex((p) => p.toUpperCase() === 'DISPLAY');
    const connector = at >= 0 ? parts.slice(at + 1, at + 3).join('\\') : key || `registry EDID ${out.length + 1}`;
    out.push({ connector, connected: false, seenBefore: true, internal: false, edid: Buffer.from(hex, 'hex') });
  }
  return out;
}

export async function collectWindowsDisplays(ctx: SensorContext): Promise<DisplayFact[]> {
  return displaysFromRegQuery(await runCommand(ctx, REG_QUERY_EDID));
}
