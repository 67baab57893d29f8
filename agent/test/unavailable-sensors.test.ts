// Sensors that cannot work on a machine say so, with the reason, and never throw.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displaysSensor, hostSensor, runSensor, usbSensor } from '../src/sensors/index.js';

const empty = mkdtempSync(join(tmpdir(), 'farmwatch-empty-root-'));

describe('sensors without their hardware', () => {
  it('USB: unavailable, naming the missing bus', async () => {
    const o = await runSensor(usbSensor, { platform: 'linux', root: empty });
    expect(o).toMatchObject({ status: 'unavailable', sensor: 'usb_devices' });
    expect(o.status !== 'ok' && o.reason).toMatch(/no USB bus visible .*sys\/bus\/usb\/devices/);
  });

  it('displays: unavailable, naming the missing DRM subsystem', async () => {
    const o = await runSensor(displaysSensor, { platform: 'linux', root: empty });
    expect(o.status !== 'ok' && o.reason).toMatch(/no display hardware visible/);
  });

  it('host: unavailable without a machine id, saying how to make one', async () => {
    const o = await runSensor(hostSensor, { platform: 'linux', root: empty });
    expect(o.status !== 'ok' && o.reason).toMatch(/machine-id is missing .*systemd-machine-id-setup/);
  });

  it('a sensor not written for a platform says so', async () => {
    const linuxOnly = { ...usbSensor, platforms: ['linux'] as const };
    const o = await runSensor(linuxOnly, { platform: 'darwin', root: '' });
    expect(o).toMatchObject({ status: 'unavailable', reason: 'not implemented on darwin' });
  });
});
