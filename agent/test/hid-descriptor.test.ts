// The HID report-descriptor reader on real devices' descriptors (fixtures/hid and
// fixtures/golden/usb-ordinary, sources in their READMEs), and lsusb -v's decoded items turned
// back into the bytes they came from.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeHidDescriptor } from '../src/sensors/usb/hid-descriptor.js';
import { parseLsusbVerbose, parseUsbhidDump, reportDescriptorFromLsusbItems } from '../src/pipeline/inspect/usb-text.js';

const hex = (rel: string): Buffer => Buffer.from(readFileSync(new URL(rel, import.meta.url), 'utf8').replace(/[^0-9a-f]/gi, ''), 'hex');
const text = (rel: string): string => readFileSync(new URL(rel, import.meta.url), 'utf8');

describe('HID report descriptors of real devices', () => {
  const dumps = parseUsbhidDump(text('./fixtures/golden/usb-ordinary/logitech-unifying-usbhid-dump.txt'));

  it('reads usbhid-dump blocks per interface', () => {
    expect(dumps.map((d) => [d.bus, d.device, d.iface, d.bytes.length])).toEqual([[1, 8, 2, 93], [1, 8, 1, 148], [1, 8, 0, 59]]);
  });

  it('Unifying receiver: a keyboard, a relative mouse with consumer keys, a vendor interface', () => {
    const [vendor, mouse, keyboard] = dumps.map((d) => summarizeHidDescriptor(d.bytes));
    expect(keyboard).toMatchObject({ keyboard: true, relativePointer: false, absolutePointer: false });
    expect(mouse).toMatchObject({ keyboard: false, relativePointer: true, absolutePointer: false, consumerControl: true });
    expect(vendor).toMatchObject({ keyboard: false, relativePointer: false, absolutePointer: false, digitizer: false });
  });

  it('a touch screen: digitizer, and its Generic Desktop mouse is absolute 0..32767', () => {
    expect(summarizeHidDescriptor(hex('./fixtures/hid/e4-2219-044c-touchscreen.hex'))).toEqual({
      keyboard: false, relativePointer: false, absolutePointer: true, absoluteMaxX: 32767, absoluteMaxY: 32767, digitizer: true, consumerControl: false,
    });
  });

  it("a hardware KVM's pointer: absolute 0..32767 on the Generic Desktop page", () => {
    expect(summarizeHidDescriptor(hex('./fixtures/hid/blackbox-21d1-0001-kvm-pointer.hex'))).toMatchObject({ absolutePointer: true, absoluteMaxX: 32767, absoluteMaxY: 32767, digitizer: false, relativePointer: false });
  });

  it('stops at truncated input without throwing', () => {
    const whole = hex('./fixtures/hid/blackbox-21d1-0001-kvm-pointer.hex');
    for (let n = 0; n < whole.length; n++) expect(() => summarizeHidDescriptor(whole.subarray(0, n))).not.toThrow();
  });
});

describe('lsusb -v report descriptor items', () => {
  const yubi = text('./fixtures/golden/usb-ordinary/yubikey4-lsusb-v.txt');

  it('rebuilds exactly as many bytes as lsusb says the descriptor has', () => {
    const blocks = yubi.split(/^\s*Interface Descriptor:/m).slice(1);
    const lengths = blocks.map((b) => Number(/Report Descriptor: \(length is (\d+)\)/.exec(b)?.[1] ?? 0));
    expect(lengths).toEqual([71, 34, 0]);
    expect(blocks.map((b) => reportDescriptorFromLsusbItems(b)?.length ?? 0)).toEqual(lengths);
  });

  it('gives the YubiKey OTP interface as a keyboard and the FIDO interface as neither keyboard nor pointer', () => {
    const [d] = parseLsusbVerbose(yubi);
    expect(d?.interfaces.map((i) => i.hid && { keyboard: i.hid.keyboard, pointer: i.hid.absolutePointer || i.hid.relativePointer })).toEqual([
      { keyboard: true, pointer: false }, { keyboard: false, pointer: false }, undefined,
    ]);
    // The rebuilt keyboard descriptor starts as every boot keyboard's does.
    expect(d?.interfaces[0]?.hidReportDescriptor?.subarray(0, 6)).toEqual(Buffer.from([0x05, 0x01, 0x09, 0x06, 0xa1, 0x01]));
  });
});
