// Turning raw values from a configuration source into typed settings, with an error that names
// the source, the key, what was wrong and what would be right.
import { settingFor, SETTINGS, type Setting } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the agent configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where a value came from, for error messages: "/etc/farmwatch/agent.json", "FARMWATCH_SERVER". */
export type Origin = (key: string) => string;

function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

export function suggest(key: string): string {
  const best = SETTINGS.map((s) => ({ key: s.key, d: distance(key.toLowerCase(), s.key) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 3 ? ` Did you mean "${best.key}"?` : ` Known settings: ${SETTINGS.map((s) => s.key).join(', ')}.`;
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function asInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** One value to its typed form, or a problem sentence. `raw` may be text (env, flags, registry) or typed (JSON, plist). */
export function coerce(setting: Setting, raw: unknown, where: string): { value: unknown } | { problem: string } {
  const t = setting.type;
  const bad = (expected: string): { problem: string } =>
    ({ problem: `${where}: ${setting.key} must be ${expected}, not ${show(raw)} (${setting.key}: ${setting.describe})` });
  switch (t.kind) {
    case 'string':
      if (typeof raw !== 'string' || raw.trim() === '') return bad('a non-empty string');
      if (t.pattern && !t.pattern.test(raw.trim())) return bad(t.hint ?? `text matching ${String(t.pattern)}`);
      return { value: raw.trim() };
    case 'int': {
      const n = asInt(raw);
      if (n === undefined || n < t.min || n > t.max) return bad(`a whole number of ${t.unit} from ${t.min} to ${t.max}`);
      return { value: n };
    }
    case 'bool':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 1 || raw === 0) return { value: raw === 1 };
      if (typeof raw === 'string' && /^(true|false|1|0|yes|no)$/i.test(raw.trim())) return { value: /^(true|1|yes)$/i.test(raw.trim()) };
      return bad('true or false');
    case 'enum':
      if (typeof raw === 'string' && t.values.includes(raw.trim())) return { value: raw.trim() };
      return bad(`one of ${t.values.join(', ')}`);
    case 'list': {
      const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
      if (!list || !list.every((x) => typeof x === 'string')) return bad('a list of names (an array, or comma-separated text)');
      return { value: (list).map((x) => x.trim()).filter((x) => x.length > 0) };
    }
    case 'intMap': {
      let entries: [string, unknown][];
      if (typeof raw === 'string') {
        const pairs = raw.split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.split('='));
        if (pairs.some((p) => p.length !== 2)) return bad(`name=${t.unit} pairs separated by commas, e.g. processes=60,usb_devices=30`);
        entries = pairs.map(([k, v]) => [String(k).trim(), String(v).trim()]);
      } else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        entries = Object.entries(raw);
      } else {
        return bad(`a map of name to ${t.unit}`);
      }
      const out: Record<string, number> = {};
      for (const [k, v] of entries) {
        const n = asInt(v);
        if (n === undefined || n < t.min || n > t.max) return { problem: `${where}: ${setting.key}.${k} must be a whole number of ${t.unit} from ${t.min} to ${t.max}, not ${show(v)}` };
        out[k] = n;
      }
      return { value: out };
    }
  }
}

/** Validates every key of one source; unknown keys are problems too (a typo must not pass silently). */
export function validateSource(values: Record<string, unknown>, origin: Origin): { settings: Record<string, unknown>; problems: string[] } {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const setting = settingFor(key);
    if (!setting) {
      problems.push(`${origin(key)}: "${key}" is not a setting.${suggest(key)}`);
      continue;
    }
    const r = coerce(setting, raw, origin(key));
    if ('problem' in r) problems.push(r.problem);
    else settings[key] = r.value;
  }
  return { settings, problems };
}
