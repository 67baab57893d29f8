// A small declarative schema for JSON data (the catalog, the agent's policy file): each check
// says where the value sits ("kvmDevices[3] (pikvm).usb[0].vendorId") and what it should be, so
// a bad entry is named in the error instead of failing somewhere later.

export type Check = (value: unknown, path: string, errors: string[]) => void;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v);

export function str(opts: { pattern?: RegExp; nonEmpty?: boolean; max?: number; hint?: string } = {}): Check {
  return (v, path, errors) => {
    if (typeof v !== 'string') return void errors.push(`${path} must be text, not ${describe(v)}`);
    if (opts.nonEmpty && v.length === 0) return void errors.push(`${path} must not be empty${opts.hint ? ` (${opts.hint})` : ''}`);
    if (opts.max !== undefined && v.length > opts.max) errors.push(`${path} is ${v.length} characters long; at most ${opts.max}`);
    if (opts.pattern && v.length > 0 && !opts.pattern.test(v)) errors.push(`${path} is ${describe(v)}${opts.hint ? `: ${opts.hint}` : ''}`);
  };
}

export function int(min: number, max: number): Check {
  return (v, path, errors) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) errors.push(`${path} must be a whole number ${min}..${max}, not ${describe(v)}`);
  };
}

export const bool: Check = (v, path, errors) => {
  if (typeof v !== 'boolean') errors.push(`${path} must be true or false, not ${describe(v)}`);
};

export function oneOf(values: readonly string[]): Check {
  return (v, path, errors) => {
    if (typeof v !== 'string' || !values.includes(v)) errors.push(`${path} must be one of ${values.join(', ')}, not ${describe(v)}`);
  };
}

export function list(item: Check, opts: { label?: (v: unknown) => string | undefined; max?: number } = {}): Check {
  return (v, path, errors) => {
    if (!Array.isArray(v)) return void errors.push(`${path} must be a list, not ${describe(v)}`);
    if (opts.max !== undefined && v.length > opts.max) errors.push(`${path} has ${v.length} entries; at most ${opts.max}`);
    v.forEach((x, i) => {
      const label = opts.label?.(x);
      item(x, `${path}[${i}]${label ? ` (${label})` : ''}`, errors);
    });
  };
}

export interface Fields { [key: string]: { check: Check; required?: boolean } }

/** An object with known keys; unknown keys are errors (a typo is not silently ignored). */
export function obj(fields: Fields, opts: { allowUnknown?: boolean; hint?: string } = {}): Check {
  return (v, path, errors) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void errors.push(`${path} must be an object, not ${describe(v)}`);
    const rec = v as Record<string, unknown>;
    for (const [key, f] of Object.entries(fields)) {
      if (rec[key] === undefined || rec[key] === null) {
        if (f.required) errors.push(`${path}.${key} is missing${opts.hint ? ` (${opts.hint})` : ''}`);
        continue;
      }
      f.check(rec[key], `${path}.${key}`, errors);
    }
    if (!opts.allowUnknown) {
      for (const key of Object.keys(rec)) {
        if (!(key in fields)) errors.push(`${path}.${key} is not a known key (known: ${Object.keys(fields).join(', ')})`);
      }
    }
  };
}

export const req = (check: Check): { check: Check; required: true } => ({ check, required: true });
export const opt = (check: Check): { check: Check } => ({ check });

export class SchemaError extends Error {
  constructor(readonly what: string, readonly problems: string[]) {
    const shown = problems.slice(0, 10).map((p) => `  - ${p}`).join('\n');
    const more = problems.length > 10 ? `\n  ... and ${problems.length - 10} more` : '';
    super(`${what} is not valid:\n${shown}${more}`);
    this.name = 'SchemaError';
  }
}

export function validate(check: Check, value: unknown, root: string, what: string): void {
  const errors: string[] = [];
  check(value, root, errors);
  if (errors.length > 0) throw new SchemaError(what, errors);
}
