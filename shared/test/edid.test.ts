// The EDID decoder on every real KVM EDID in reference/edid (identity as that folder's
// README lists it) and on a real monitor; the catalog's fingerprints agree with the decoder's.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, decodeEdid, edidFingerprint, loadCatalog, modeText, SchemaError } from '../src/index.js';

const dir = fileURLToPath(new URL('../../reference/edid/', import.meta.url));
const bytesOf = (f: string): Buffer => {
  const raw = readFileSync(dir + f);
  return f.endsWith('.bin') ? raw : Buffer.from(raw.toString('utf8').replace(/[^0-9a-f]/gi, ''), 'hex');
};

// From reference/edid/README.md: file, PNP, product code, name, serial number, serial string, preferred.
const TABLE: [string, string, number, string, string, string | undefined, string][] = [
  ['pikvm-v0-v1-v2.hex', 'LNX', 0x7770, 'PiKVM', '01010101', 'CAFEBABE', '1280x720@60'],
  ['pikvm-v4plus.hex', 'LNX', 0x7773, 'PiKVM V4 Plus', '01010101', 'CAFEBABE', '1920x1080@60'],
  ['tinypilot-edid_pi4.hex', 'TSB', 0x9876, 'TinyPilot', '88888800', undefined, '1920x1080@29.95'],
  ['blikvm-edid.hex', 'TSB', 0x8888, 'Toshiba-H2C', '88888800', undefined, '1280x720@60'],
  ['jetkvm-default.hex', 'TSB', 0x8801, 'T749-fHD720', '88888800', undefined, '1920x1080@60'],
  ['jetkvm-preset-dell-d2721h.hex', 'DEL', 0x2013, 'DELL D2721H', '39363945', '3S5GQ23', '1920x1080@60'],
  ['nanokvm-E21_NanoKVM.bin', 'SPD', 0x3301, 'NanoKVM', '00000015', 'NanoKVM', '1920x1080@60'],
  ['nanokvm-kvm_vision-embedded-phl342e2.hex', 'PHL', 0xc233, 'PHL 342E2', '0000BA66', 'UK02143047718', '2560x1080@59.98'],
];

describe('EDID decoder on the reference KVM EDIDs', () => {
  for (const [file, pnp, code, name, serial, serialString, mode] of TABLE) {
    it(file, () => {
      const e = decodeEdid(bytesOf(file));
      expect(e).toMatchObject({ manufacturerId: pnp, productCode: code, monitorName: name, serialNumberHex: serial });
      expect(e.serialString).toBe(serialString);
      expect(e.preferred && modeText(e.preferred)).toBe(mode);
    });
  }

  it('flags BliKVM\'s wrong checksums and JetKVM\'s missing extension, and gives 0x0 sizes', () => {
    const bli = decodeEdid(bytesOf('blikvm-edid.hex'));
    expect(bli.valid).toBe(false);
    expect(bli.problems.join(' ')).toMatch(/checksum is wrong/);
    const jet = decodeEdid(bytesOf('jetkvm-default.hex'));
    expect(jet.problems.join(' ')).toMatch(/announces 1 extension block\(s\) but 0 follow/);
    expect([jet.widthCm, jet.heightCm]).toEqual([0, 0]);
  });

  it('every catalog fingerprint of a reference file is the decoder\'s fingerprint of that file', () => {
    const prints = new Set(readdirSync(dir).filter((f) => /\.(hex|bin)$/.test(f)).map((f) => edidFingerprint(bytesOf(f))));
    const catalogPrints = (builtinCatalog().kvmDevices ?? []).flatMap((k) => (k.edid ?? []).map((s) => s.fingerprint)).filter(Boolean);
    expect(catalogPrints.length).toBeGreaterThan(10);
    for (const p of catalogPrints) expect(prints.has(p ?? '')).toBe(true);
  });

  it('does not throw on bytes that are not an EDID', () => {
    expect(decodeEdid(Buffer.alloc(10)).problems[0]).toMatch(/an EDID block is 128 bytes/);
    expect(decodeEdid(Buffer.alloc(128)).valid).toBe(false);
  });
});

describe('catalog schema at load', () => {
  const good = JSON.parse(readFileSync(new URL('../src/catalog/data/catalog.json', import.meta.url), 'utf8')) as Record<string, unknown[]>;

  it('names the bad entry', () => {
    const bad = structuredClone(good);
    (bad.kvmDevices?.[0] as { usb: { vendorId: number }[] }).usb[0]!.vendorId = 70000;
    expect(() => loadCatalog(bad, 'test catalog')).toThrow(/catalog\.kvmDevices\[0\] \(pikvm\)\.usb\[0\]\.vendorId must be a whole number 0\.\.65535/);
  });

  it('refuses a catalog edited after it was built', () => {
    const edited = structuredClone(good);
    (edited.vpnClients?.[0] as { name: string }).name = 'Renamed';
    expect(() => loadCatalog(edited, 'test catalog')).toThrow(SchemaError);
    expect(() => loadCatalog(edited, 'test catalog')).toThrow(/content hashes to/);
  });

  it('keeps a source on every KVM device, jiggler and VPN client', () => {
    const c = builtinCatalog();
    for (const e of [...(c.kvmDevices ?? []), ...(c.mouseJigglers ?? []), ...(c.vpnClients ?? [])]) expect(e.sources?.length, e.id ?? '').toBeGreaterThan(0);
    expect(c.vpnClients?.find((v) => v.id === 'astrill')?.priority).toBe('high');
  });
});
