// Turning raw values from a configuration source into typed settings, checked against the settings
// schema (schema.ts) by Ajv, with an error that names the source, the key, what was wrong and what
// would be right.
import { closest, distance } from 'fastest-levenshtein';
import type { ErrorObject } from 'ajv';
import { SETTING_KEYS, expected, settingSchema, type SettingSchema } from './schema.js';
import { validator } from './validators.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the agent configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where a value came from, for error messages: "/etc/farmwatch/agent.json", "FARMWATCH_SERVER". */
export type Origin = (key: string) => string;

/** " Did you mean "x"?" when a known name is a likely typo of `name`, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const best = closest(name.toLowerCase(), known);
  return distance(name.toLowerCase(), best) <= 3 ? ` Did you mean "${best}"?` : '';
}

export function suggest(key: string): string {
  return didYouMean(key, SETTING_KEYS) || ` Known settings: ${SETTING_KEYS.join(', ')}.`;
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/**
 * Text forms the sources deliver (environment, flags, registry strings) turned into the JSON the
 * schema describes: comma-separated lists, name=value maps, yes/no; strings trimmed. Numbers from
 * text are left to Ajv's type coercion.
 */
function fromText(s: SettingSchema, raw: unknown): { value: unknown } | { problem: string } {
  if (typeof raw !== 'string') return { value: raw };
  const t = raw.trim();
  if (s.type === 'array') return { value: t.split(',').map((x) => x.trim()).filter((x) => x.length > 0) };
  if (s.type === 'object') {
    const pairs = t.split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.split('='));
    if (pairs.some((p) => p.length !== 2)) return { problem: `name=${s.unit ?? 'value'} pairs separated by commas, e.g. processes=60,usb_devices=30` };
    return { value: Object.fromEntries(pairs.map(([k, v]) => [String(k).trim(), String(v).trim()])) };
  }
  if (s.type === 'boolean' && /^(yes|no|1|0)$/i.test(t)) return { value: /^(yes|1)$/i.test(t) };
  return { value: t };
}

/** Trims the names of a list given as JSON, as its text form would be. */
const tidy = (s: SettingSchema, v: unknown): unknown =>
  s.type === 'array' && Array.isArray(v) ? (v as unknown[]).map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '') : v;

/** The problem sentence for one setting's schema errors (one sentence per setting or map entry). */
function sentence(key: string, s: SettingSchema, errors: ErrorObject[], raw: unknown, prepared: unknown, where: string): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    const entry = e.instancePath.split('/').slice(2)[0];
    if (entry !== undefined && s.type === 'object' && s.additionalProperties) {
      const a = s.additionalProperties;
      const rawEntry = (prepared as Record<string, unknown>)[entry.replace(/~1/g, '/').replace(/~0/g, '~')];
      out.add(`${where}: ${key}.${entry} must be a whole number of ${s.unit ?? ''} from ${a.minimum} to ${a.maximum}, not ${show(rawEntry)}`);
    } else {
      out.add(`${where}: ${key} must be ${expected(s)}, not ${show(raw)} (${key}: ${s.description})`);
    }
  }
  return [...out];
}

/** Validates every key of one source; unknown keys are problems too (a typo must not pass silently). */
export function validateSource(values: Record<string, unknown>, origin: Origin): { settings: Record<string, unknown>; problems: string[] } {
  // Problems in the order the source gave its keys.
  const problems = new Map<string, string[]>();
  const add = (key: string, p: string[]): void => void problems.set(key, [...(problems.get(key) ?? []), ...p]);
  const candidate: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const s = settingSchema(key);
    if (!s) {
      add(key, [`${origin(key)}: "${key}" is not a setting.${suggest(key)}`]);
      continue;
    }
    const r = fromText(s, raw);
    if ('problem' in r) add(key, [`${origin(key)}: ${key} must be ${r.problem}, not ${show(raw)}`]);
    else candidate[key] = structuredClone(tidy(s, r.value));
  }
  const validate = validator('settings');
  const checked = structuredClone(candidate);
  if (!validate(checked)) {
    const byKey = new Map<string, ErrorObject[]>();
    for (const e of validate.errors ?? []) {
      const key = e.instancePath.split('/')[1] ?? '';
      byKey.set(key, [...(byKey.get(key) ?? []), e]);
    }
    for (const [key, errors] of byKey) {
      const s = settingSchema(key);
      if (!s) continue;
      add(key, sentence(key, s, errors, values[key], candidate[key], origin(key)));
      delete checked[key];
    }
  }
  return { settings: checked, problems: Object.keys(values).flatMap((k) => problems.get(k) ?? []) };
}
