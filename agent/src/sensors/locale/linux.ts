// Time zone, locales and keyboard layouts on Linux from /etc (corroboration only: a laptop shipped
// to Texas with a Korean keyboard layout and Asia/Shanghai time). No localectl process.
import { linkTarget, readText } from '../fs.js';
import type { SensorContext } from '../sensor.js';
import type { LocaleFact } from './types.js';

export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_]+)\s*=\s*"?([^"#]*)"?/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? '').trim();
  }
  return out;
}

export async function collectLinuxLocale(ctx: SensorContext): Promise<LocaleFact> {
  const r = ctx.root;
  const [tzFile, localtime, localeConf, defaultLocale, keyboard, vconsole, x11] = await Promise.all([
    readText(`${r}/etc/timezone`), linkTarget(`${r}/etc/localtime`), readText(`${r}/etc/locale.conf`), readText(`${r}/etc/default/locale`),
    readText(`${r}/etc/default/keyboard`), readText(`${r}/etc/vconsole.conf`), readText(`${r}/etc/X11/xorg.conf.d/00-keyboard.conf`),
  ]);
  const zone = tzFile?.trim() || localtime?.split('zoneinfo/')[1] || (r === '' ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC');
  const locales = new Set<string>();
  for (const text of [localeConf, defaultLocale]) {
    if (!text) continue;
    const kv = parseKeyValues(text);
    for (const k of ['LANG', 'LC_ALL', 'LC_MESSAGES', 'LANGUAGE']) if (kv[k]) locales.add(kv[k]);
  }
  if (r === '' && process.env.LANG) locales.add(process.env.LANG);
  const layouts = new Set<string>();
  if (keyboard) for (const l of (parseKeyValues(keyboard).XKBLAYOUT ?? '').split(',')) if (l.trim()) layouts.add(l.trim());
  if (vconsole) { const k = parseKeyValues(vconsole).KEYMAP; if (k) layouts.add(k); }
  if (x11) for (const m of x11.matchAll(/Option\s+"XkbLayout"\s+"([^"]+)"/g)) for (const l of (m[1] ?? '').split(',')) layouts.add(l.trim());
  return { timeZone: zone, locales: [...locales], keyboardLayouts: [...layouts] };
}
