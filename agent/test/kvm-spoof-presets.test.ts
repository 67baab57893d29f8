// JetKVM's USB presets copy real keyboards' identities (jetkvm/kvm UsbInfoSetting.tsx): its Dell
// preset is 413c:2011 "Dell Inc." / "Multimedia Pro Keyboard", the ids of a genuine Dell Multimedia
// Pro Keyboard. Such an identity needs all its strings: one alone may be the real keyboard.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { EMPTY_POLICY } from '../src/detectors/index.js';
import { matchIdentity } from '../src/detectors/usb-identity.js';
import { inspectFiles } from '../src/pipeline/inspect/inspect-files.js';
import type { UsbDeviceFact } from '../src/sensors/usb/types.js';

const catalog = builtinCatalog();
const corpus = (p: string): Buffer => readFileSync(new URL(`./fixtures/inspect-corpus/${p}`, import.meta.url));
const inspect = (file: string, bytes: Buffer): ReturnType<typeof inspectFiles> => inspectFiles([{ file, bytes }], catalog, EMPTY_POLICY);
const dellPreset = catalog.kvmDevices?.find((k) => k.id === 'jetkvm')?.usb?.find((u) => u.vendorId === 0x413c && u.productId === 0x2011);
const keyboard = (manufacturer: string, product: string): UsbDeviceFact => ({ vendorId: 0x413c, productId: 0x2011, deviceClass: 0, deviceSubclass: 0, deviceProtocol: 0, rootHub: false, manufacturer, product, portPath: '1-1.4', interfaces: [], interfacesKnown: false });

describe('a preset that copies a real keyboard', () => {
  it('is in the catalog as JetKVM\'s Dell identity, all strings required', () => {
    expect(dellPreset).toMatchObject({ manufacturer: 'Dell Inc.', product: 'Multimedia Pro Keyboard', allStrings: true, idsAlone: false });
  });

  it('matches JetKVM\'s strings together, never one of them alone', () => {
    if (!dellPreset) throw new Error('no JetKVM Dell identity');
    expect(matchIdentity(keyboard('Dell Inc.', 'Multimedia Pro Keyboard'), dellPreset)?.fields).toEqual(['ids', 'manufacturer', 'product']);
    expect(matchIdentity(keyboard('Dell Inc.', 'Dell USB Keyboard'), dellPreset)).toBeUndefined();
    expect(matchIdentity(keyboard('Dell', 'Dell Multimedia Pro Keyboard'), dellPreset)).toBeUndefined();
    // An identity without the rule still takes one string, as before.
    expect(matchIdentity(keyboard('Dell Inc.', 'Dell USB Keyboard'), { ...dellPreset, allStrings: false })?.fields).toEqual(['ids', 'manufacturer']);
  });

  it('finds the real JetKVM that presented the Dell identity (jetkvm/kvm issue #276)', () => {
    const r = inspect('jetkvm.txt', corpus('kvm/jetkvm-dmesg-dell-identity.txt'));
    expect(r.findings.map((f) => [f.detector, f.catalogEntry])).toEqual([['kvm.usb_identity', 'jetkvm']]);
  });

  it('finds nothing in real records of genuine Dell Multimedia Pro Keyboards', () => {
    for (const f of ['benign-usb/dell-multimedia-pro-keyboard-lsusb.txt', 'benign-usb/dell-multimedia-pro-keyboard-dmesg.txt']) {
      const r = inspect(f, corpus(f));
      expect(r.files[0]?.items, f).toBeGreaterThan(0);
      expect(r.findings, f).toEqual([]);
    }
  });

  it('in free text, is not named by the genuine keyboard\'s ids and usb.ids name', () => {
    const genuine = inspect('chat.txt', Buffer.from('my keyboard, 413c:2011 Dell Computer Corp. Multimedia Pro Keyboard, types twice\n'));
    expect(genuine.files[0]?.format).toMatch(/^free text/);
    expect(genuine.findings).toEqual([]);
  });
});
