import type { SensorSpec } from '../sensor.js';
import { collectDarwinUsb } from './darwin.js';
import { collectLinuxUsb } from './linux.js';
import { collectWindowsUsb } from './windows.js';
import type { UsbDeviceFact } from './types.js';

export const usbSensor: SensorSpec<UsbDeviceFact[]> = {
  name: 'usb_devices',
  description: 'USB devices with device and interface descriptors and HID report descriptors',
  // Linux: sysfs (report descriptors as root); macOS: one ioreg (report descriptors included);
  // Windows: one pnputil with ids (interface classes, HID collections; no report descriptors), and
  // PowerShell once per plugged keyboard-and-mouse device for the mouse's absolute or relative X/Y.
  platforms: ['linux', 'darwin', 'win32'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: (ctx) => (ctx.platform === 'linux' ? collectLinuxUsb(ctx) : ctx.platform === 'darwin' ? collectDarwinUsb(ctx) : collectWindowsUsb(ctx)),
  count: (facts) => facts.length,
};
