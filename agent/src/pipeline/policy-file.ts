// The policy file (`--policy FILE`): the company's own remote-access tools and VPNs and known
// exceptions, each with a reason. Checked against a schema; every error names the key and says
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
import { describeFileError, list, obj, oneOf, opt, req, str, validate, type Check, type Catalog } from '@farmwatch/shared';
import type { Policy, PolicyException } from '../detectors/policy.js';

const hex16 = str({ pattern: /^(0x)?[0-9a-fA-F]{1,4}$/, hint: 'a 16-bit hex id such as "046d"' });
const hex32 = str({ pattern: /^(0x)?[0-9a-fA-F]{1,8}$/, hint: 'a 32-bit hex number such as "0x88888800"' });
const reason = str({ nonEmpty: true, max: 512, hint: 'say why this is allowed, for the analyst who reads the finding' });
const sanction = obj({ id: req(str({ pattern: /^[a-z0-9][a-z0-9-]*$/, hint: 'a catalog id such as "teamviewer"' })), reason: req(reason) });

const exception: Check = (v, path, errors) => {
  obj({
    reason: req(reason), action: opt(oneOf(['lower', 'suppress'])), detectors: opt(list(str({ nonEmpty: true }))),
    usb: opt(obj({ vendorId: req(hex16), productId: req(hex16), serial: opt(str()) })),
    edid: opt(obj({ manufacturer: req(str({ pattern: /^[A-Z@]{3}$/, hint: 'a three-letter PNP id such as "DEL"' })), productCode: opt(hex16), serialNumber: opt(hex32), serialString: opt(str()) })),
    processPath: opt(str({ nonEmpty: true })), interface: opt(str({ nonEmpty: true })),
  }, { hint: 'every exception needs a reason' })(v, path, errors);
  if (typeof v === 'object' && v !== null) {
    const kinds = ['usb', 'edid', 'processPath', 'interface'].filter((k) => k in v);
    if (kinds.length !== 1) errors.push(`${path} must name exactly one of usb, edid, processPath, interface (it names ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
  }
};

const policySchema = obj({ sanctionedTools: opt(list(sanction)), sanctionedVpns: opt(list(sanction)), exceptions: opt(list(exception)) });

const num = (s: string): number => Number.parseInt(s.replace(/^0x/i, ''), 16);

interface RawPolicy {
  sanctionedTools?: { id: string; reason: string }[];
  sanctionedVpns?: { id: string; reason: string }[];
  exceptions?: (Omit<PolicyException, 'usb' | 'edid'> & { usb?: { vendorId: string; productId: string; serial?: string }; edid?: { manufacturer: string; productCode?: string; serialNumber?: string; serialString?: string } })[];
}

/** A policy from its JSON object; `catalog` checks that sanctioned ids exist. */
export function parsePolicy(json: unknown, what: string, catalog?: Catalog): Policy {
  validate(policySchema, json, 'policy', what);
  const raw = json as RawPolicy;
  const problems: string[] = [];
  if (catalog) {
    const tools = new Set((catalog.remoteAccess ?? []).map((t) => t.id));
    const vpns = new Set((catalog.vpnClients ?? []).map((c) => c.id));
    raw.sanctionedTools?.forEach((s, i) => { if (!tools.has(s.id)) problems.push(`policy.sanctionedTools[${i}].id "${s.id}" is not a remote-access tool in the catalog: use the id \`farmwatch-agent scan --json\` shows`); });
    raw.sanctionedVpns?.forEach((s, i) => { if (!vpns.has(s.id)) problems.push(`policy.sanctionedVpns[${i}].id "${s.id}" is not a VPN client in the catalog (known: ${[...vpns].join(', ')})`); });
  }
  if (problems.length > 0) validate((_v, _p, errors) => errors.push(...problems), json, 'policy', what);
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
