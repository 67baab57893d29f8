export interface HostFact {
  /** SHA-256 of the OS machine id, hex: stable per OS install, not the raw id. */
  machineIdHash: string;
  hostname: string;
  hardwareSerial?: string;
  bootId?: string;
  bootTimeMs?: number;
  os: { platform: 'linux' | 'darwin' | 'win32'; name: string; version: string; kernel: string; arch: string };
  timeZone: string;
}
