// The Windows USB sensor's HID structure: pnputil's hardware and compatible ids (recorded output,
// sources in fixtures/platform/README.md) give each interface's class triple and each HID
// interface's top-level collections; the HidP probe (hid-caps-windows.ts) gives a mouse's
// absolute or relative X/Y. Only the command runner is replaced, by one that serves recordings.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine } from '../src/sensors/command.js';
import { runSensor, usbSensor } from '../src/sensors/index.js';
import { HID_CAPS_PROBE, parseHidCaps } from '../src/sensors/usb/hid-caps-windows.js';
import { hidCollectionFromIds, revisionFromIds, usbTripleFromIds } from '../src/sensors/usb/pnp-ids.js';
import { PNPUTIL_CONNECTED, PNPUTIL_CONNECTED_DEVICEIDS, PNPUTIL_CONNECTED_IDS, parsePnputilBlocks, usbFromPnp } from '../src/sensors/usb/windows.js';
import type { UsbDeviceFact } from '../src/sensors/usb/types.js';
import { detectKvmUsbStructure, KVM_USB_STRUCTURE } from '../src/detectors/kvm-usb-structure.js';
import { recorded } from './recorded-runner.js';

const dir = new URL('./fixtures/platform/windows/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const IDS = commandLine(PNPUTIL_CONNECTED_IDS);
const DEVICEIDS = commandLine(PNPUTIL_CONNECTED_DEVICEIDS);
const PLAIN = commandLine(PNPUTIL_CONNECTED);
const PROBE = commandLine(HID_CAPS_PROBE);
const empty = mkdtempSync(join(tmpdir(), 'fw-noroot-'));

async function usbOn(outputs: Record<string, string>): Promise<{ devices: UsbDeviceFact[]; calls: string[] }> {
  const { run, calls } = recorded(outputs);
  const outcome = await runSensor(usbSensor, { platform: 'win32', root: empty, run });
  if (outcome.status !== 'ok') throw new Error(`usb sensor ${outcome.status}: ${outcome.reason}`);
  return { devices: outcome.facts, calls };
}

describe('pnputil /ids on recorded output', () => {
  it('a single-interface HID device (Windows 10): ids on continuation lines, the class triple from its compatible ids', () => {
    const nodes = parsePnputilBlocks(fixture('pnputil-ids-hid-device.txt'));
    expect(nodes).toHaveLength(1);
    expect(nodes[0]?.hardwareIds).toEqual(['USB\\VID_0C12&PID_0F11&REV_0100', 'USB\\VID_0C12&PID_0F11']);
    expect(nodes[0]?.compatibleIds).toEqual(['USB\\Class_03&SubClass_00&Prot_00', 'USB\\Class_03&SubClass_00', 'USB\\Class_03']);
    const [d] = usbFromPnp(nodes);
    expect(d).toMatchObject({ vendorId: 0x0c12, productId: 0x0f11, bcdDevice: 0x0100, interfacesKnown: true });
    expect(d?.interfaces).toEqual([{ number: 0, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0 }]);
  });

  it('a composite device (Microsoft docs): device class from USB\\DevClass_, not from the COMPAT_VID ids; blank lines between fields', () => {
    const nodes = parsePnputilBlocks(fixture('pnputil-ids-composite.txt'));
    expect(nodes[0]?.compatibleIds).toHaveLength(7);
    const [d] = usbFromPnp(nodes);
    expect(d).toMatchObject({ vendorId: 0x045e, productId: 0x0840, serial: '0C33CG9212501N0', bcdDevice: 0x0215, deviceClass: 0, interfaces: [] });
    expect(d?.hub).toBeUndefined();
    expect(usbTripleFromIds(nodes[0]?.compatibleIds ?? [], 'DevClass')).toEqual({ cls: 0, sub: 0, proto: 0 });
  });

  it('the older fixture without /ids still reads as before (PnP classes only, no collections)', () => {
    const devices = usbFromPnp(parsePnputilBlocks(fixture('pnputil-enum-devices.txt')));
    expect(devices[1]?.interfaces).toEqual([{ number: 1, interfaceClass: 3, interfaceSubclass: 0, interfaceProtocol: 0, hidKind: 'Keyboard' }]);
  });
});

describe('HID collections from Windows ids', () => {
  it('reads the usage page and usage of ids recorded on real machines', () => {
    // A PiKVM keyboard's HardwareID as read from a Windows registry in a public forensics write-up.
    expect(hidCollectionFromIds(['HID\\VID_1D6B&PID_0104&REV_0100&MI_00', 'HID\\VID_1D6B&PID_0104&MI_00', 'HID\\VID_1D6B&UP:0001_U:0006', 'HID_DEVICE_SYSTEM_KEYBOARD', 'HID_DEVICE_UP:0001_U:0006', 'HID_DEVICE']))
      .toEqual({ usagePage: 0x01, usage: 0x06 });
    // USBTreeView on an ASUS keyboard (seerge/g-helper issue #3004): a system controller.
    expect(hidCollectionFromIds('HID\\VID_0B05&PID_1AB3&REV_0112&MI_02&Col02 HID\\VID_0B05&PID_1AB3&MI_02&Col02 HID\\VID_0B05&UP:0001_U:0080 HID_DEVICE_SYSTEM_CONTROL HID_DEVICE_UP:0001_U:0080 HID_DEVICE'.split(' ')))
      .toEqual({ usagePage: 0x01, usage: 0x80 });
    // USBTreeView on an ASUS mouse (seerge/g-helper issue #3441): a vendor collection.
    expect(hidCollectionFromIds('HID\\VID_0B05&PID_1A83&REV_0407&MI_02&Col03 HID\\VID_0B05&PID_1A83&MI_02&Col03 HID\\VID_0B05&UP:FFC0_U:0001 HID_DEVICE_UP:FFC0_U:0001 HID_DEVICE_UPR:FF00-FFFF HID_DEVICE'.split(' ')))
      .toEqual({ usagePage: 0xffc0, usage: 0x01 });
    // Only the system name left: HID_DEVICE_SYSTEM_MOUSE is a pointer.
    expect(hidCollectionFromIds(['HID_DEVICE_SYSTEM_MOUSE', 'HID_DEVICE'])).toEqual({ usagePage: 0x01, usage: 0x02 });
    expect(hidCollectionFromIds(['HID\\VID_046D&PID_C52B&MI_02&Col01', 'HID_DEVICE'])).toBeUndefined();
  });

  it('revision and class triples from USB ids', () => {
    expect(revisionFromIds(['USB\\VID_0B05&PID_1AB3&REV_0112&MI_01'])).toBe(0x0112);
    expect(usbTripleFromIds(['USB\\Class_03&SubClass_01', 'USB\\Class_03&SubClass_01&Prot_02', 'USB\\Class_03'], 'Class')).toEqual({ cls: 3, sub: 1, proto: 2 });
    expect(usbTripleFromIds(['USB\\Class_03'], 'Class')).toEqual({ cls: 3, sub: 0, proto: 0 });
  });

  it('the probe output: absolute and relative pointers by instance id, other collections left out', () => {
    const modes = parseHidCaps(fixture('hid-caps-pikvm.txt').replace(/\n/g, '\r\n'));
    expect([...modes]).toEqual([['HID\\VID_1D6B&PID_0104&MI_01\\7&29D7C321&0&0000', { pointer: 'absolute', axisMax: 32767 }]]);
    expect([...parseHidCaps(fixture('hid-caps-logitech-receiver.txt')).values()]).toEqual([{ pointer: 'relative' }]);
    expect(parseHidCaps('Add-Type : Cannot add type. Compilation errors occurred.\r\n')).toEqual(new Map());
  });
});

describe('kvm.usb_structure on Windows', () => {
  it('an ordinary Logitech receiver (keyboard + relative mouse) raises nothing', async () => {
    const { devices, calls } = await usbOn({ [IDS]: fixture('pnputil-ids-logitech-receiver.txt'), [PROBE]: fixture('hid-caps-logitech-receiver.txt') });
    const [rx] = devices;
    expect(rx).toMatchObject({ vendorId: 0x046d, productId: 0xc52b, bcdDevice: 0x1211 });
    expect(rx?.interfaces.map((i) => [i.number, i.interfaceClass, i.interfaceSubclass, i.interfaceProtocol])).toEqual([[0, 3, 1, 1], [1, 3, 1, 2], [2, 3, 0, 0]]);
    expect(rx?.interfaces[1]?.hidCollections).toEqual([
      { usagePage: 0x01, usage: 0x02, pointer: 'relative' }, { usagePage: 0x0c, usage: 0x01 }, { usagePage: 0x01, usage: 0x80 }, { usagePage: 0xffbc, usage: 0x88 },
    ]);
    expect(detectKvmUsbStructure(devices)).toEqual([]);
    expect(calls).toEqual([IDS, PROBE]);
  });

  it('a KVM with the receiver\'s ids and strings (keyboard + absolute mouse) is flagged high', async () => {
    const { devices } = await usbOn({ [IDS]: fixture('pnputil-ids-pikvm-cloned-receiver.txt'), [PROBE]: fixture('hid-caps-pikvm-cloned-receiver.txt') });
    const findings = detectKvmUsbStructure(devices);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ detector: KVM_USB_STRUCTURE, severity: 'high', confidence: 90 });
    expect(findings[0]?.title).toBe('USB device 046d:c52b is built like a KVM: keyboard + absolute pointer (0..32767)');
    expect(findings[0]?.evidence).toContainEqual({ field: 'usb.functions', value: 'keyboard + absolute pointer (0..32767)', matched: 'one device is a keyboard and an absolute pointer' });
    expect(findings[0]?.evidence).toContainEqual({ field: 'usb.interface.1', value: 'class 03/00/00 HID 0001:0002 absolute 0..32767' });
  });

  it('a PiKVM with its own ids: keyboard + absolute pointer, on a Linux gadget', async () => {
    const { devices } = await usbOn({ [IDS]: fixture('pnputil-ids-pikvm.txt'), [PROBE]: fixture('hid-caps-pikvm.txt') });
    expect(devices[0]).toMatchObject({ vendorId: 0x1d6b, productId: 0x0104, serial: 'CAFEBABE', bcdDevice: 0x0100 });
    const [finding] = detectKvmUsbStructure(devices);
    expect(finding?.title).toContain('keyboard + absolute pointer (0..32767)');
    expect(finding?.confidence).toBe(90);
  });

  it('where PowerShell cannot answer, the mouse stays of unknown kind: no structure finding for the cloned KVM', async () => {
    const { devices, calls } = await usbOn({ [IDS]: fixture('pnputil-ids-pikvm-cloned-receiver.txt') });
    expect(devices[0]?.interfaces[1]?.hidCollections).toEqual([{ usagePage: 0x01, usage: 0x02 }]);
    expect(detectKvmUsbStructure(devices)).toEqual([]);
    expect(calls).toEqual([IDS, PROBE]);
  });

  it('asks the probe once per device: a second scan with the same devices starts no PowerShell', async () => {
    const { run, calls } = recorded({ [IDS]: fixture('pnputil-ids-pikvm-cloned-receiver.txt'), [PROBE]: fixture('hid-caps-pikvm-cloned-receiver.txt') });
    const ctx = { platform: 'win32' as const, root: empty, run };
    const first = await runSensor(usbSensor, ctx);
    const second = await runSensor(usbSensor, ctx);
    expect(calls).toEqual([IDS, PROBE, IDS]);
    expect(second.status === 'ok' && detectKvmUsbStructure(second.facts)).toEqual(first.status === 'ok' && detectKvmUsbStructure(first.facts));
    expect(second.status === 'ok' && detectKvmUsbStructure(second.facts)).toHaveLength(1);
  });

  it('a failed probe is not repeated on every scan', async () => {
    const { run, calls } = recorded({ [IDS]: fixture('pnputil-ids-pikvm-cloned-receiver.txt') });
    const ctx = { platform: 'win32' as const, root: empty, run };
    await runSensor(usbSensor, ctx);
    await runSensor(usbSensor, ctx);
    expect(calls).toEqual([IDS, PROBE, IDS]);
  });

  it('no probe without a keyboard and a mouse on one device', async () => {
    const { calls } = await usbOn({ [IDS]: fixture('pnputil-ids-hid-device.txt') });
    expect(calls).toEqual([IDS]);
  });

  it('Windows 11 spelling, then no ids flag at all', async () => {
    const eleven = await usbOn({ [DEVICEIDS]: fixture('pnputil-ids-logitech-receiver.txt'), [PROBE]: fixture('hid-caps-logitech-receiver.txt') });
    expect(eleven.calls).toEqual([IDS, DEVICEIDS, PROBE]);
    expect(eleven.devices[0]?.interfaces[0]?.hidCollections).toEqual([{ usagePage: 0x01, usage: 0x06 }]);
    const old = await usbOn({ [PLAIN]: fixture('pnputil-enum-devices.txt') });
    expect(old.calls).toEqual([IDS, DEVICEIDS, PLAIN]);
    expect(old.devices).toHaveLength(2);
  });

  it('no pnputil at all: the sensor says which program is missing', async () => {
    const { run } = recorded({});
    const outcome = await runSensor(usbSensor, { platform: 'win32', root: empty, run });
    expect(outcome.status !== 'ok' && outcome.reason).toMatch(/pnputil\.exe is not on this machine/);
  });
});
