import type { SensorSpec } from '../sensor.js';
import { collectLinuxUsb } from './linux.js';
import type { UsbDeviceFact } from './types.js';

export const usbSensor: SensorSpec<UsbDeviceFact[]> = {
  name: 'usb_devices',
  description: 'USB devices with device and interface descriptors and HID report descriptors',
  // macOS (ioreg) and Windows (PnP) readers are not written yet: there the sensor reports itself
  // unavailable rather than returning a thinner list that would look complete.
  platforms: ['linux'],
  cost: 'cheap',
  defaultIntervalS: 60,
  collect: collectLinuxUsb,
  count: (facts) => facts.length,
};
