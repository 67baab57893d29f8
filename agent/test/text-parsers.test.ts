// The text readers of `inspect` and of the Linux Wi-Fi sensor on real tool output (fixtures/parsers,
// sources in its README).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEdid } from '@farmwatch/shared';
import { parseLsusb } from '../src/pipeline/inspect/usb-text.js';
import { parseDpkgList, parseGetProcess, parsePs, parseTasklist } from '../src/pipeline/inspect/process-text.js';
import { edidsFromText } from '../src/pipeline/inspect/edid-text.js';
import { parseIwScan } from '../src/sensors/wifi/parse-iw.js';

const text = (name: string): string => readFileSync(new URL(`./fixtures/parsers/${name}`, import.meta.url), 'utf8');

describe('Windows process listings', () => {
  it('tasklist: names with spaces, PIDs', () => {
    expect(parseTasklist(text('tasklist.txt')).map((p) => [p.name, p.pid])).toEqual([
      ['System Idle Process', 0], ['System', 4], ['smss.exe', 340], ['csrss.exe', 444], ['wininit.exe', 548], ['csrss.exe', 556], ['winlogon.exe', 612],
    ]);
  });

  it('Get-Process: the Id column even where CPU(s) is blank', () => {
    expect(parseGetProcess(text('get-process.txt')).map((p) => [p.argv0, p.pid])).toEqual([
      ['chrome', 13624], ['Binance', 7536], ['f5fpclientW', 15888], ['Discord', 23092], ['access', 2668], ['AggregatorHost', 3592], ['BetaServ', 2620],
    ]);
  });
});

describe('Linux tool output', () => {
  it('lsusb: ids, names, root hub marked, interfaces not known', () => {
    const d = parseLsusb(text('lsusb.txt'));
    expect(d.map((x) => [x.vendorId, x.productId, x.rootHub])).toEqual([[0x046d, 0xc52b, false], [0x17ef, 0x608c, false], [0x0424, 0xec00, false], [0x0424, 0x9514, false], [0x1d6b, 0x0002, true]]);
    expect(d[0]).toMatchObject({ product: 'Logitech, Inc. Unifying Receiver', portPath: 'bus001-dev008', interfacesKnown: false });
  });

  it('ps -ef: programs with parent and user, kernel threads left out', () => {
    const p = parsePs(text('ps-ef.txt'));
    expect(p.some((x) => x.name.startsWith('kworker') || x.name === '[kthreadd]')).toBe(false);
    expect(p.find((x) => x.pid === 1206)).toEqual({ pid: 1206, ppid: 1, name: 'sshd', path: '/usr/sbin/sshd', user: 'root' });
    expect(p.find((x) => x.pid === 4768)).toMatchObject({ ppid: 4720, name: 'sleep', user: 'kbrazil' });
    expect(p).toHaveLength(14);
  });

  it('dpkg -l: installed packages with versions, architecture suffix dropped', () => {
    const a = parseDpkgList(text('dpkg-l.txt'));
    expect(a.map((x) => x.name)).toEqual(['accountsservice', 'acl', 'acpid', 'binutils-common', 'bind9-host', 'docker.io', 'g++']);
    expect(a[2]).toEqual({ name: 'acpid', version: '1:2.0.28-1ubuntu1', source: 'dpkg' });
  });

  it('iw scan: BSSIDs, SSIDs and rounded signal', () => {
    expect(parseIwScan(text('iw-scan.txt'))).toEqual([
      { bssid: '00:19:a9:cd:c6:80', ssid: 'Cisco1240', signalDbm: -45 },
      { bssid: 'd0:d0:fd:69:ca:70', ssid: 'Cisco1250', signalDbm: -70 },
    ]);
  });

  it('xrandr --verbose: one EDID per connected output, labelled by output', () => {
    const r = edidsFromText(text('xrandr-verbose.txt'));
    expect(r?.format).toBe('xrandr --verbose');
    expect(r?.edids.map((e) => e.label)).toEqual(['LVDS-1', 'VGA-1']);
    const [panel, vga] = (r?.edids ?? []).map((e) => decodeEdid(e.bytes));
    expect(panel).toMatchObject({ manufacturerId: 'SEC', valid: true, widthCm: 34, heightCm: 19 });
    expect(vga).toMatchObject({ manufacturerId: 'ACI', monitorName: 'ASUS VW193S', serialString: '78L8021107', valid: true });
  });
});
