// Who this laptop is, on macOS and Windows, through systeminformation (called without arguments).
import { createHash } from 'node:crypto';
import { hostname, release, arch, uptime } from 'node:os';
import { systeminformation } from '../si.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import type { HostFact } from './types.js';

export async function collectHostWithSi(ctx: SensorContext): Promise<HostFact> {
  const si = await systeminformation();
  const [uuid, system, osInfo] = await Promise.all([si.uuid(), si.system(), si.osInfo()]);
  const machineId = uuid.os || uuid.hardware;
  if (!machineId) throw new SensorUnavailable('the OS machine id (IOPlatformUUID / MachineGuid) could not be read');
  const fact: HostFact = {
    machineIdHash: createHash('sha256').update(`farmwatch:${machineId}`).digest('hex'),
    hostname: hostname(),
    os: { platform: ctx.platform, name: osInfo.distro || osInfo.platform, version: osInfo.release, kernel: release(), arch: arch() },
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    bootTimeMs: Date.now() - Math.round(uptime() * 1000),
  };
  if (system.serial && system.serial !== '-') fact.hardwareSerial = system.serial;
  return fact;
}
