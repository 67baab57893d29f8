// Who this laptop is, on Linux: machine id, DMI serial, boot id, OS release. Direct reads only.
import { createHash } from 'node:crypto';
import { hostname, release, arch } from 'node:os';
import { linkTarget, readAttr, readText } from '../fs.js';
import { SensorUnavailable, type SensorContext } from '../sensor.js';
import { bootTimeMs } from '../processes/linux.js';
import type { HostFact } from './types.js';

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

export async function collectLinuxHost(ctx: SensorContext): Promise<HostFact> {
  const [machineId, serial, bootId, btime, osRelease, localtime] = await Promise.all([
    readAttr(`${ctx.root}/etc/machine-id`), readAttr(`${ctx.root}/sys/class/dmi/id/product_serial`),
    readAttr(`${ctx.root}/proc/sys/kernel/random/boot_id`), bootTimeMs(ctx.root), readText(`${ctx.root}/etc/os-release`),
    linkTarget(`${ctx.root}/etc/localtime`),
  ]);
  if (!machineId) throw new SensorUnavailable(`${ctx.root}/etc/machine-id is missing or empty: systemd-machine-id-setup creates it`);
  const os = parseOsRelease(osRelease ?? '');
  const fact: HostFact = {
    machineIdHash: createHash('sha256').update(`farmwatch:${machineId}`).digest('hex'),
    hostname: hostname(),
    os: { platform: 'linux', name: os.NAME ?? 'Linux', version: os.VERSION_ID ?? '', kernel: release(), arch: arch() },
    // The zoneinfo link names the zone without loading ICU (Intl costs ~20 ms of CPU on first use).
    timeZone: localtime?.split('zoneinfo/')[1] ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  // Placeholder serials that vendors burn into DMI say nothing about the laptop.
  if (serial && !/^(0+|none|default string|to be filled by o\.e\.m\.|system serial number)$/i.test(serial)) fact.hardwareSerial = serial;
  if (bootId) fact.bootId = bootId;
  if (btime !== undefined) fact.bootTimeMs = btime;
  return fact;
}
