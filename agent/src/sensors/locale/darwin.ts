// Time zone, locales and input sources on macOS from preference files read in-process (binary
// plists): /Library/Preferences/.GlobalPreferences.plist (AppleLocale, AppleLanguages) and each
// user's ~/Library/Preferences/com.apple.HIToolbox.plist (AppleEnabledInputSources), and the
// /etc/localtime link. What `defaults read` shows, without a process.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { parsePlist, plistDict, plistString, type PlistValue } from '../plist.js';
import type { SensorContext } from '../sensor.js';
import type { LocaleFact } from './types.js';

/** Input sources: keyboard layouts by name, input methods by bundle id ("com.apple.inputmethod.Korean"). */
export function inputSources(hitoolbox: PlistValue | undefined): string[] {
  const out: string[] = [];
  const list = plistDict(hitoolbox)?.AppleEnabledInputSources;
  for (const s of Array.isArray(list) ? list : []) {
    const d = plistDict(s);
    const name = plistString(d?.['KeyboardLayout Name']) ?? plistString(d?.['Input Mode']) ?? plistString(d?.['Bundle ID']);
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

export async function collectDarwinLocale(ctx: SensorContext): Promise<LocaleFact> {
  const r = ctx.root;
  const global = plistDict(parsePlist((await readFile(`${r}/Library/Preferences/.GlobalPreferences.plist`).catch(() => Buffer.alloc(0)))));
  const locales = new Set<string>();
  const locale = plistString(global?.AppleLocale);
  if (locale) locales.add(locale);
  for (const l of Array.isArray(global?.AppleLanguages) ? global.AppleLanguages : []) if (typeof l === 'string') locales.add(l);
  const layouts = new Set<string>();
  for (const u of (await readdir(`${r}/Users`).catch(() => [] as string[])).filter((x) => !x.startsWith('.'))) {
    const bytes = await readFile(`${r}/Users/${u}/Library/Preferences/com.apple.HIToolbox.plist`).catch(() => undefined);
    if (bytes) for (const s of inputSources(parsePlist(bytes))) layouts.add(s);
  }
  const zone = (await readlink(`${r}/etc/localtime`).catch(() => undefined))?.split('zoneinfo/')[1]
    ?? (r === '' ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC');
  return { timeZone: zone, locales: [...locales], keyboardLayouts: [...layouts] };
}
