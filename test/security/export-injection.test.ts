// Probe: a hostname an agent reports, with control characters in it, forged a CEF record at the
// receiver (the extension escaped CRLF but not a bare CR). Every control character (C0, DEL, C1,
// U+2028/U+2029) is now tried in every field an agent or a person can set, in CEF and RFC 5424:
// the line stays one line with no control character, and a CEF parser reads back exactly the
// fields we wrote, with their values.
import { describe, expect, it } from 'vitest';
import { cef, rfc5424 } from '../../collector/src/index.js';
import type { AlertDocument } from '../../collector/src/export/document.js';

const CONTROLS = [...Array.from({ length: 32 }, (_, i) => i), 0x7f, ...Array.from({ length: 32 }, (_, i) => 0x80 + i), 0x2028, 0x2029].map((c) => String.fromCharCode(c));

function docWith(evil: string): AlertDocument {
  return {
    id: 3, change: 'new', rule: `device.risk${evil}`, key: 'k', scope: 'device', severity: 'high', status: 'open', score: 70,
    title: `AnyDesk on ${evil}`, firstSeenMs: 0, lastSeenMs: 0, occurrences: 1,
    devices: [{ id: 'dev_a', hostname: `LT-1${evil}CEF:0|forged|x|1|y|z|10|src=6.6.6.6`, serial: 'S', assignee: `A${evil} <a@x.com>`, publicIp: '73.162.10.1' }],
    details: {},
  };
}

/** A CEF extension as a receiver reads it: keys before unescaped '=', values unescaped. */
function parseExtension(ext: string): Map<string, string> {
  const out = new Map<string, string>();
  const keyAt = /(?:^| )([A-Za-z0-9_]+)=/g;
  const starts: { key: string; from: number; at: number }[] = [];
  // A key is word characters after a space and before '='; an escaped '=' follows a backslash, never a key.
  for (let m = keyAt.exec(ext); m; m = keyAt.exec(ext)) {
    starts.push({ key: m[1] ?? '', from: m.index + m[0].length, at: m.index });
  }
  starts.forEach((s, i) => {
    const raw = ext.slice(s.from, i + 1 < starts.length ? starts[i + 1]?.at : ext.length);
    out.set(s.key, raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)));
  });
  return out;
}

describe('syslog and CEF lines with every control character', () => {
  for (const ch of CONTROLS) {
    const name = `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    it(`${name}: one line, no control character, no forged field`, () => {
      const doc = docWith(ch);
      for (const line of [cef(doc, 0), rfc5424(doc, 0)]) {
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      }
      const line = cef(doc, 0);
      const body = line.slice(line.indexOf('CEF:0|'));
      const header = body.split(/(?<!\\)\|/);
      expect(header.slice(0, 7)).toHaveLength(7);
      const ext = parseExtension(header.slice(7).join('|'));
      expect([...ext.keys()]).toEqual(['rt', 'externalId', 'cs1Label', 'cs1', 'cs2Label', 'cs2', 'cn1Label', 'cn1', 'act', 'dvchost', 'src', 'msg']);
      expect(ext.get('src')).toBe('73.162.10.1');
      const kept = ch === '\r' || ch === '\n' ? ch : ' ';
      expect(ext.get('dvchost')).toBe(`LT-1${kept}CEF:0|forged|x|1|y|z|10|src=6.6.6.6`);
      expect(ext.get('msg')).toBe(`AnyDesk on ${kept}`);
    });
  }
});
