// What a Hello says about the laptop, as a row for the devices table, and the checks of it against
// what the collector already knows about the device the certificate names.
import { Platform, enumName, type Hello } from '@farmwatch/proto';
import type { HelloRecord, DeviceRow } from '../store/records.js';
import type { RegistrationRow } from '../store/fleet-records.js';

export function helloRecord(h: Hello, peer: string, nowMs: number): HelloRecord {
  return {
    machineId: h.machineId ?? '', hostname: h.hostname ?? '', hardwareSerial: h.hardwareSerial ?? '',
    osPlatform: enumName(Platform, h.os?.platform), osName: h.os?.name ?? '', osVersion: h.os?.version ?? '',
    agentVersion: h.agentVersion ?? '', catalogVersion: h.catalogVersion ?? '', bootId: h.bootId ?? '',
    timeZone: h.timeZone ?? '', clockSkewMs: h.clockMs ? h.clockMs - nowMs : 0, peer,
  };
}

/**
 * The Hello of a device whose identity the certificate already gave: its machine id must be the
 * one recorded at enrollment and its serial the one IT registered. Returns why not, or undefined.
 */
export function helloMismatch(h: Hello, device: DeviceRow, reg: RegistrationRow | undefined): string | undefined {
  if ((h.machineId ?? '') !== device.machineId) {
    return `this certificate belongs to device ${device.id}, enrolled from another machine (machine id ${device.machineId.slice(0, 12)}…, ` +
      `this one says ${(h.machineId ?? '').slice(0, 12)}…): a certificate cannot be moved between laptops; enroll this laptop with its own token`;
  }
  const serial = (h.hardwareSerial ?? '').trim();
  if (reg && serial && serial.toLowerCase() !== reg.serial.toLowerCase()) {
    return `this certificate belongs to device ${device.id}, registered with serial ${reg.serial}, but this laptop says serial ${serial}`;
  }
  return undefined;
}
