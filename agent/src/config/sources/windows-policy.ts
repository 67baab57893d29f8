// Windows policy settings: HKLM\Software\Policies\farmwatch, where Intune (OMA-URI / ADMX) and
// Group Policy write them. Read with `reg query` (fixed arguments) and parsed here:
//   REG_SZ / REG_EXPAND_SZ -> text, REG_DWORD / REG_QWORD -> number, REG_MULTI_SZ -> list
//   (reg prints its items joined by a literal "\0"), and a subkey (e.g. ...\farmwatch\sensor_intervals)
//   -> a map of its values.
import { execFileSync } from 'node:child_process';
import type { SourceValues } from './file.js';

export const POLICY_KEY = 'HKLM\\Software\\Policies\\farmwatch';

export function parseRegQuery(output: string, root = POLICY_KEY): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const rootName = root.replace(/^HKLM\\/i, 'HKEY_LOCAL_MACHINE\\').toLowerCase();
  let target: Record<string, unknown> | undefined;
  for (const rawLine of output.split(/\r?\n/)) {
    const line = rawLine.replace(/\s+$/, '');
    if (line === '') continue;
    if (/^HKEY_/i.test(line)) {
      const key = line.toLowerCase();
      if (key === rootName) target = values;
      else if (key.startsWith(`${rootName}\\`)) {
        const sub = line.slice(rootName.length + 1);
        const map: Record<string, unknown> = {};
        values[sub] = map;
        target = map;
      } else target = undefined;
      continue;
    }
    const m = /^\s+(.+?)\s{4}(REG_[A-Z_]+)\s{4}(.*)$/.exec(line) ?? /^\s+(.+?)\s{4}(REG_[A-Z_]+)$/.exec(line);
    if (!m || !target) continue;
    const [, name, type, data = ''] = m;
    if (!name || name === '(Default)') continue;
    if (type === 'REG_DWORD' || type === 'REG_QWORD') target[name] = Number.parseInt(data, 16);
    else if (type === 'REG_MULTI_SZ') target[name] = data === '' ? [] : data.split('\\0').filter((s) => s.length > 0);
    else if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ') target[name] = data;
  }
  return values;
}

export function readWindowsPolicy(): SourceValues {
  const name = `registry ${POLICY_KEY}`;
  try {
    const out = execFileSync('reg', ['query', POLICY_KEY, '/s'], { encoding: 'utf8', timeout: 10_000, windowsHide: true });
    return { name, values: parseRegQuery(out), problems: [] };
  } catch (err) {
    // reg exits 1 when the key does not exist: no policy set.
    if ((err as { status?: number }).status === 1) return { name, values: {}, problems: [] };
    return { name, values: {}, problems: [`${name}: cannot be read (${(err as Error).message})`] };
  }
}
