// Time zone, locale and keyboard layouts on Windows: the layouts preloaded for the default user
// profile (`reg query "HKU\.DEFAULT\Keyboard Layout\Preload"`: "1  REG_SZ  00000412" = Korean) and
// the process's own locale and time zone. Interactive users' own layouts live in their hives
// (HKU\<SID>), which are loaded only while they are logged on.
import { tryCommand } from '../command.js';
import type { SensorContext } from '../sensor.js';
import type { LocaleFact } from './types.js';

export const REG_PRELOAD = { file: 'reg.exe', args: ['query', 'HKU\\.DEFAULT\\Keyboard Layout\\Preload'] } as const;

/** Keyboard layout ids (KLIDs) in Preload order: "00000409" (US), "00000412" (Korean). */
export function parsePreload(text: string): string[] {
  return [...text.matchAll(/^\s+(\d+)\s+REG_SZ\s+([0-9A-Fa-f]{8})\s*$/gm)]
    .sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => (m[2] ?? '').toLowerCase());
}

export async function collectWindowsLocale(ctx: SensorContext): Promise<LocaleFact> {
  const layouts = parsePreload((await tryCommand(ctx, REG_PRELOAD)) ?? '');
  const opts = Intl.DateTimeFormat().resolvedOptions();
  return { timeZone: opts.timeZone, locales: [opts.locale], keyboardLayouts: layouts };
}
