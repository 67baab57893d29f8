// The free-text fallback of `inspect`: anything no reader recognises (an incident write-up, a chat
// paste, a forum post) is searched for the catalog's distinctive tokens only, never for ordinary
// words: USB vendor:product pairs (with one of the catalog's strings nearby when the ids are shared
// by ordinary devices), KVM names in a USB context, executable names with their extension, absolute
// paths, service and launchd names with a dot, and relay host names (not in a web link). What it
// finds is a mention, weaker than a reader's fact: lower confidence, and the report says the file
// was read as free text.
import { compileGlob, roleOf, type Catalog, type KvmDevice, type NameMatcher, type RemoteAccessRole, type UsbIdentity } from '@farmwatch/shared';

export interface Mention {
  category: 'kvm' | 'remote_access';
  catalogEntry: string;
  name: string;
  /** What kind of token: "usb ids", "usb name", "storage", "program", "path", "service", "host". */
  kind: string;
  /** The text found. */
  value: string;
  /** The catalog value it matched. */
  matched: string;
  confidence: number;
  role?: RemoteAccessRole;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Words that name no product by themselves: a catalog string made only of these is not distinctive. */
const GENERIC_WORDS = new Set([
  'usb', 'device', 'devices', 'input', 'composite', 'multifunction', 'gadget', 'keyboard', 'mouse', 'hid', 'linux', 'foundation', 'inc', 'inc.', 'ltd',
  'co', 'corp', 'corporation', 'technology', 'wireless', 'multimedia', 'pro', 'microsoft', 'logitech', 'dell', 'lenovo', 'standard', 'generic', 'emulation',
  'virtual', 'media', 'drive', 'optical', 'flash', 'storage', 'receiver', 'hub', 'camera', 'video', 'capture', 'audio', 'serial', 'port', '(x64)', 'the',
]);

function distinctive(s: string | null | undefined): s is string {
  if (!s || s.length < 5) return false;
  const words = s.toLowerCase().split(/[\s_,-]+/).filter(Boolean);
  return words.some((w) => !GENERIC_WORDS.has(w) && !/^\d+$/.test(w));
}

/** Executable stems too common to name a tool by themselves (system programs, "agent", "setup"). */
const GENERIC_PROGRAMS = new Set(['agent', 'setup', 'dwm', 'perl', 'level', 'client', 'service', 'update', 'updater', 'launcher', 'helper', 'install', 'installer',
  'uninstall', 'server', 'host', 'monitor', 'support', 'remote', 'connect', 'viewer', 'mstsc', 'chrome', 'java', 'python', 'node', 'powershell', 'cmd', 'explorer']);

/** Shared platforms whose subdomains say nothing about which tool (a glob "*.amazonaws.com" would match any customer). */
const SHARED_DOMAINS = /(^|\.)(amazonaws\.com|cloudfront\.net|windows\.net|azurewebsites\.net|azureedge\.net|googleapis\.com|github\.com|githubusercontent\.com|cloudflare\.com|herokuapp\.com|pubnub\.com|pubnubapi\.com|akamaized\.net|fastly\.net|microsoft\.com|google\.com|apple\.com)$/;

interface Compiled {
  exe: Map<string, { id: string; name: string; pattern: string; role: RemoteAccessRole }[]>;
  exeGlobs: { m: NameMatcher; id: string; name: string; pattern: string; role: RemoteAccessRole }[];
  names: Map<string, { id: string; name: string; pattern: string; role: RemoteAccessRole }[]>;
  paths: { m: NameMatcher; id: string; name: string; pattern: string; role: RemoteAccessRole }[];
  services: Map<string, { id: string; name: string; pattern: string; role: RemoteAccessRole }[]>;
  serviceGlobs: { m: NameMatcher; id: string; name: string; pattern: string; role: RemoteAccessRole }[];
  domains: { m: NameMatcher; id: string; name: string; pattern: string; role: RemoteAccessRole }[];
  usb: { kvm: KvmDevice; u: UsbIdentity }[];
  kvmNames: { kvm: KvmDevice; value: string }[];
  storage: { kvm: KvmDevice; re: RegExp; value: string }[];
}

const cache = new WeakMap<Catalog, Compiled>();

const stemOf = (p: string): string => p.toLowerCase().replace(/\.exe$/, '');
/** A process name without extension is distinctive when it is shaped like a program, not a word: "_", "-", "." or a digit inside, or 10+ characters. */
const programShaped = (p: string): boolean => !p.includes('*') && (/[_.\d-]/.test(p) || p.length >= 10) && !GENERIC_PROGRAMS.has(p.toLowerCase());

function compile(catalog: Catalog): Compiled {
  const hit = cache.get(catalog);
  if (hit) return hit;
  const c: Compiled = { exe: new Map(), exeGlobs: [], names: new Map(), paths: [], services: new Map(), serviceGlobs: [], domains: [], usb: [], kvmNames: [], storage: [] };
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => { m.set(k, [...(m.get(k) ?? []), v]); };
  for (const tool of catalog.remoteAccess ?? []) {
    const id = tool.id ?? '';
    const name = tool.name ?? id;
    for (const p of tool.processes ?? []) {
      const pattern = p.pattern ?? '';
      const ref = { id, name, pattern, role: roleOf(tool, p) };
      if (/\.exe$/i.test(pattern)) {
        const stem = stemOf(pattern);
        const literal = stem.replace(/\*/g, '');
        if (literal.length < 4 || GENERIC_PROGRAMS.has(stem)) continue;
        if (pattern.includes('*')) c.exeGlobs.push({ m: compileGlob(pattern), ...ref });
        else push(c.exe, pattern.toLowerCase(), ref);
      } else if (programShaped(pattern)) push(c.names, pattern.toLowerCase(), ref);
    }
    for (const p of tool.paths ?? []) {
      const pattern = p.pattern ?? '';
      if (pattern.replace(/\*/g, '').length >= 8) c.paths.push({ m: compileGlob(pattern), id, name, pattern, role: roleOf(tool, p) });
    }
    for (const p of tool.services ?? []) {
      const pattern = p.pattern ?? '';
      // Only names shaped like units or launchd labels ("anydesk.service", "com.teamviewer.service"): Windows service names are often words.
      if (!/^[\w@*-]+(\.[\w@*-]+)+$/.test(pattern) || pattern.replace(/\*/g, '').length < 8) continue;
      const ref = { id, name, pattern, role: roleOf(tool, p) };
      if (pattern.includes('*')) c.serviceGlobs.push({ m: compileGlob(pattern), ...ref });
      else push(c.services, pattern.toLowerCase(), ref);
    }
    for (const d of tool.domains ?? []) {
      if (/^[\d.]+$/.test(d) || !d.includes('.')) continue;
      const literal = d.replace(/^\*\.?/, '');
      if (SHARED_DOMAINS.test(literal) || (d.startsWith('*') && SHARED_DOMAINS.test(`x.${literal}`))) continue;
      // A bare registrable domain ("ammyy.com") is the vendor's web site, which documentation names; relays are subdomains.
      if (!d.includes('*') && d.split('.').length < 3) continue;
      c.domains.push({ m: compileGlob(d), id, name, pattern: d, role: roleOf(tool) });
    }
  }
  for (const kvm of catalog.kvmDevices ?? []) {
    for (const u of kvm.usb ?? []) c.usb.push({ kvm, u });
    for (const s of [...new Set((kvm.usb ?? []).flatMap((u) => [u.manufacturer, u.product]))]) {
      // A KVM's own name as a USB string ("PiKVM Composite Device", "NanoKVM-USB", "tinypilot"): its brand is in it.
      if (distinctive(s) && /kvm|pilot/i.test(s)) c.kvmNames.push({ kvm, value: s });
    }
    for (const s of kvm.storage ?? []) {
      if (!distinctive(s.vendor) && !/kvm/i.test(s.vendor ?? '')) continue;
      const product = s.product && s.product !== '*' ? `\\s+${escape(s.product).replace(/\\\*/g, '\\S*')}` : '';
      c.storage.push({ kvm, re: new RegExp(`\\b${escape(s.vendor ?? '')}${product}\\b`, 'i'), value: `${s.vendor ?? ''} ${s.product ?? ''}`.trim() });
    }
  }
  cache.set(catalog, c);
  return c;
}

/** USB id pairs as the tools print them, with where they sit in the text. */
const USB_PAIRS: RegExp[] = [
  /\b0003:([0-9a-f]{4}):([0-9a-f]{4})\.[0-9a-f]{4}\b/gi,
  /(?<![0-9a-f:.])([0-9a-f]{4}):([0-9a-f]{4})(?![0-9a-f:]|\.\d)/gi,
  /VID_([0-9a-f]{4})&PID_([0-9a-f]{4})/gi,
  /idVendor[=:\s]+(?:0x)?([0-9a-f]{4})\b[^\n]{0,40}?idProduct[=:\s]+(?:0x)?([0-9a-f]{4})\b/gi,
  /Vendor=([0-9a-f]{4})\s+ProdID=([0-9a-f]{4})/gi,
  /\bVID[=:\s]*0x([0-9a-f]{4})\W{1,3}PID[=:\s]*0x([0-9a-f]{4})/gi,
  /\bVendor ID:\s*0x([0-9a-f]{4})[^\n]*\n[^\n]*?Product ID:\s*0x([0-9a-f]{4})/gi,
];
const USB_PAIR_REVERSED = /\bProduct ID:\s*0x([0-9a-f]{4})[^\n]*\n[^\n]*?Vendor ID:\s*0x([0-9a-f]{4})/gi;

function usbPairs(text: string): { vid: number; pid: number; at: number }[] {
  const out: { vid: number; pid: number; at: number }[] = [];
  for (const re of USB_PAIRS) for (const m of text.matchAll(re)) out.push({ vid: Number.parseInt(m[1] ?? '', 16), pid: Number.parseInt(m[2] ?? '', 16), at: m.index });
  for (const m of text.matchAll(USB_PAIR_REVERSED)) out.push({ vid: Number.parseInt(m[2] ?? '', 16), pid: Number.parseInt(m[1] ?? '', 16), at: m.index });
  return out;
}

/** The lines around a position: where a pair's strings are printed (same line, or the descriptor lines below it). */
function around(text: string, at: number, before = 2, after = 12): string {
  let start = at;
  for (let n = 0; n <= before && start > 0; n++) start = text.lastIndexOf('\n', start - 1);
  let end = at;
  for (let n = 0; n <= after && end !== -1; n++) end = text.indexOf('\n', end + 1);
  return text.slice(Math.max(0, start), end === -1 ? undefined : end);
}

const containsWord = (hay: string, needle: string): boolean => new RegExp(`(^|[^a-z0-9])${escape(needle.toLowerCase())}($|[^a-z0-9])`).test(hay.toLowerCase());

/** USB strings lines print: a KVM name only counts in such a line (not in prose about the product). */
const USB_CONTEXT = /\busb\b|idVendor|iProduct|iManufacturer|Product:|Manufacturer:|\bhid\b|input:|ugen\d|by-id|VID_|Vendor ID|Product ID|ID_MODEL|ID_VENDOR|SerialNumber/i;

/** KVM names in a USB listing's name ("PiKVM Composite Device" in a by-id name, a FreeBSD ugen line, an input: line). */
export function kvmNamesIn(name: string, catalog: Catalog): { kvm: KvmDevice; value: string }[] {
  return compile(catalog).kvmNames.filter((k) => containsWord(name, k.value));
}

/** The catalog's tokens in a text. */
export function freeTextMentions(text: string, catalog: Catalog): Mention[] {
  const c = compile(catalog);
  const out: Mention[] = [];
  const add = (m: Mention): void => { if (!out.some((x) => x.catalogEntry === m.catalogEntry && x.kind === m.kind && x.value === m.value)) out.push(m); };
  // USB ids.
  for (const pair of usbPairs(text)) {
    if (pair.vid === 0x1d6b && pair.pid <= 3) continue;
    const ctx = around(text, pair.at);
    for (const { kvm, u } of c.usb) {
      const anyVendor = (u.vendorId ?? 0) === 0 && u.anyProduct === true;
      if (anyVendor || u.vendorId !== pair.vid || (!u.anyProduct && u.productId !== pair.pid)) continue;
      const strings = [u.manufacturer, u.product, u.serial].filter(distinctive).filter((s) => containsWord(ctx, s));
      if (!u.idsAlone && strings.length === 0) continue;
      // A preset copying a real device's strings (JetKVM's Dell keyboard) needs all of them near the ids.
      if (u.allStrings && ![u.manufacturer, u.product, u.serial].filter((s): s is string => !!s).every((s) => containsWord(ctx, s))) continue;
      if (u.noStrings) continue;
      const value = `${hex4(pair.vid)}:${hex4(pair.pid)}${strings.length ? ` with "${strings.join('", "')}"` : ''}`;
      add({ category: 'kvm', catalogEntry: kvm.id ?? '', name: kvm.name ?? '', kind: 'usb ids', value, matched: `${hex4(u.vendorId ?? 0)}:${hex4(u.productId ?? 0)}${strings.length ? ' and strings' : ''}`, confidence: Math.max(30, (u.confidence ?? 60) - 25) });
    }
  }
  // KVM names and virtual drives in USB lines.
  for (const line of text.split(/\r?\n/)) {
    if (!USB_CONTEXT.test(line) && !/scsi|CD-ROM|Direct-Access/i.test(line)) continue;
    if (USB_CONTEXT.test(line)) for (const k of kvmNamesIn(line, catalog)) add({ category: 'kvm', catalogEntry: k.kvm.id ?? '', name: k.kvm.name ?? '', kind: 'usb name', value: k.value, matched: k.value, confidence: 45 });
    // Inquiry strings are a SCSI line's ("usb 3-13: Manufacturer: sipeed" is a USB string, not NanoKVM Pro's drive).
    if (/scsi|CD-ROM|Direct-Access/i.test(line)) for (const s of c.storage) if (s.re.test(line)) add({ category: 'kvm', catalogEntry: s.kvm.id ?? '', name: s.kvm.name ?? '', kind: 'storage', value: s.re.exec(line)?.[0] ?? s.value, matched: s.value, confidence: 50 });
  }
  // Programs with their extension, and program-shaped names.
  for (const m of text.matchAll(/(?<![\w.-])([\w.-]*[a-z][\w.-]*\.exe)\b/gi)) {
    const exe = m[1] ?? '';
    for (const r of c.exe.get(exe.toLowerCase()) ?? []) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'program', value: exe, matched: r.pattern, confidence: 50, role: r.role });
    for (const r of c.exeGlobs) if (r.m(exe)) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'program', value: exe, matched: r.pattern, confidence: 45, role: r.role });
  }
  for (const m of text.matchAll(/(?<![\w.@/-])([A-Za-z][\w.-]{3,}[\w])(?![\w@-]|\.\w)/g)) {
    for (const r of c.names.get((m[1] ?? '').toLowerCase()) ?? []) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'program', value: m[1] ?? '', matched: r.pattern, confidence: 40, role: r.role });
  }
  // Absolute paths.
  for (const m of text.matchAll(/(?:[A-Za-z]:\\(?:[^\\\r\n"'<>|*?\t]+\\)*[^\\\r\n"'<>|*?\t]+|\/(?:usr|opt|Applications|Library|etc|var|lib|bin|sbin)\/[^\s"'<>;,)]+)/g)) {
    const path = (m[0] ?? '').replace(/[.:]+$/, '');
    for (const r of c.paths) if (r.m(path) || r.m(`${path}\\x`) || r.m(`${path}/x`)) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'path', value: path, matched: r.pattern, confidence: 50, role: r.role });
  }
  // Unit and launchd names.
  for (const m of text.matchAll(/(?<![\w@.-])([\w@-]+(?:\.[\w@-]+)+)(?![\w@-])/g)) {
    const s = (m[1] ?? '').replace(/\.$/, '');
    for (const r of c.services.get(s.toLowerCase()) ?? []) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'service', value: s, matched: r.pattern, confidence: 50, role: r.role });
    for (const r of c.serviceGlobs) if (r.m(s)) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'service', value: s, matched: r.pattern, confidence: 45, role: r.role });
  }
  // Relay host names, not inside a web link (documentation links to vendors' sites).
  for (const m of text.matchAll(/(?<![\w.@/-])((?:[a-z0-9-]+\.){2,}[a-z]{2,})(?![\w-]|\.[a-z0-9])/gi)) {
    const host = (m[1] ?? '').toLowerCase();
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    if (/:\/\/$|www\.$/.test(before) || host.startsWith('www.')) continue;
    for (const r of c.domains) if (r.m(host)) add({ category: 'remote_access', catalogEntry: r.id, name: r.name, kind: 'host', value: host, matched: r.pattern, confidence: 45, role: r.role });
  }
  return out;
}
