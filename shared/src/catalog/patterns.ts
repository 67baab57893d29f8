// Name patterns from the catalog: case-insensitive, `*` matches any run of characters, nothing
// else is special (catalog text is data, never a regular expression).
import type { Platform } from '@farmwatch/proto';

export interface NamePattern {
  pattern?: string | null;
  platform?: Platform | null;
  /** Remote-access tools: which side this program or service is (see roles.ts). */
  role?: string | null;
}

export type NameMatcher = (name: string) => boolean;

export function compileGlob(pattern: string): NameMatcher {
  if (!pattern.includes('*')) {
    const wanted = pattern.toLowerCase();
    return (name) => name.toLowerCase() === wanted;
  }
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`^${escaped.join('.*')}$`, 'i');
  return (name) => re.test(name);
}

/** Whether a pattern applies on `platform` (an unspecified platform applies everywhere). */
export function appliesTo(pattern: NamePattern, platform: Platform): boolean {
  return !pattern.platform || pattern.platform === platform;
}
