// The policy file (`--policy FILE`): the company's own remote-access tools and VPNs and known
// exceptions, each with a reason. Checked against a JSON Schema (Ajv); every error names the key and says
// what to write instead. Kept apart so the agent's configuration file can embed the same object.
//
// {
//   "sanctionedTools": [{ "id": "teamviewer", "reason": "IT helpdesk (ticket 4411)" }],
//   "sanctionedVpns":  [{ "id": "wireguard", "reason": "corporate WireGuard" }],
//   "exceptions": [
//     { "usb": { "vendorId": "046d", "productId": "c52b", "serial": "..." }, "reason": "..." },
//     { "edid": { "manufacturer": "DEL", "productCode": "0x2013", "serialString": "..." }, "reason": "..." },
//     { "processPath": "/opt/corp/x11vnc", "reason": "...", "action": "suppress" },
//     { "interface": "wg-corp*", "reason": "..." }
//   ]
// }
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeFileError, SchemaError, type Catalog } from '@farmwatch/shared';
import type { Policy, PolicyException } from '../detectors/policy.js';
import { validator } from '../config/validators.js';
import { EXCEPTION_KINDS } from './policy-schema.js';
import { didYouMean } from '../config/validate.js';

const policyValidator = (): ValidateFunction => validator('policy');

/** "policy.exceptions[0].usb" from Ajv's "/exceptions/0/usb". */
const where = (pointer: string): string => `policy${pointer.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('')}`;
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? `"${v.slice(0, 40)}"` : typeof v === 'object' ? 'an object' : JSON.stringify(v) ?? typeof v);
const TYPE_WORDS: Record<string, string> = { string: 'text', array: 'a list', object: 'an object', integer: 'a whole number', boolean: 'true or false' };

function message(e: ErrorObject): string {
  const path = where(e.instancePath);
  const hint = (e.parentSchema as { hint?: string } | undefined)?.hint;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return `${path}.${String(p.missingProperty)} is missing${hint ? ` (${hint})` : ''}`;
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const key = String(p.additionalProperty);
      const guess = didYouMean(key, known);
      return `${path}.${key} is not a known key${guess ? `.${guess}` : ''} (known: ${known.join(', ')})`;
    }
    case 'type': return `${path} must be ${TYPE_WORDS[String(p.type)] ?? String(p.type)}, not ${describe(e.data)}`;
    case 'pattern': return `${path} is ${describe(e.data)}${hint ? `: ${hint}` : ` (it must match ${String(p.pattern)})`}`;
    case 'minLength': return `${path} must not be empty${hint ? ` (${hint})` : ''}`;
    case 'maxLength': return `${path} is ${String(e.data).length} characters long; at most ${String(p.limit)}`;
    case 'enum': return `${path} must be one of ${(p.allowedValues as string[]).join(', ')}, not ${describe(e.data)}`;
    case 'oneOf': {
      const named = EXCEPTION_KINDS.filter((k) => typeof e.data === 'object' && e.data !== null && k in e.data);
      return `${path} must name exactly one of ${EXCEPTION_KINDS.join(', ')} (it names ${named.length === 0 ? 'none' : named.join(', ')})`;
    }
    default: return `${path} ${e.message ?? 'is not valid'}`;
  }
}

/** Each schema problem as a sentence; the branches of a failed oneOf are summed up by its own. */
function problemsOf(errors: readonly ErrorObject[]): string[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  return [...new Set(errors.filter((e) => !oneOfs.some((o) => e.schemaPath.startsWith(o))).map(message))];
}

const num = (s: string): number => Number.parseInt(s.replace(/^0x/i, ''), 16);

interface RawPolicy {
  sanctionedTools?: { id: string; reason: string }[];
  sanctionedVpns?: { id: string; reason: string }[];
  exceptions?: (Omit<PolicyException, 'usb' | 'edid'> & { usb?: { vendorId: string; productId: string; serial?: string }; edid?: { manufacturer: string; productCode?: string; serialNumber?: string; serialString?: string } })[];
}

/** A policy from its JSON object; `catalog` checks that sanctioned ids exist. */
export function parsePolicy(json: unknown, what: string, catalog?: Catalog): Policy {
  const check = policyValidator();
  if (!check(json)) throw new SchemaError(what, problemsOf(check.errors ?? []));
  const raw = json as RawPolicy;
  const problems: string[] = [];
  if (catalog) {
    const tools = new Set((catalog.remoteAccess ?? []).map((t) => t.id));
    const vpns = new Set((catalog.vpnClients ?? []).map((c) => c.id));
    raw.sanctionedTools?.forEach((s, i) => { if (!tools.has(s.id)) problems.push(`policy.sanctionedTools[${i}].id "${s.id}" is not a remote-access tool in the catalog: use the id \`farmwatch-agent scan --json\` shows`); });
    raw.sanctionedVpns?.forEach((s, i) => { if (!vpns.has(s.id)) problems.push(`policy.sanctionedVpns[${i}].id "${s.id}" is not a VPN client in the catalog (known: ${[...vpns].join(', ')})`); });
  }
  if (problems.length > 0) throw new SchemaError(what, problems);
  const reasons: Record<string, string> = {};
  for (const s of [...(raw.sanctionedTools ?? []), ...(raw.sanctionedVpns ?? [])]) reasons[s.id] = s.reason;
  return {
    sanctionedTools: (raw.sanctionedTools ?? []).map((s) => s.id),
    sanctionedVpns: (raw.sanctionedVpns ?? []).map((s) => s.id),
    reasons,
    exceptions: (raw.exceptions ?? []).map((x): PolicyException => {
      const out: PolicyException = { reason: x.reason };
      if (x.action) out.action = x.action;
      if (x.detectors) out.detectors = x.detectors;
      if (x.usb) out.usb = { vendorId: num(x.usb.vendorId), productId: num(x.usb.productId), ...(x.usb.serial !== undefined ? { serial: x.usb.serial } : {}) };
      if (x.edid) {
        out.edid = { manufacturer: x.edid.manufacturer };
        if (x.edid.productCode !== undefined) out.edid.productCode = num(x.edid.productCode);
        if (x.edid.serialNumber !== undefined) out.edid.serialNumber = num(x.edid.serialNumber);
        if (x.edid.serialString !== undefined) out.edid.serialString = x.edid.serialString;
      }
      if (x.processPath) out.processPath = x.processPath;
      if (x.interface) out.interface = x.interface;
      return out;
    }),
  };
}

export function loadPolicyFile(path: string, catalog?: Catalog): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(describeFileError(err, path, 'the policy file', { fix: 'pass an existing file with --policy' }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`the policy file ${path} is not JSON: ${(err as Error).message}`);
  }
  return parsePolicy(json, `the policy file ${path}`, catalog);
}

/** Policy from the file (when given) with --sanctioned ids added. */
export function policyFrom(file: string | undefined, sanctioned: string[], catalog: Catalog): Policy {
  const base: Policy = file ? loadPolicyFile(file, catalog) : { sanctionedTools: [] };
  return { ...base, sanctionedTools: [...new Set([...base.sanctionedTools, ...sanctioned])] };
}
