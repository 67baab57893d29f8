// The catalog's schema: what every entry must hold. Checked when a catalog is loaded (the built-in
// one and any the collector pushes), so a bad entry is named rather than skipped or crashing a
// detector later.
import { bool, int, list, obj, oneOf, opt, req, str, type Check } from './schema.js';
import { MAX_PATTERN_LENGTH, MAX_PATTERN_WILDCARDS, MAX_PATTERNS_PER_ENTRY } from './patterns.js';

const PLATFORMS = ['PLATFORM_UNSPECIFIED', 'PLATFORM_LINUX', 'PLATFORM_MACOS', 'PLATFORM_WINDOWS'] as const;
const id = str({ pattern: /^[a-z0-9][a-z0-9-]*$/, nonEmpty: true, hint: 'ids are lower-case letters, digits and dashes' });
const text = str({ max: 1024 });
const name = str({ nonEmpty: true, max: 256 });
const label = (v: unknown): string | undefined => (typeof v === 'object' && v !== null && 'id' in v ? String((v).id) : undefined);

const source = obj({ url: opt(text), repo: opt(text), path: opt(text), commit: opt(text), license: opt(text), note: opt(text) });
const sources: Check = (v, path, errors) => {
  list(source)(v, path, errors);
  if (Array.isArray(v) && v.length === 0) errors.push(`${path} is empty: every entry names where its facts come from`);
};
/**
 * Text that becomes a name pattern (globs: `*`; domains also `[...]` and `{n,m}`): bounded, so a
 * pushed catalog cannot make matching costly (matching is linear, and these bound the factor).
 */
function glob(opts: { nonEmpty?: boolean } = {}): Check {
  const text = str({ nonEmpty: opts.nonEmpty ?? true, max: MAX_PATTERN_LENGTH });
  return (v, path, errors) => {
    text(v, path, errors);
    const stars = typeof v === 'string' ? v.split('*').length - 1 : 0;
    if (stars > MAX_PATTERN_WILDCARDS) errors.push(`${path} has ${stars} '*'; at most ${MAX_PATTERN_WILDCARDS}`);
  };
}
/** The lists of an entry whose items are (or hold) name patterns. */
const PATTERN_LISTS = ['processes', 'services', 'paths', 'interfaces', 'adapterDescriptions', 'domains', 'usb', 'storage', 'edid'] as const;
/** An entry, with at most MAX_PATTERNS_PER_ENTRY patterns over all its lists. */
function bounded(entry: Check): Check {
  return (v, path, errors) => {
    entry(v, path, errors);
    if (typeof v !== 'object' || v === null) return;
    const rec = v as Record<string, unknown>;
    const count = PATTERN_LISTS.reduce((n, key) => n + (Array.isArray(rec[key]) ? rec[key].length : 0), 0);
    if (count > MAX_PATTERNS_PER_ENTRY) {
      errors.push(`${path} has ${count} name patterns (${PATTERN_LISTS.filter((k) => Array.isArray(rec[k])).join(', ')} together); at most ${MAX_PATTERNS_PER_ENTRY}: split the entry`);
    }
  };
}
const pattern = obj({ pattern: req(glob()), platform: opt(oneOf(PLATFORMS)) });
const patterns = list(pattern);
/** Which side of a connection a remote-access tool (or one of its programs) is; empty: not known. */
const ROLES = ['', 'host', 'client', 'both'] as const;
const role = oneOf(ROLES);
const rolePatterns = list(obj({ pattern: req(glob()), platform: opt(oneOf(PLATFORMS)), role: opt(role) }));
const cidr = str({ pattern: /^[0-9a-f.:]+\/\d{1,3}$/i, hint: 'a CIDR such as 198.18.0.0/15' });

const remoteAccessTool = bounded(obj({
  id: req(id), name: req(name), category: opt(text), processes: opt(rolePatterns), services: opt(rolePatterns), paths: opt(rolePatterns),
  domains: opt(list(glob())), ports: opt(list(int(0, 65535))), selfHosted: opt(bool), sources: req(sources), role: opt(role),
}));

const usbIdentity = obj({
  vendorId: opt(int(0, 0xffff)), productId: opt(int(0, 0xffff)), anyProduct: opt(bool), manufacturer: opt(glob({ nonEmpty: false })),
  product: opt(glob({ nonEmpty: false })), serial: opt(glob({ nonEmpty: false })), idsAlone: opt(bool), noStrings: opt(bool), confidence: req(int(1, 100)), side: opt(oneOf(['target', 'controller'])), note: opt(text),
  allStrings: opt(bool),
});

const edidSignature = obj({
  id: req(id), manufacturer: opt(str({ pattern: /^([A-Z@]{3})?$/, hint: 'a three-letter PNP id such as "LNX"' })),
  productCodeMin: opt(int(0, 0xffff)), productCodeMax: opt(int(0, 0xffff)),
  serialNumberHex: opt(str({ pattern: /^([0-9A-F]{8})?$/, hint: '8 upper-case hex digits' })), monitorName: opt(glob({ nonEmpty: false })), serialString: opt(glob({ nonEmpty: false })),
  fingerprint: opt(str({ pattern: /^([0-9a-f]{64})?$/, hint: 'sha256 hex' })), confidence: req(int(1, 100)), note: opt(text),
});

const kvmDevice = bounded(obj({
  id: req(id), name: req(name), category: req(oneOf(['ip-kvm', 'usb-kvm', 'hdmi-capture-chip'])), usb: opt(list(usbIdentity)),
  storage: opt(list(obj({ vendor: opt(glob({ nonEmpty: false })), product: opt(glob({ nonEmpty: false })) }))), edid: opt(list(edidSignature, { label })),
  mdnsNames: opt(list(str({ pattern: /^[a-z0-9-]+\.local$/, hint: 'a name under .local' }))),
  macPrefixes: opt(list(str({ pattern: /^[0-9a-f]{2}(:[0-9a-f]{2}){2}$/, hint: 'three lower-case hex octets, "48:da:35"' }))),
  sources: req(sources),
}));

const mouseJiggler = bounded(obj({ id: req(id), name: req(name), usb: opt(list(usbIdentity)), sources: req(sources) }));

const vpnClient = bounded(obj({
  id: req(id), name: req(name), category: req(oneOf(['consumer-vpn', 'protocol-client', 'mesh-vpn', 'corporate-vpn'])),
  priority: opt(oneOf(['high', 'medium', 'low'])), processes: opt(patterns), services: opt(patterns), paths: opt(patterns),
  interfaces: opt(patterns), adapterDescriptions: opt(list(glob())), routes: opt(list(cidr)),
  domains: opt(list(glob())), ports: opt(list(int(0, 65535))), dnsServers: opt(list(str({ nonEmpty: true }))), sources: req(sources),
}));

const sharedPort = obj({
  port: req(int(1, 65535)), protocol: opt(oneOf(['', 'tcp', 'udp'])), usedBy: req(str({ nonEmpty: true, max: 256 })), sources: req(sources),
});

export const catalogSchema: Check = obj({
  version: req(str({ pattern: /^[0-9a-f]{16}$/, hint: 'the first 16 hex digits of the content hash' })),
  remoteAccess: req(list(remoteAccessTool, { label })),
  kvmDevices: opt(list(kvmDevice, { label })),
  mouseJigglers: opt(list(mouseJiggler, { label })),
  vpnClients: opt(list(vpnClient, { label })),
  sharedPorts: opt(list(sharedPort, { label: (v) => (typeof v === 'object' && v !== null && 'port' in v ? String(v.port) : undefined) })),
});
