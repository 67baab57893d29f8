// Hot-plug: a KVM plugged into a running agent is reported without waiting for the next scan.
// The machine under test is a folder laid out like sysfs (this VM has no USB bus); the device is
// the PiKVM's default USB identity from reference/kvm-devices.json (1d6b:0104, "PiKVM",
// "PiKVM Composite Device", serial CAFEBABE, a boot keyboard and a mouse interface).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePki } from './helpers/pki.js';
import { AGENT_BIN, collectorOn, enrollAgent, fieldWork, freePort, query, spawnProc, waitFor, writeFiles } from './helpers/field.js';

const { work, running } = fieldWork('farmwatch-hotplug-');

function machineTree(root: string): void {
  writeFiles(join(root, 'etc'), { 'machine-id': randomBytes(16).toString('hex'), 'os-release': 'NAME="Debian GNU/Linux"\nVERSION_ID="12"' }, '\n');
  writeFiles(join(root, 'proc', 'sys', 'kernel', 'random'), { boot_id: '0b5f7a3e-8d1c-4f6e-9a2b-3c4d5e6f7a8b' }, '\n');
  // The host controller's root hub (Linux Foundation 2.0 root hub) is there from the start.
  writeFiles(join(root, 'sys', 'bus', 'usb', 'devices', 'usb1'), { idVendor: '1d6b', idProduct: '0002', bDeviceClass: '09', bDeviceSubClass: '00', bDeviceProtocol: '00', product: 'EHCI Host Controller', version: ' 2.00', speed: '480' }, '\n');
}

function plugPiKvm(root: string): void {
  const base = join(root, 'sys', 'bus', 'usb', 'devices');
  writeFiles(join(base, '1-1:1.0'), { bInterfaceNumber: '00', bInterfaceClass: '03', bInterfaceSubClass: '01', bInterfaceProtocol: '01' }, '\n');
  writeFiles(join(base, '1-1:1.1'), { bInterfaceNumber: '01', bInterfaceClass: '03', bInterfaceSubClass: '00', bInterfaceProtocol: '00' }, '\n');
  writeFiles(join(base, '1-1'), {
    idVendor: '1d6b', idProduct: '0104', manufacturer: 'PiKVM', product: 'PiKVM Composite Device', serial: 'CAFEBABE',
    bDeviceClass: '00', bDeviceSubClass: '00', bDeviceProtocol: '00', bcdDevice: '0100', version: ' 2.00', speed: '480', removable: 'removable',
  }, '\n');
}

describe.runIf(process.platform === 'linux')('a KVM plugged into a running agent', () => {
  it('is reported before the next scheduled USB scan', async () => {
    const root = join(work, 'machine');
    machineTree(root);
    const pki = makePki();
    const db = join(work, 'collector.db');
    const port = await freePort();
    running.push(await collectorOn(port, db, pki.dir));
    const deviceId = await enrollAgent(db, port, join(pki.dir, 'ca.pem'), join(work, 'state'), ['--root', root]);
    writeFileSync(join(work, 'agent.json'), JSON.stringify({ sensor_intervals: { usb_devices: 3600 }, heartbeat_interval_s: 1 }));
    const agent = spawnProc(AGENT_BIN, ['run', '--server', `127.0.0.1:${port}`, '--state-dir', join(work, 'state'), '--config', join(work, 'agent.json'), '--root', root, '--no-network-probes']);
    running.push(agent);
    await waitFor(() => query(db, "SELECT 1 FROM events WHERE device_id = ? AND kind = 'inventoryComplete'", deviceId).length > 0, 60_000, () => agent.output());
    expect(query(db, "SELECT 1 FROM findings WHERE device_id = ? AND category = 'kvm'", deviceId)).toEqual([]);

    const plugged = Date.now();
    plugPiKvm(root);
    // The USB sensor's own schedule is an hour away: only the hot-plug watcher can report it now.
    await waitFor(() => query(db, "SELECT 1 FROM findings WHERE device_id = ? AND category = 'kvm'", deviceId).length > 0, 60_000, () => agent.output());
    const latencyMs = Date.now() - plugged;
    const inventory = query<{ summary: string }>(db, "SELECT summary FROM inventory WHERE device_id = ? AND kind = 'usb_device' AND removed_at_ms IS NULL", deviceId);
    expect(inventory.map((i) => i.summary)).toContain('1d6b:0104 PiKVM PiKVM Composite Device');
    const kvm = query<{ detector: string; severity: string }>(db, "SELECT detector, severity FROM findings WHERE device_id = ? AND category = 'kvm'", deviceId);
    expect(kvm.map((f) => f.detector)).toContain('kvm.usb_identity');
    process.stdout.write(`hot-plug: PiKVM reported at the collector ${latencyMs} ms after it appeared\n`);
    rmSync(pki.dir, { recursive: true, force: true });
  }, 120_000);
});
