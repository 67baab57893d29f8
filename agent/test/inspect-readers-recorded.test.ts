// Readers on real recorded output (fixtures/inspect-readers, and the remote-access records of
// fixtures/inspect-corpus; sources in their READMEs): each recognised by content and read into the
// facts it holds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { EMPTY_POLICY } from '../src/detectors/index.js';
import { inspectFiles } from '../src/pipeline/inspect/inspect-files.js';
import { parseAuditExec, parsePstree, parseTop, parseWmicProcess } from '../src/pipeline/inspect/process-more-text.js';
import { parseAutorunsCsv, parseGetService, parseScQuery, parseServiceStatusAll } from '../src/pipeline/inspect/service-text.js';
import { parseLsofI, parseNetstat, parseSs, type SocketListing } from '../src/pipeline/inspect/socket-text.js';
import { parseByIdListing, parseFreebsdUsbNames, parseHwinfoUsb, parseUdevadm, parseUsbDevicesText } from '../src/pipeline/inspect/usb-linux-text.js';
import { parsePnpFormatList } from '../src/pipeline/inspect/usb-windows-text.js';

const text = (p: string): string => readFileSync(new URL(`./fixtures/inspect-readers/${p}`, import.meta.url), 'utf8');
/** A record of the labelled corpus's remote-access class (fixtures/inspect-corpus/remote-access). */
const corpus = (p: string): string => readFileSync(new URL(`./fixtures/inspect-corpus/remote-access/${p}`, import.meta.url), 'utf8');
const inspectText = (file: string, t: string | Buffer): ReturnType<typeof inspectFiles> => inspectFiles([{ file, bytes: Buffer.isBuffer(t) ? t : Buffer.from(t) }], builtinCatalog(), EMPTY_POLICY);
const inspect1 = (p: string): ReturnType<typeof inspectFiles> => inspectText(p, text(p));
const actionable = (r: ReturnType<typeof inspectFiles>): string[] => r.findings.filter((f) => !f.sanctioned && f.severity !== 'info').map((f) => `${f.category}/${f.catalogEntry ?? f.key}`);
const sockets = (l: SocketListing): string[] => l.sockets.map((s) => `${s.process ?? ''}/${s.pid ?? ''} ${s.state} ${s.localAddress}:${s.localPort}${s.remoteAddress === undefined ? '' : ` -> ${s.remoteAddress}:${s.remotePort ?? ''}`}`);
const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

describe('readers on recorded output', () => {
  it('netstat -lnp: each TCP and UDP socket with the program that holds it (raw sockets are no service)', () => {
    const r = parseNetstat(text('netstat-lnp-centos.txt'));
    expect(r.processes.map((p) => [p.pid, p.name])).toEqual([[1469, 'master'], [1206, 'sshd'], [1939, 'dhclient'], [795, 'chronyd']]);
    expect(r.sockets).toHaveLength(7);
    expect(r.sockets.filter((s) => s.state === 'listen').map((s) => `${s.localAddress}:${s.localPort}/${s.pid}`)).toEqual(expect.arrayContaining(['127.0.0.1:25/1469', '0.0.0.0:22/1206', '::1:25/1469', ':::22/1206']));
    expect(inspect1('netstat-lnp-centos.txt').files[0]?.format).toBe('netstat');
  });

  it('top -b: the processes under the header, the summary lines above it left alone, kernel threads named whole', () => {
    const r = parseTop(text('top-b-n1-ubuntu.txt'));
    expect(r.map((p) => [p.pid, p.name, p.user])).toEqual([[1, 'systemd', 'root'], [2, 'kthreadd', 'root'], [3, 'rcu_gp', 'root'], [4, 'rcu_par_gp', 'root'], [5, 'kworker/0:0-cgroup_destroy', 'root'], [12, 'migration/0', 'root'], [13, 'idle_inject/0', 'root']]);
    const i = inspect1('top-b-n1-ubuntu.txt');
    expect(i.files[0]).toMatchObject({ format: 'top / htop', items: 7 });
    expect(i.findings).toEqual([]);
  });

  it('udevadm info of a disk on a SCSI bus is no USB device', () => {
    expect(parseUdevadm(text('udevadm-info-scsi-disk.txt'))).toEqual([]);
    expect(inspect1('udevadm-info-scsi-disk.txt').findings).toEqual([]);
  });
});

describe('USB readers on recorded output', () => {
  it('usb-devices of usbutils 013+ ("If#=0x0"): the device, its strings and each HID interface with its boot kind', () => {
    const [d, ...more] = parseUsbDevicesText(text('usb-devices-microdia-combo.txt'));
    expect(more).toEqual([]);
    expect(d).toMatchObject({ vendorId: 0x0c45, productId: 0x800a, manufacturer: 'USB', product: 'USB Device', portPath: 'bus003-dev002', interfacesKnown: true });
    expect(d?.interfaces.map((i) => [i.number, i.interfaceClass, i.hidKind, i.driver])).toEqual([[0, 3, 'Keyboard', 'usbhid'], [1, 3, 'Mouse', 'usbhid'], [2, 3, 'Mouse', 'usbhid'], [3, 3, 'Mouse', 'usbhid']]);
    expect(inspect1('usb-devices-microdia-combo.txt').files[0]).toMatchObject({ format: 'usb-devices (or /sys/kernel/debug/usb/devices)', items: 1 });
  });

  it('usb-devices: a block cut before its T: line is left out; hubs, padded strings and a serial read', () => {
    const r = parseUsbDevicesText(text('usb-devices-sandisk-hub-trackball.txt'));
    expect(r.map((d) => [`${hex4(d.vendorId)}:${hex4(d.productId)}`, d.manufacturer, d.product, d.hub, d.rootHub])).toEqual([
      ['1d6b:0002', 'Linux 5.5.0 xhci-hcd', 'xHCI Host Controller', true, true],
      ['2109:2812', 'VIA Labs, Inc.', 'USB2.0 Hub', true, false],
      ['045e:0023', 'Microsoft', 'Microsoft Trackball Optical®', false, false],
    ]);
    expect(r[0]?.serial).toBe('0000:3d:00.0');
    expect(r[2]?.interfaces).toEqual([expect.objectContaining({ number: 0, interfaceClass: 3, hidKind: 'Mouse' })]);
    expect(inspect1('usb-devices-sandisk-hub-trackball.txt').findings).toEqual([]);
  });

  it('hwinfo --usb quoted in a forum post ("> 57: USB 00.1: ..."): one device from its keyboard and mouse interfaces, the root hub apart', () => {
    const r = parseHwinfoUsb(text('hwinfo-usb-maxxter-forum.txt'));
    expect(r.map((d) => [`${hex4(d.vendorId)}:${hex4(d.productId)}`, d.manufacturer, d.product, d.portPath, d.rootHub])).toEqual([
      ['248a:8367', 'Maxxter', 'Wireless Receiver', '7-3', false],
      ['1d6b:0001', 'Linux Foundation', '1.1 root hub', '7-0', true],
    ]);
    expect(r[0]?.interfaces.map((i) => [i.number, i.hidKind, i.driver])).toEqual([[1, 'Keyboard', 'usbhid'], [0, 'Mouse', 'usbhid']]);
    const i = inspect1('hwinfo-usb-maxxter-forum.txt');
    expect(i.files[0]).toMatchObject({ format: 'hwinfo --usb', items: 2 });
    expect(i.findings).toEqual([]);
  });

  it('/dev/input/by-id: the names without their interface suffixes, keyboard and mouse kinds; none is a catalog KVM, and the report says why nothing was read', () => {
    expect(parseByIdListing(text('by-id-razer-logitech.txt'))).toEqual([
      { name: 'Logitech USB Receiver', kind: 'Mouse' },
      { name: 'Razer Razer BlackWidow Elite', kind: 'Keyboard' },
    ]);
    const f = inspect1('by-id-razer-logitech.txt').files[0];
    expect(f?.format).toBe('udev /dev/input/by-id or by-path (or /dev/serial/by-id) listing');
    expect(f?.problem).toMatch(/without their USB ids/);
  });

  it('/dev/input/by-path: recognised though it names only ports, with the reason and what to give instead', () => {
    expect(parseByIdListing(text('by-path-thinkpad.txt'))).toEqual([]);
    const i = inspect1('by-path-thinkpad.txt');
    expect(i.files[0]?.format).toMatch(/by-path/);
    expect(i.files[0]?.problem).toMatch(/by-path listing only the ports.*give `lsusb` or `udevadm info`/);
    expect(i.findings).toEqual([]);
  });

  it('FreeBSD usbconfig: each ugen device\'s name, the vendor-only ones included', () => {
    const r = parseFreebsdUsbNames(text('freebsd-usbconfig-asus.txt'));
    expect(r).toHaveLength(9);
    expect(r).toEqual(expect.arrayContaining([{ name: 'Logitech USB Optical Mouse', port: 'ugen0.2' }, { name: 'vendor 0x8087 product 0x0024', port: 'ugen2.2' }, { name: 'Azurewave USB2.0 UVC HD Webcam', port: 'ugen1.4' }]));
    expect(inspect1('freebsd-usbconfig-asus.txt').files[0]?.problem).toMatch(/FreeBSD names USB devices without their ids/);
  });

  it('FreeBSD kernel lines in /var/log/messages form ("Dec 13 00:41:28 bs kernel: ugen0.4: ...") and in dmesg form: devices, and ukbd as a keyboard', () => {
    const messages = parseFreebsdUsbNames(text('freebsd-messages-sun-keyboard.txt'));
    expect(messages.map((d) => `${d.port} ${d.name}${d.kind ? ` (${d.kind})` : ''}`)).toEqual([
      'ugen0.3 vendor 0x0430 product 0x100e', 'ugen0.4 vendor 0x0430 Sun USB Keyboard', 'ukbd0 vendor 0x0430 Sun USB Keyboard (Keyboard)', 'ugen0.5 ALCOR Generic USB Hub', 'ugen0.6 AliTV Remote V1 Airmouse',
    ]);
    expect(inspect1('freebsd-messages-sun-keyboard.txt').files[0]?.format).toBe('FreeBSD usbconfig / dmesg USB lines');
    const dmesg = parseFreebsdUsbNames(text('freebsd-dmesg-nano-transceiver.txt'));
    expect(dmesg.filter((d) => d.kind === 'Keyboard')).toEqual([{ name: 'Microsoft Microsoft Nano Transceiver v1.0', port: 'ukbd0', kind: 'Keyboard' }]);
    expect(dmesg.map((d) => d.port)).toEqual(['ugen0.1', 'ugen0.2', 'ukbd0', 'ugen0.3', 'ugen0.4']);
  });

  it('Get-PnpDevice | Format-List: a HID collection (MI_02) is an interface of its USB ids; a port\'s InstanceId gives the device and its name', () => {
    const [hid] = parsePnpFormatList(text('get-pnpdevice-fl-asus-g14-hid.txt'));
    expect(hid).toMatchObject({ vendorId: 0x0b05, productId: 0x1866, interfacesKnown: true });
    expect(hid?.interfaces).toEqual([expect.objectContaining({ number: 2, interfaceClass: 3 })]);
    expect(hid?.product).toBeUndefined();
    const [ch340, ...more] = parsePnpFormatList(text('get-pnpdevice-fl-ch340.txt'));
    expect(more).toEqual([]);
    expect(ch340).toMatchObject({ vendorId: 0x1a86, productId: 0x7523, product: 'USB-SERIAL CH340 (COM3)' });
    for (const f of ['get-pnpdevice-fl-asus-g14-hid.txt', 'get-pnpdevice-fl-ch340.txt']) {
      const i = inspect1(f);
      expect(i.files[0]?.format).toBe('Get-PnpDevice | Format-List');
      expect(i.findings).toEqual([]);
    }
  });
});

describe('process, service and socket readers on recorded output', () => {
  it('pstree -p in ASCII (as written to a file) of a machine running x11vnc and xrdp: names with hyphens whole, threads left out, VNC and XRDP found, and the two at once', () => {
    const r = parsePstree(corpus('x11vnc-xrdp-pstree-p-debian12.txt'));
    expect(r.map((p) => `${p.name}(${p.pid})`).sort()).toEqual(['Xvfb(4)', 'machine.sh(1)', 'node(19)', 'pstree(30)', 'sshd(12)', 'sshd(27)', 'x11vnc(9)', 'xrdp(17)', 'xrdp(28)', 'xrdp-sesman(15)']);
    const i = inspectText('pstree.txt', corpus('x11vnc-xrdp-pstree-p-debian12.txt'));
    expect(i.files[0]).toMatchObject({ format: 'pstree', items: 10 });
    expect(actionable(i).sort()).toEqual(['remote_access/active', 'remote_access/vnc', 'remote_access/xrdp']);
  });

  it('pstree with line-drawing characters keeps reading as before (repeated children once, threads out)', () => {
    const r = parsePstree('systemd─┬─ModemManager───2*[{ModemManager}]\n        ├─3*[agetty]\n        └─x11vnc───{x11vnc}\n');
    expect(r.map((p) => p.name)).toEqual(['systemd', 'ModemManager', 'agetty', 'x11vnc']);
  });

  it('lsof -i -n -P: each socket with its program, listening and connected; x11vnc on 5900 found', () => {
    const l = parseLsofI(corpus('x11vnc-xrdp-lsof-i-debian12.txt'));
    expect(l.processes.map((p) => `${p.name}/${p.pid}`)).toEqual(['x11vnc/9', 'sshd/12', 'xrdp-sesm/15', 'xrdp/17', 'node/19', 'sshd/27', 'xrdp/28']);
    expect(sockets(l)).toEqual(expect.arrayContaining(['x11vnc/9 listen *:5900', 'x11vnc/9 established 127.0.0.1:5900 -> 127.0.0.1:34238', 'xrdp-sesm/15 listen ::1:3350', 'xrdp/28 established 127.0.0.1:3389 -> 127.0.0.1:37266']));
    expect(l.sockets).toHaveLength(12);
    expect(actionable(inspectText('lsof.txt', corpus('x11vnc-xrdp-lsof-i-debian12.txt')))).toContain('remote_access/vnc');
  });

  it('ss -tnp: the owner of each connection, IPv4-mapped addresses unwrapped', () => {
    const l = parseSs(corpus('x11vnc-xrdp-ss-tnp-debian12.txt'));
    expect(sockets(l)).toEqual([
      'x11vnc/9 established 127.0.0.1:5900 -> 127.0.0.1:34238', 'node/19 established 127.0.0.1:34238 -> 127.0.0.1:5900', 'node/19 established 127.0.0.1:49808 -> 127.0.0.1:22',
      'sshd/27 established 127.0.0.1:22 -> 127.0.0.1:49808', 'node/19 established 127.0.0.1:37266 -> 127.0.0.1:3389', 'xrdp/28 established ::ffff:127.0.0.1:3389 -> ::ffff:127.0.0.1:37266',
    ]);
    expect(inspectText('ss.txt', corpus('x11vnc-xrdp-ss-tnp-debian12.txt')).files[0]).toMatchObject({ format: 'ss', items: 6 });
  });

  it('netstat -anp: the program, not the command line sshd rewrote ("12/sshd: /usr/sbin/"); the UNIX-socket part left alone', () => {
    const l = parseNetstat(corpus('x11vnc-xrdp-netstat-anp-debian12.txt'));
    expect(l.processes.map((p) => `${p.name}/${p.pid}`)).toEqual(['sshd/12', 'x11vnc/9', 'node/19', 'sshd/27', 'xrdp/17', 'xrdp-sesman/15', 'xrdp/28']);
    expect(l.sockets).toHaveLength(12);
    expect(sockets(l)).toEqual(expect.arrayContaining(['sshd/12 listen 0.0.0.0:22', 'x11vnc/9 listen :::5900', 'xrdp-sesman/15 listen ::1:3350']));
    expect(actionable(inspectText('netstat.txt', corpus('x11vnc-xrdp-netstat-anp-debian12.txt')))).toContain('remote_access/vnc');
  });

  it('audit log and ausearch -i: one process per event (SYSCALL and EXECVE of one exec together), the same from either form', () => {
    const want = [{ pid: 23904, ppid: 0, name: 'x11vnc', path: '/usr/bin/x11vnc' }, { pid: 23909, ppid: 0, name: 'xrdp-sesman', path: '/usr/sbin/xrdp-sesman' }, { pid: 23911, ppid: 0, name: 'xrdp', path: '/usr/sbin/xrdp' }];
    expect(parseAuditExec(corpus('x11vnc-xrdp-audit-log-debian12.txt'))).toEqual(want);
    expect(parseAuditExec(corpus('x11vnc-xrdp-ausearch-i-debian12.txt'))).toEqual(want);
    for (const f of ['x11vnc-xrdp-audit-log-debian12.txt', 'x11vnc-xrdp-ausearch-i-debian12.txt']) {
      const i = inspectText(f, corpus(f));
      expect(i.files[0]).toMatchObject({ format: 'audit log (EXECVE / SYSCALL)', items: 3 });
      expect(actionable(i)).toEqual(expect.arrayContaining(['remote_access/vnc', 'remote_access/xrdp']));
    }
  });

  it('service --status-all of Debian 12: each script a unit, [ + ] running', () => {
    const r = parseServiceStatusAll(text('service-status-all-xrdp-debian12.txt'));
    expect(r).toHaveLength(10);
    expect(r.filter((s) => s.running).map((s) => s.name)).toEqual(['ssh.service', 'xrdp.service']);
    expect(inspect1('service-status-all-xrdp-debian12.txt').files[0]).toMatchObject({ format: 'service --status-all', items: 10 });
  });

  it('sc qc: the service, its display name, start type and the image path without its quotes', () => {
    expect(parseScQuery(corpus('teamviewer-sc-qc-htb.txt'))).toEqual([
      { name: 'TeamViewer7', displayName: 'TeamViewer 7', path: 'C:\\Program Files (x86)\\TeamViewer\\Version7\\TeamViewer_Service.exe', enabled: true },
    ]);
    const i = inspectText('sc.txt', corpus('teamviewer-sc-qc-htb.txt'));
    expect(i.files[0]?.format).toMatch(/^sc query/);
    expect(actionable(i)).toEqual(['remote_access/teamviewer']);
  });

  it('sc query (the platform recording): names and states', () => {
    const t = readFileSync(new URL('./fixtures/platform/windows/sc-query.txt', import.meta.url), 'utf8');
    expect(parseScQuery(t)).toEqual([{ name: 'AdvancedSystemCareService9', running: true }, { name: 'JFSSIEMAgent', running: true }]);
  });

  it('Get-Service table: names by the header\'s columns (spaces and cut names kept), running or stopped; TeamViewer and AnyDesk found running', () => {
    const r = parseGetService(corpus('teamviewer-anydesk-get-service.txt'));
    expect(r).toHaveLength(241);
    expect(r.filter((s) => s.running)).toHaveLength(139);
    const by = (n: string): unknown => r.find((s) => s.name === n);
    expect(by('HP Comm Recover')).toEqual({ name: 'HP Comm Recover', displayName: 'HP Comm Recovery', running: true });
    expect(by('AMD External Ev...')).toEqual({ name: 'AMD External Ev...', displayName: 'AMD External Events Utility', running: true });
    expect(by('AnyDesk')).toEqual({ name: 'AnyDesk', displayName: 'AnyDesk Service', running: true });
    expect(by('edgeupdatem')).toEqual({ name: 'edgeupdatem', displayName: 'Microsoft Edge Update Service (edg...', running: false });
    const i = inspectText('services.txt', corpus('teamviewer-anydesk-get-service.txt'));
    expect(actionable(i).sort()).toEqual(['remote_access/anydesk', 'remote_access/teamviewer']);
  });

  it('wmic process list brief: names with spaces by the header\'s columns, and their pids', () => {
    const r = parseWmicProcess(text('wmic-process-list-brief.txt'));
    expect(r.map((p) => `${p.name}/${p.pid}`)).toEqual(['System Idle Process/0', 'System/4', 'Secure System/108', 'Registry/156', 'smss.exe/588', 'csrss.exe/1072', 'wininit.exe/1196', 'csrss.exe/1216', 'winlogon.exe/1308', 'services.exe/1328']);
    const i = inspect1('wmic-process-list-brief.txt');
    expect(i.files[0]).toMatchObject({ format: 'wmic process', items: 10 });
    expect(i.findings).toEqual([]);
  });

  it('Autoruns CSV after its banner: a location row without an entry is left out, the entry read with its image; the same in autorunsc\'s UTF-16', () => {
    expect(parseAutorunsCsv(text('autoruns-csv-rdpclip.txt'))).toEqual({ services: [], apps: [{ name: 'rdpclip', path: 'c:\\windows\\system32\\rdpclip.exe', source: 'listing' }] });
    expect(inspect1('autoruns-csv-rdpclip.txt').files[0]).toMatchObject({ format: 'Autoruns CSV', items: 1 });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text('autoruns-csv-rdpclip.txt').replace(/\n/g, '\r\n'), 'utf16le')]);
    expect(inspectText('autoruns.csv', utf16).files[0]).toMatchObject({ format: 'Autoruns CSV', items: 1 });
  });
});
