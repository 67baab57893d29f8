// The readers `inspect` added for what analysts receive, each on real recorded text (the corpus
// files; sources in fixtures/inspect-corpus/*/README.md): recognised by content, read into facts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { inspectFiles } from '../src/pipeline/inspect/inspect-files.js';
import { parseSystemctlStatus, parseLaunchctlList } from '../src/pipeline/inspect/service-text.js';
import { parsePsRows, parseVolatilityProcesses } from '../src/pipeline/inspect/process-more-text.js';
import { parseTasklist } from '../src/pipeline/inspect/process-text.js';
import { parseUsbDescriptorReport } from '../src/pipeline/inspect/usb-windows-text.js';
import { parseKernelHidLines, scsiInquiry } from '../src/pipeline/inspect/usb-linux-text.js';
import { freeTextMentions } from '../src/pipeline/inspect/free-text.js';
import { EMPTY_POLICY } from '../src/detectors/index.js';

const text = (p: string): string => readFileSync(new URL(`./fixtures/inspect-corpus/${p}`, import.meta.url), 'utf8');
const inspect1 = (p: string): ReturnType<typeof inspectFiles> => inspectFiles([{ file: p, bytes: Buffer.from(text(p)) }], builtinCatalog(), EMPTY_POLICY);

describe('service and process readers on real text', () => {
  it('systemctl status inside `teamviewer --info`: the unit, its state, its path and the CGroup process', () => {
    const r = parseSystemctlStatus(text('remote-access/teamviewer-info-centos.txt'));
    expect(r.services).toEqual([{ name: 'teamviewerd.service', displayName: 'TeamViewer remote control daemon', path: '/etc/systemd/system/teamviewerd.service', enabled: true, running: true }]);
    expect(r.processes).toEqual([{ pid: 5798, ppid: 0, name: 'teamviewerd', path: '/opt/teamviewer/tv_bin/teamviewerd' }]);
  });

  it('systemctl status indented by a note, and an inactive unit', () => {
    expect(parseSystemctlStatus(text('remote-access/anydesk-systemctl-status.txt')).processes.map((p) => p.path ?? p.name)).toEqual(['/usr/bin/anydesk', '/usr/bin/anydesk', 'dbus-launch', '/usr/bin/dbus-daemon']);
    expect(parseSystemctlStatus(text('remote-access/anydesk-systemctl-status-inactive.txt')).services).toEqual([{ name: 'anydesk.service', displayName: 'AnyDesk', path: '/etc/systemd/system/anydesk.service', enabled: false, running: false }]);
  });

  it('ps rows without a header (aux and -ef), grep itself left out', () => {
    expect(parsePsRows(text('remote-access/anydesk-ps-aux-grep.txt'))).toEqual([
      { pid: 3992, ppid: 0, name: 'anydesk', path: '/usr/bin/anydesk', user: 'root' },
      { pid: 8012, ppid: 0, name: 'anydesk', path: '/usr/bin/anydesk', user: 'tom' },
    ]);
    expect(parsePsRows(text('remote-access/teamviewer-ps-ef-forum.txt'))[0]).toEqual({ pid: 2021, ppid: 1, name: 'teamviewerd', path: '/opt/teamviewer/tv_bin/teamviewerd', user: 'root' });
  });

  it('Volatility pstree rows: names, pids and parents', () => {
    expect(parseVolatilityProcesses(text('remote-access/anydesk-volatility-pstree.txt')).map((p) => [p.name, p.pid, p.ppid])).toEqual([
      ['chrome.exe', 3276, 3108], ['chrome.exe', 3320, 3108], ['AnyDesk.exe', 1868, 1564], ['notepad.exe', 1516, 1564], ['AnyDesk.exe', 4080, 1564],
    ]);
  });

  it('tasklist rows in French ("Ko", spaces in thousands) without the header', () => {
    expect(parseTasklist(text('remote-access/anydesk-tasklist-v-french.txt')).map((p) => [p.name, p.pid])).toEqual([['svchost.exe', 4564], ['AnyDesk.exe', 4548], ['svchost.exe', 4572]]);
  });

  it('launchctl list of macOS 26: labels and whether each runs', () => {
    const s = parseLaunchctlList(readFileSync(new URL('./fixtures/platform/macos/launchctl-list.txt', import.meta.url), 'utf8'));
    expect(s.length).toBeGreaterThan(10);
    expect(s.every((x) => /^[\w.@-]+$/.test(x.name))).toBe(true);
    expect(s.some((x) => x.running) && s.some((x) => !x.running)).toBe(true);
  });
});

describe('USB readers on real text', () => {
  it('Thesycon USB Descriptor Dumper: ids and string descriptors of a PiKVM', () => {
    expect(parseUsbDescriptorReport(text('kvm/pikvm-usb-descriptor-dumper.txt'))).toMatchObject([{ vendorId: 0x1d6b, productId: 0x0104, manufacturer: 'PiKVM', product: 'PiKVM Composite Device', serial: 'CAFEBABE' }]);
  });

  it('USB Device Tree Viewer summary: ids and strings', () => {
    expect(parseUsbDescriptorReport(text('benign-usb/uhk60-usbtreeview.txt'))).toMatchObject([{ vendorId: 0x37a8, productId: 0x0001, manufacturer: 'Ultimate Gadget Laboratories', product: 'UHK 60 v1', serial: '2118271812' }]);
  });

  it('hid-generic lines alone: ids, interface kind and the kernel\'s name', () => {
    const r = parseKernelHidLines(text('kvm/jetkvm-dmesg-dell-identity.txt'));
    expect(r.devices).toMatchObject([{ vendorId: 0x413c, productId: 0x2011, portPath: 'usb-1.4', interfaces: [{ number: 0, interfaceClass: 3, hidKind: 'Keyboard' }] }]);
    expect([...r.hidNames.values()]).toEqual(['Dell Inc. Multimedia Pro Keyboard']);
  });

  it('a kernel log a mail wrapped is read as the kernel log, the PiKVM found by identity', () => {
    const r = inspect1('kvm/pikvm-dmesg-wrapped.txt');
    expect(r.files[0]?.format).toBe('kernel log (dmesg) USB lines');
    expect(r.findings.find((f) => f.detector === 'kvm.usb_identity')).toMatchObject({ catalogEntry: 'pikvm', severity: 'high' });
  });
});

describe('free-text fallback on real text', () => {
  it('a quoted mail naming a Raritan CIM: read as free text, a lower-confidence KVM finding that says so', () => {
    const r = inspect1('kvm/raritan-lsusb-quoted-reply.txt');
    expect(r.files[0]?.format).toMatch(/^free text/);
    expect(r.findings).toMatchObject([{ detector: 'inspect.free_text', category: 'kvm', catalogEntry: 'enterprise-kvm-over-ip', severity: 'medium', title: expect.stringMatching(/named in text read as free text/) as unknown }]);
    expect(r.findings[0]?.confidence).toBeLessThan(60);
  });

  it('an incident write-up: the ScreenConnect client path', () => {
    const m = freeTextMentions(text('remote-access/screenconnect-incident-writeup.txt'), builtinCatalog());
    expect(m.some((x) => x.catalogEntry === 'screenconnect' && x.kind === 'path')).toBe(true);
  });

  it('names the reason when a text holds nothing of the catalog', () => {
    const r = inspect1('benign-text/platform-arp-a.txt');
    expect(r.files[0]).toMatchObject({ format: expect.stringMatching(/^free text \(no format inspect knows/) as unknown, items: 0 });
    expect(r.findings).toEqual([]);
  });
});

describe('SCSI lines of virtual drives', () => {
  it('reads vendor and model by the kernel\'s fixed columns, a blank revision and an unpadded inquiry string included', () => {
    const jet = text('kvm/jetkvm-virtual-media-rpi-zero2w.txt').split('\n').find((l) => l.includes('CD-ROM')) ?? '';
    expect(scsiInquiry(jet)).toEqual({ address: '0:0:0:0', vendor: 'JetKVM V', product: 'irtual Media' });
    const pikvm = readFileSync(new URL('./fixtures/golden/pikvm-dmesg/dmesg.txt', import.meta.url), 'utf8').split('\n').find((l) => l.includes('CD-ROM')) ?? '';
    expect(scsiInquiry(pikvm)).toEqual({ address: '6:0:0:0', vendor: 'Pi-KVM', product: 'CD-ROM Drive' });
    // Spaces squeezed by a post: the words still give the fields.
    expect(scsiInquiry('scsi 6:0:0:0: CD-ROM PiKVM Optical Drive 1.00 PQ: 0 ANSI: 2')).toEqual({ address: '6:0:0:0', vendor: 'PiKVM', product: 'Optical Drive' });
  });

  it('makes the drive a device of its own when the log lost the USB lines before it', () => {
    const r = inspect1('kvm/jetkvm-virtual-media-rpi-zero2w.txt');
    expect(r.facts.usb?.map((d) => [d.vendorId, d.portPath, d.interfaces[0]?.storageVendor])).toEqual([[0x0bda, '1-1.4', undefined], [0, 'scsi 0:0:0:0', 'JetKVM V']]);
    expect(r.findings.map((f) => [f.detector, f.catalogEntry])).toEqual([['kvm.usb_identity', 'jetkvm']]);
  });
});
