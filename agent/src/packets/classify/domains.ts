// Catalog domains as a matcher for TLS server names, DNS query names and HTTP hosts. The rules come
// from a small function over the catalog, so entries of other kinds (VPN providers) join by adding
// their {pattern, entryId, kind} rows.
//
// Catalog patterns are data, never regular expressions. What they hold, and how each is taken:
//   "anydesk.com"              the name itself, case-insensitive, trailing dot ignored;
//   "*.anydesk.com"            any name below anydesk.com (not anydesk.com itself: the catalog lists
//                              the bare domain separately when it means it);
//   "plus*.site24x7.com"       `*` inside a label: any run of characters within that label;
//   "relay-[a-f0-9]{8}.net.anydesk.com:443"
//                              LOLRMM writes AnyDesk's relay names with a character class and a
//                              repeat count: `[...]` (letters, digits, ranges) and `{n}` / `{n,m}`
//                              are understood, nothing else; `:443` limits the rule to that server
//                              port when the port is known (TLS), and is ignored for DNS names;
//   "136.243.104.235"          an address: matches the flow's server address;
//   "<operator-configured ...>" a placeholder for a self-hosted server: skipped, it names nothing.
import { isIP } from 'node:net';
import { LinearMatcher, type Atom, type Catalog } from '@farmwatch/shared';
import type { DomainMatcher } from './types.js';

export interface DomainRule {
  pattern: string;
  entryId: string;
  kind: 'remote_access' | 'vpn';
}

/** The catalog's remote-access domains as rules. VPN entries join with rulesFor(entries, 'vpn'). */
export function domainRulesFromCatalog(catalog: Catalog): DomainRule[] {
  return rulesFor((catalog.remoteAccess ?? []).map((t) => ({ id: t.id ?? '', domains: t.domains ?? [] })), 'remote_access');
}

export function rulesFor(entries: readonly { id: string; domains: readonly string[] }[], kind: DomainRule['kind']): DomainRule[] {
  const out: DomainRule[] = [];
  for (const e of entries) for (const pattern of e.domains) if (e.id && pattern) out.push({ pattern, entryId: e.id, kind });
  return out;
}

interface Compiled {
  rule: DomainRule;
  port?: number;
  matcher?: LinearMatcher;
}

const SUPPORTED = /^[a-z0-9.*\-_[\]{},]+$/;

/** A class's characters: letters, digits and ranges (`a-f0-9`); a dash first or last is itself. */
function classCodes(cls: string): Set<number> | undefined {
  const codes = new Set<number>();
  for (let i = 0; i < cls.length; i++) {
    const from = cls.charCodeAt(i);
    if (cls[i + 1] === '-' && i + 2 < cls.length) {
      const to = cls.charCodeAt(i + 2);
      if (to < from) return undefined;
      for (let c = from; c <= to; c++) codes.add(c);
      i += 2;
    } else codes.add(from);
  }
  return codes;
}

/**
 * A host pattern as atoms for the linear matcher (never a regular expression: see
 * @farmwatch/shared linear-match.ts): `*` any run within one label, `[...]` one character of a
 * class, `{n}` / `{n,m}` the atom before it n (to m) times. Undefined for syntax it does not take.
 */
export function hostAtoms(host: string): Atom[] | undefined {
  const atoms: Atom[] = [];
  for (let i = 0; i < host.length; i++) {
    const c = host[i] as string;
    if (c === '*') atoms.push({ test: { kind: 'anyBut', code: 46 /* . */ }, repeat: 'many' });
    else if (c === '[') {
      const end = host.indexOf(']', i);
      const cls = host.slice(i + 1, end);
      const codes = end < 0 || !/^[a-z0-9-]+$/.test(cls) ? undefined : classCodes(cls);
      if (!codes) return undefined;
      atoms.push({ test: { kind: 'set', codes }, repeat: 'once' });
      i = end;
    } else if (c === '{') {
      const end = host.indexOf('}', i);
      const count = /^(\d{1,2})(?:,(\d{1,2}))?$/.exec(end < 0 ? '' : host.slice(i + 1, end));
      const last = atoms.pop();
      if (!count || !last || last.repeat !== 'once') return undefined;
      const min = Number(count[1]);
      const max = count[2] === undefined ? min : Number(count[2]);
      if (max < min) return undefined;
      for (let k = 0; k < max; k++) atoms.push({ test: last.test, repeat: k < min ? 'once' : 'optional' });
      i = end;
    } else if (/[a-z0-9_.-]/.test(c)) atoms.push({ test: { kind: 'char', code: c.charCodeAt(0) }, repeat: 'once' });
    else return undefined;
  }
  return atoms;
}

export class CatalogDomains implements DomainMatcher {
  private readonly exact = new Map<string, Compiled[]>();
  private readonly below = new Map<string, Compiled[]>();
  private readonly patterns: Compiled[] = [];
  private readonly addresses = new Map<string, Compiled[]>();
  /** Rules that name nothing matchable (placeholders, unsupported syntax), for review. */
  readonly skipped: DomainRule[] = [];

  constructor(rules: readonly DomainRule[]) {
    for (const rule of rules) this.add(rule);
  }

  private add(rule: DomainRule): void {
    let text = rule.pattern.trim().toLowerCase().replace(/\.$/, '');
    let port: number | undefined;
    const withPort = /^(.*[^:]):(\d{1,5})$/.exec(text);
    if (withPort && !isIP(text)) {
      text = withPort[1] as string;
      port = Number(withPort[2]);
    }
    const push = (m: Map<string, Compiled[]>, key: string, c: Compiled): void => {
      m.set(key, [...(m.get(key) ?? []), c]);
    };
    if (isIP(text)) return push(this.addresses, text, { rule, port });
    if (!SUPPORTED.test(text) || !text.includes('.')) {
      this.skipped.push(rule);
      return;
    }
    if (text.startsWith('*.') && !/[*[{]/.test(text.slice(2))) return push(this.below, text.slice(2), { rule, port });
    if (!/[*[{]/.test(text)) return push(this.exact, text, { rule, port });
    const atoms = hostAtoms(text);
    if (!atoms) {
      this.skipped.push(rule);
      return;
    }
    this.patterns.push({ rule, port, matcher: new LinearMatcher(atoms) });
  }

  match(name: string, port?: number): { entryId: string; kind: DomainRule['kind']; pattern: string } | undefined {
    const n = name.toLowerCase().replace(/\.$/, '');
    const ok = (c: Compiled): boolean => c.port === undefined || port === undefined || c.port === port;
    const pick = (cs: Compiled[] | undefined): Compiled | undefined => cs?.find(ok);
    const out = (c: Compiled | undefined): ReturnType<DomainMatcher['match']> =>
      c ? { entryId: c.rule.entryId, kind: c.rule.kind, pattern: c.rule.pattern } : undefined;
    if (isIP(n)) return out(pick(this.addresses.get(n)));
    const exact = pick(this.exact.get(n));
    if (exact) return out(exact);
    // The most specific pattern first: character-class patterns name one product's hosts.
    for (const c of this.patterns) if (ok(c) && c.matcher?.test(n)) return out(c);
    for (let dot = n.indexOf('.'); dot >= 0; dot = n.indexOf('.', dot + 1)) {
      const hit = pick(this.below.get(n.slice(dot + 1)));
      if (hit) return out(hit);
    }
    return undefined;
  }
}
