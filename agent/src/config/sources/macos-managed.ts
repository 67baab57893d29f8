// macOS managed preferences: the settings an MDM configuration profile (Jamf, Intune, Kandji)
// delivers for the preference domain com.farmwatch.agent land in
// /Library/Managed Preferences/com.farmwatch.agent.plist, written by the system and readable only
// as a plist (often binary). plutil converts it to JSON; the path is fixed, nothing from outside
// reaches the command line.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { SourceValues } from './file.js';

export const MANAGED_DOMAIN = 'com.farmwatch.agent';
export const MANAGED_PLIST = `/Library/Managed Preferences/${MANAGED_DOMAIN}.plist`;

/** Keys a configuration profile adds to every payload; not settings. */
const PROFILE_KEYS = new Set(['PayloadUUID', 'PayloadType', 'PayloadVersion', 'PayloadIdentifier', 'PayloadDisplayName', 'PayloadEnabled']);

export function fromPlistJson(name: string, json: string): SourceValues {
  try {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const values = Object.fromEntries(Object.entries(parsed).filter(([k]) => !PROFILE_KEYS.has(k)));
    return { name, values, problems: [] };
  } catch (err) {
    return { name, values: {}, problems: [`${name}: plutil gave unreadable output (${(err as Error).message})`] };
  }
}

export function readMacosManaged(path = MANAGED_PLIST): SourceValues {
  if (!existsSync(path)) return { name: path, values: {}, problems: [] };
  try {
    const json = execFileSync('/usr/bin/plutil', ['-convert', 'json', '-o', '-', path], { encoding: 'utf8', timeout: 10_000 });
    return fromPlistJson(path, json);
  } catch (err) {
    return { name: path, values: {}, problems: [`${path}: cannot be read with plutil (${(err as Error).message})`] };
  }
}
